import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';
import { getJson, outcomeOf, query } from './api.js';
import { groupName, receiverName } from './names.js';
import { hrefOf, navigate, rowLink } from './router.js';

const html = htm.bind(h);
const POLL_MS = 2000;
const FILTER_FIELDS = ['matcher', 'status', 'action', 'outcome', 'since', 'until'];

/** The filter in the address: only the fields the list knows, each a string. */
function filterOf(params) {
  return Object.fromEntries(FILTER_FIELDS.map((name) => [name, params[name] ?? '']));
}

/** datetime-local gives local time without a zone; the API wants an instant. */
function toInstant(local) {
  return local ? new Date(local).toISOString() : '';
}

function filterQuery(filter) {
  return { ...filter, since: toInstant(filter.since), until: toInstant(filter.until) };
}

function Filters({ initial, onApply }) {
  // The list mounts a new form whenever the applied filter changes (the back button, a shared link,
  // Clear), so the form starts from what is applied. Resetting the draft in an effect instead would
  // run a frame later and could throw away what was typed or chosen in that frame.
  const [draft, setDraft] = useState(initial);
  const field = (name) => ({
    id: `f-${name}`,
    name,
    value: draft[name],
    onInput: (e) => setDraft({ ...draft, [name]: e.currentTarget.value }),
  });
  const submit = (e) => {
    e.preventDefault();
    onApply(draft);
  };
  // On a phone the form would fill the first screen: it starts folded unless a filter is applied.
  const folded = matchMedia('(max-width: 640px)').matches && Object.values(initial).every((v) => v === '');
  return html`<details class="filters-box" open=${!folded}>
    <summary>Filters</summary>
    <form class="filters" onSubmit=${submit} aria-label="Filter notifications">
      <label for="f-matcher"
        >Label matcher<input ...${field('matcher')} placeholder='{severity="critical", namespace=~"shop|pay"}' size="34"
      /></label>
      <label for="f-status"
        >Status<select ...${field('status')}>
          <option value="">any</option>
          <option>firing</option>
          <option>resolved</option>
        </select></label
      >
      <label for="f-action">Action<input ...${field('action')} placeholder="any" size="10" /></label>
      <label for="f-outcome"
        >Outcome<select ...${field('outcome')}>
          <option value="">any</option>
          <option value="delivered">delivered</option>
          <option value="retrying">retrying</option>
          <option value="dead">dead-lettered</option>
          <option value="failed">failed</option>
          <option value="duplicate">skipped as duplicate</option>
          <option value="rate-limited">rate-limited</option>
        </select></label
      >
      <label for="f-since">From<input type="datetime-local" ...${field('since')} /></label>
      <label for="f-until">To<input type="datetime-local" ...${field('until')} /></label>
      <button type="submit">Apply</button>
      <button type="button" onClick=${() => onApply(filterOf({}))}>Clear</button>
    </form>
  </details>`;
}

function glance(alerts) {
  const enriched = alerts.filter((a) => a.enrichment && Object.keys(a.enrichment).length > 0).length;
  const notes = alerts.reduce((n, a) => n + (a.notes?.length ?? 0), 0);
  return [enriched ? `${enriched}/${alerts.length} enriched` : 'not enriched', notes ? `${notes} note${notes > 1 ? 's' : ''}` : '']
    .filter(Boolean)
    .join(' · ');
}

export function ActionChips({ n }) {
  const duplicates = (n.events ?? []).filter((e) => e.kind === 'deduplicated');
  const chips = n.actions.map((a) => ({ action: a.action, outcome: outcomeOf(a, n.events ?? []) }));
  for (const d of duplicates)
    if (!chips.some((c) => c.action === d.action)) chips.push({ action: d.action, outcome: 'skipped as duplicate' });
  if (chips.length === 0)
    return html`<span class="muted">${(n.events ?? []).some((e) => e.kind === 'unrouted') ? 'no route matched' : n.state}</span>`;
  return html`<ul class="chips">
    ${chips.map((c) => html`<li class=${`chip o-${c.outcome.replace(/\W+/g, '-')}`}>${c.action}: ${c.outcome}</li>`)}
  </ul>`;
}

