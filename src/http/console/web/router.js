import { useEffect, useState } from 'preact/hooks';

// The console's address is its state: `#/<page>/<arg>?<filters>`. A view that changes what it
// shows (a filter) goes to a new address, so the view can be shared and the back button undoes it.

/** The page, its argument and its query, read from the address. */
export function currentRoute() {
  const [, page = '', arg = '', search = ''] = /^#\/([^/?]*)\/?([^?]*)\??(.*)$/.exec(location.hash) ?? [];
  return { page, arg: decodeURIComponent(arg), params: Object.fromEntries(new URLSearchParams(search)) };
}

/** The address of a page, with the non-empty values of `params` as its query. */
export function hrefOf(page, arg = '', params = {}) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(name, value);
  const query = search.toString();
  return `#/${page}${arg ? `/${encodeURIComponent(arg)}` : ''}${query ? `?${query}` : ''}`;
}

export function navigate(href) {
  if (location.hash !== href) location.hash = href;
}

/** The route, kept current as the address changes (links, the back button). */
export function useRoute() {
  const [route, setRoute] = useState(currentRoute());
  useEffect(() => {
    const changed = () => setRoute(currentRoute());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

/**
 * A table row that opens its link as a whole: a click anywhere on it, or Enter while it has the
 * focus (each row is in the tab order). Clicks on the row's own controls keep their own meaning.
 */
export function rowLink(href, label) {
  return {
    tabIndex: 0,
    class: 'row-link',
    'aria-label': label,
    onClick: (e) => {
      if (e.target.closest('a, button, input, select, textarea, summary')) return;
      navigate(href);
    },
    onKeyDown: (e) => {
      if (e.key === 'Enter' && e.target === e.currentTarget) navigate(href);
    },
  };
}
