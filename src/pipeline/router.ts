import { matchesAll, type Matcher } from '../model/matchers.js';
import type { Alert, AlertStatus } from '../model/model.js';

export interface Route {
  readonly matchers: readonly Matcher[];
  /** Only alerts with this status; both when absent. */
  readonly status?: AlertStatus;
  /** Names of the actions to run. */
  readonly actions: readonly string[];
  /** Keep looking at later routes after this one matched, as Alertmanager's `continue`. */
  readonly continue: boolean;
  /** The escalation policy whose chain each episode of the group walks (beside or instead of `actions`). */
  readonly escalation?: string;
}

export interface RoutingResult<A extends Alert> {
  /** Action name to the alerts it receives, in the order the alerts came. */
  readonly byAction: ReadonlyMap<string, A[]>;
  /** Alerts no route took. */
  readonly unrouted: readonly A[];
  /** Each route that took alerts (by its position in the list) to those alerts, for the history. */
  readonly byRoute: ReadonlyMap<number, A[]>;
}

/**
 * Routes each alert on its own labels and its own status: a group from Alertmanager may mix
 * severities or carry resolved alerts inside a firing group. Routes are tried in order; the first
 * match wins unless it says `continue`. A route without matchers matches every alert, so a last
 * route with none is the default.
 */
export function routeAlerts<A extends Alert>(alerts: readonly A[], routes: readonly Route[]): RoutingResult<A> {
  const byAction = new Map<string, A[]>();
  const unrouted: A[] = [];
  const byRoute = new Map<number, A[]>();
  for (const alert of alerts) {
    let escalated = false;
    const targets = actionsFor(alert, routes, (index) => {
      if (routes[index]?.escalation !== undefined) escalated = true;
      const list = byRoute.get(index);
      if (list) list.push(alert);
      else byRoute.set(index, [alert]);
    });
    // A route with only an escalation takes the alert too: its steps deliver it.
    if (targets.size === 0 && !escalated) unrouted.push(alert);
    for (const action of targets) {
      const list = byAction.get(action);
      if (list) list.push(alert);
      else byAction.set(action, [alert]);
    }
  }
  return { byAction, unrouted, byRoute };
}

function actionsFor(alert: Alert, routes: readonly Route[], matched: (index: number) => void): Set<string> {
  const targets = new Set<string>();
  for (const [index, route] of routes.entries()) {
    if (route.status !== undefined && route.status !== alert.status) continue;
    if (!matchesAll(route.matchers, alert.labels)) continue;
    matched(index);
    for (const action of route.actions) targets.add(action);
    if (!route.continue) break;
  }
  return targets;
}

/** A route in one line, as the history and `alertpipe render` show it: `{severity="critical"}, status firing, continue`. */
export function describeRoute(route: Route | undefined): string {
  if (!route) return '?';
  const matchers = route.matchers.map((m) => `${m.name}${m.operator}${JSON.stringify(m.value)}`);
  const parts = [
    matchers.length > 0 ? `{${matchers.join(', ')}}` : 'every alert',
    route.status ? `status ${route.status}` : '',
    route.continue ? 'continue' : '',
    route.escalation ? `escalation ${route.escalation}` : '',
  ];
  return parts.filter(Boolean).join(', ');
}