/** The notifications, newest first and live, filtered by what the address says. */
export function NotificationsList({ params }) {
  const filter = filterOf(params);
  const filterKey = JSON.stringify(filter);
  const [items, setItems] = useState([]);
  const [cursor, setCursor] = useState(null);
  const [error, setError] = useState('');
  const [loaded, setLoaded] = useState(false);
  const live = useRef(0);

  // The first page is read again every POLL_MS: new notifications appear on top and changed ones
  // (an attempt made, a job dead-lettered) are replaced; older pages, once loaded, stay.
  useEffect(() => {
    const generation = ++live.current;
    let timer;
    const poll = async (first) => {
      try {
        const page = await getJson(`/api/notifications?${query({ limit: 50, ...filterQuery(filter) })}`);
        if (generation !== live.current) return;
        setError('');
        setItems((old) =>
          first ? page.notifications : [...page.notifications, ...old.filter((o) => !page.notifications.some((n) => n.id === o.id))],
        );
        if (first) setCursor(page.nextCursor);
        setLoaded(true);
      } catch (e) {
        if (generation === live.current) setError(e.message);
      }
      if (generation === live.current) timer = setTimeout(() => poll(false), POLL_MS);
    };
    setLoaded(false);
    poll(true);
    return () => clearTimeout(timer);
  }, [filterKey]);

  const older = async () => {
    try {
      const page = await getJson(`/api/notifications?${query({ limit: 50, cursor, ...filterQuery(filter) })}`);
      setItems((old) => [...old, ...page.notifications.filter((n) => !old.some((o) => o.id === n.id))]);
      setCursor(page.nextCursor);
    } catch (e) {
      setError(e.message);
    }
  };

  return html`<section aria-labelledby="list-title">
    <h1 id="list-title">Notifications</h1>
    <${Filters} key=${JSON.stringify(filter)} initial=${filter} onApply=${(applied) => navigate(hrefOf('', '', applied))} />
    <p role="status" class=${error ? 'error' : 'muted'}>${error || (loaded ? `${items.length} shown · live` : 'Loading…')}</p>
    <table class="list">
      <thead>
        <tr>
          <th scope="col">Received</th>
          <th scope="col">Status</th>
          <th scope="col">Group</th>
          <th scope="col">Alerts</th>
          <th scope="col">Receiver</th>
          <th scope="col">Actions</th>
          <th scope="col">Enrichment</th>
        </tr>
      </thead>
      <tbody>
        ${items.map((n) => {
          const href = hrefOf('n', n.id);
          const name = groupName(n);
          return html`<tr
            key=${n.id}
            data-id=${n.id}
            ...${rowLink(href, `${n.status} ${name}, ${new Date(n.receivedAt).toLocaleString()}`)}
          >
            <td data-label="Received"><a href=${href} tabindex="-1">${new Date(n.receivedAt).toLocaleString()}</a></td>
            <td data-label="Status"><span class=${`status s-${n.status}`}>${n.status}</span></td>
            <td data-label="Group" class="group" title=${`group key ${n.groupKey}`}>${name}</td>
            <td data-label="Alerts">${n.alerts.length}</td>
            <td data-label="Receiver">${receiverName(n)}</td>
            <td data-label="Actions"><${ActionChips} n=${n} /></td>
            <td data-label="Enrichment" class="muted">${glance(n.alerts)}</td>
          </tr>`;
        })}
      </tbody>
    </table>
    ${loaded && items.length === 0 ? html`<p>No notification matches${cursor ? ' in the stretch read so far' : ''}.</p>` : ''}
    ${cursor ? html`<button type="button" onClick=${older}>Older</button>` : ''}
  </section>`;
}
