import { h } from 'preact';
import htm from 'htm';
import { NotificationsList } from './notifications-list.js';
import { NotificationView } from './views.js';
import { TimelineView } from './timeline-view.js';
import { DeadLettersView, RouteTesterView } from './tools.js';
import { IncidentsView } from './incidents.js';

const html = htm.bind(h);

/**
 * The console's pages, one line each: the address (`#/<page>/…`), the title in the navigation
 * (none: reached by links only) and the view, given the route. A new page is one line here.
 */
export const PAGES = [
  { page: '', title: 'Notifications', view: ({ params }) => html`<${NotificationsList} params=${params} />` },
  { page: 'n', view: ({ arg }) => html`<${NotificationView} id=${arg} />` },
  { page: 'alert', view: ({ arg }) => html`<${TimelineView} fingerprint=${arg} />` },
  { page: 'dead', title: 'Dead letters', view: () => html`<${DeadLettersView} />` },
  { page: 'test', title: 'Route tester', view: () => html`<${RouteTesterView} />` },
  { page: 'incidents', title: 'Incidents', view: () => html`<${IncidentsView} />` },
];
