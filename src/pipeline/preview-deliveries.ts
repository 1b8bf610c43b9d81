import type { Action, ActionPreview } from '../integrations/action.js';
import { viewFor } from './run-job.js';
import type { EnrichedNotification } from '../model/model.js';
import { routeShares } from './route-shares.js';
import { describeRoute, type Route } from './router.js';

/** One action a notification reaches, and what it would send. */
export interface ActionDelivery {
  readonly name: string;
  readonly type: string;
  /** The first route that sent it an alert, and that route in one line. */
  readonly routeIndex: number;
  readonly route: string;
  /** Every alert routed to it. */
  readonly fingerprints: readonly string[];
  /** Those it would receive (`send_resolved: false` leaves resolved ones out). */
  readonly sent: readonly string[];
  /** The body it would send; absent when it sends nothing or sends no message (a command, a scale). */
  readonly preview?: ActionPreview;
}

export interface DeliveryPreview {
  /** Each route that took alerts, by position, with those alerts. */
  readonly routes: ReadonlyArray<{ readonly index: number; readonly description: string; readonly fingerprints: readonly string[] }>;
  readonly unrouted: readonly string[];
  readonly actions: readonly ActionDelivery[];
}

/**
 * What a notification would turn into, without sending anything: the routes each alert takes
 * (the router's own decision), the actions reached, and the body each would send (each action's
 * `preview`). `alertpipe render` prints it; the console's route tester shows it.
 */
export function previewDeliveries(
  notification: EnrichedNotification,
  routes: readonly Route[],
  actions: ReadonlyMap<string, Action>,
): DeliveryPreview {
  const { byAction, shares, unrouted, byRoute } = routeShares(notification.alerts, routes, actions);
  const ordered = [...byRoute].sort(([a], [b]) => a - b);
  const delivered: ActionDelivery[] = [];
  for (const [name, alerts] of byAction) {
    const action = actions.get(name);
    if (action === undefined) continue;
    const fingerprints = alerts.map((a) => a.fingerprint);
    const routeIndex =
      ordered.find(
        ([index, took]) => routes[index]?.actions.includes(name) && took.some((a) => fingerprints.includes(a.fingerprint)),
      )?.[0] ?? -1;
    const sent = (shares.get(name) ?? []).map((a) => a.fingerprint);
    const preview = sent.length > 0 ? action.preview?.(viewFor(notification, sent)) : undefined;
    delivered.push({
      name,
      type: action.type,
      routeIndex,
      route: describeRoute(routes[routeIndex]),
      fingerprints,
      sent,
      ...(preview ? { preview } : {}),
    });
  }
  return {
    routes: ordered.map(([index, took]) => ({
      index,
      description: describeRoute(routes[index]),
      fingerprints: took.map((a) => a.fingerprint),
    })),
    unrouted: unrouted.map((a) => a.fingerprint),
    actions: delivered,
  };
}
