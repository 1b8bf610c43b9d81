import type { Action } from '../actions/action.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { EnrichedNotification, Notification } from '../pipeline/model.js';
import { routeAlerts, type Route } from '../pipeline/router.js';
import type { DeliveryStore } from './delivery-store.js';
import { runJob } from './run-job.js';

export interface BeforeAckDeps {
  readonly routes: readonly Route[];
  readonly actions: ReadonlyMap<string, Action>;
  readonly store: DeliveryStore;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly shutdownSignal: AbortSignal;
}

/** A `before-ack` action that failed, for the 500 answer. */
export interface BeforeAckFailure {
  readonly action: string;
  readonly error: string;
}

/**
 * Runs the `before-ack` actions a notification routes to, side by side, while the sender waits,
 * records each outcome in the history, and returns the failures. Alerts go unenriched: the sender
 * is waiting, and prometheus-am-executor never enriched either.
 */
export async function runBeforeAck(notification: Notification, deps: BeforeAckDeps): Promise<BeforeAckFailure[]> {
  const actions = [...deps.actions.values()].filter((action) => action.timing === 'before-ack');
  if (actions.length === 0) return [];
  const { byAction } = routeAlerts(notification.alerts, deps.routes);
  const view: EnrichedNotification = { ...notification, alerts: notification.alerts.map((a) => ({ ...a, enrichment: {}, notes: a.notes ?? [] })) };
  const runs = actions.map(async (action): Promise<BeforeAckFailure | undefined> => {
    const routed = byAction.get(action.name) ?? [];
    const alerts = action.sendResolved ? routed : routed.filter((a) => a.status === 'firing');
    if (alerts.length === 0) return undefined;
    const job = { action: action.name, fingerprints: alerts.map((a) => a.fingerprint) };
    const now = Date.now();
    const update = await runJob(
      {
        job: { ...job, id: `${notification.id}:${action.name}`, notificationId: notification.id, state: 'running', createdAt: now, nextAttemptAt: now, attempts: [] },
        notification: view,
      },
      { actions: deps.actions, logger: deps.logger, metrics: deps.metrics, retryPolicy: 'never', shutdownSignal: deps.shutdownSignal },
    );
    // Never retried here: the sender retries the whole notification when it gets the 500.
    await deps.store.recordBeforeAck(notification.id, job, update);
    return update.state === 'succeeded' ? undefined : { action: action.name, error: update.attempt.error ?? update.state };
  });
  return (await Promise.all(runs)).filter((failure): failure is BeforeAckFailure => failure !== undefined);
}
