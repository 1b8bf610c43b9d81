import { ActionInputError } from '../actions/action-error.js';
import type { Action } from '../actions/action.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { EnrichedNotification, Notification } from '../pipeline/model.js';
import { routeAlerts, type Route } from '../pipeline/router.js';
import type { DeliveryStore } from './delivery-store.js';
import { runAttempt } from './run-job.js';

export interface BeforeAckDeps {
  readonly routes: readonly Route[];
  readonly actions: ReadonlyMap<string, Action>;
  readonly store: DeliveryStore;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly shutdownSignal: AbortSignal;
  /**
   * The longest any of them may take, whatever its own timeout: the sender is waiting, and an
   * answer after it gave up is no answer (`server.request_timeout`).
   */
  readonly maxTimeoutMs?: number;
}

/** A `before-ack` action that failed, for the answer. */
export interface BeforeAckFailure {
  readonly action: string;
  readonly error: string;
  /** No retry can succeed (the notification cannot be given to the action): a 400, not a 500. */
  readonly permanent: boolean;
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
    const { update, error } = await runAttempt(
      {
        job: { ...job, id: `${notification.id}:${action.name}`, notificationId: notification.id, state: 'running', createdAt: now, nextAttemptAt: now, attempts: [] },
        notification: view,
      },
      {
        actions: deps.actions,
        logger: deps.logger,
        metrics: deps.metrics,
        retryPolicy: 'never',
        shutdownSignal: deps.shutdownSignal,
        ...(deps.maxTimeoutMs === undefined ? {} : { maxTimeoutMs: deps.maxTimeoutMs }),
      },
    );
    // Never retried here: the sender retries the whole notification when it gets the 500.
    await deps.store.recordBeforeAck(notification.id, job, update);
    if (update.state === 'succeeded') return undefined;
    return { action: action.name, error: update.attempt.error ?? update.state, permanent: error instanceof ActionInputError };
  });
  return (await Promise.all(runs)).filter((failure): failure is BeforeAckFailure => failure !== undefined);
}
