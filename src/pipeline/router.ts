import { matchesAll, type Matcher } from './matchers.js';
import type { Alert, AlertStatus } from './model.js';

export interface Route {
  readonly matchers: readonly Matcher[];
  /** Only alerts with this status; both when absent. */
  readonly status?: AlertStatus;
  /** Names of the actions to run. */
  readonly actions: readonly string[];
  /** Keep looking at later routes after this one matched, as Alertmanager's `continue`. */
  readonly continue: boolean;
}

export interface RoutingResult<A extends Alert> {
  /** Action name to the alerts it receives, in the order the alerts came. */
  readonly byAction: ReadonlyMap<string, A[]>;
  /** Alerts no route took. */
  readonly unrouted: readonly A[];
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
  for (const alert of alerts) {
    const targets = actionsFor(alert, routes);
    if (targets.size === 0) unrouted.push(alert);
    for (const action of targets) {
      const list = byAction.get(action);
      if (list) list.push(alert);
      else byAction.set(action, [alert]);
    }
  }
  return { byAction, unrouted };
}

function actionsFor(alert: Alert, routes: readonly Route[]): Set<string> {
  const targets = new Set<string>();
  for (const route of routes) {
    if (route.status !== undefined && route.status !== alert.status) continue;
    if (!matchesAll(route.matchers, alert.labels)) continue;
    for (const action of route.actions) targets.add(action);
    if (!route.continue) break;
  }
  return targets;
}
