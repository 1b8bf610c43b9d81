import type { Action } from '../integrations/action.js';
import type { Alert } from '../model/model.js';
import { routeAlerts, type RoutingResult } from './router.js';

/** What routing gave each action, and what it will receive of that. */
export interface RoutedShares<A extends Alert> extends RoutingResult<A> {
  /**
   * Action name to the alerts it receives: routed to it, and without the resolved ones when it
   * does not take them (`send_resolved: false`). Only actions of the asked timing; none empty.
   */
  readonly shares: ReadonlyMap<string, A[]>;
}

/**
 * The first two stages of the pipeline, in one place for every path that delivers (the queue, the
 * actions that run while the sender waits, and the previews of `render` and the route tester):
 * **route** each alert on its own labels and status, then **filter** out resolved alerts for
 * actions that do not want them. `timing` keeps the actions of one path; absent, all of them.
 */
export function routeShares<A extends Alert>(
  alerts: readonly A[],
  routes: Parameters<typeof routeAlerts>[1],
  actions: ReadonlyMap<string, Action>,
  timing?: NonNullable<Action['timing']>,
): RoutedShares<A> {
  const routed = routeAlerts(alerts, routes);
  const shares = new Map<string, A[]>();
  for (const [name, received] of routed.byAction) {
    const action = actions.get(name);
    if (timing !== undefined && (action?.timing ?? 'after-ack') !== timing) continue;
    const wanted = action?.sendResolved === false ? received.filter((a) => a.status === 'firing') : received;
    if (wanted.length > 0) shares.set(name, wanted);
  }
  return { ...routed, shares };
}
