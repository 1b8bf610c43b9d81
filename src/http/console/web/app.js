import { h, render } from 'preact';
import htm from 'htm';
import { PAGES } from './pages.js';
import { hrefOf, useRoute } from './router.js';

const html = htm.bind(h);

function App() {
  const route = useRoute();
  const current = PAGES.find((p) => p.page === route.page) ?? PAGES[0];
  return html`<header>
      <span class="brand">alertpipe</span>
      <nav aria-label="Console">
        ${PAGES.filter((p) => p.title).map(
          (p) => html`<a href=${hrefOf(p.page)} aria-current=${current === p ? 'page' : undefined}>${p.title}</a> `,
        )}
      </nav>
    </header>
    <main>${current.view(route)}</main>`;
}

// The placeholder shown before the modules load goes; preact adds to what it finds.
const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
