import { ActionInputError } from '../integrations/action-error.js';
import type { Notification } from '../model/model.js';
import { routeShares } from './route-shares.js';
import type { PipelineContext } from './pipeline.js';
import { runAttempt } from './run-job.js';
import { unenriched } from '../model/unenriched.js';

/**
 * What the before-ack path uses of the pipeline's context. Its `maxTimeoutMs` is the longest any
 * of them may take, whatever its own timeout: the sender is waiting, and an answer after it gave
 * up is no answer (`server.request_timeout`).
 */
export type BeforeAckDeps = Pick<
  PipelineContext,
  'routes' | 'actions' | 'store' | 'logger' | 'metrics' | 'shutdownSignal' | 'maxTimeoutMs'
>;

/** A `before-ack` action that failed, for the answer. */
export interface BeforeAckFailure {
  readonly action: string;
  readonly error: string;
  /** No retry can succeed (the notification cannot be given to the action): a 400, not a 500. */
  readonly permanent: boolean;
}

/**
 * The before-ack path's stages (see pipeline.ts): **route** and **filter** as the queue does, then
 * **act** for each `before-ack` action, side by side, while the sender waits, and **record** each
 * outcome in the history; returns the failures. Alerts go unenriched: the sender is waiting, and
 * prometheus-am-executor never enriched either.
 */
export async function runBeforeAck(notification: Notification, deps: BeforeAckDeps): Promise<BeforeAckFailure[]> {
  // Nearly every config has no before-ack action: then no alert needs routing here, and routing a
  // storm's group alert by alert while the sender waits is the cost of its answer.
  if (!hasBeforeAckAction(deps.actions)) return [];
  const { shares } = routeShares(notification.alerts, deps.routes, deps.actions, 'before-ack');
  if (shares.size === 0) return [];
  const view = unenriched(notification);
  const runs = [...shares].map(async ([name, alerts]): Promise<BeforeAckFailure | undefined> => {
    const job = { action: name, fingerprints: alerts.map((a) => a.fingerprint) };
    const now = Date.now();
    const { update, error } = await runAttempt(
      {
        job: {
          ...job,
          id: `${notification.id}:${name}`,
          notificationId: notification.id,
          state: 'running',
          createdAt: now,
          nextAttemptAt: now,
          attempts: [],
        },
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
    return { action: name, error: update.attempt.error ?? update.state, permanent: error instanceof ActionInputError };
  });
  return (await Promise.all(runs)).filter((failure): failure is BeforeAckFailure => failure !== undefined);
}

function hasBeforeAckAction(actions: BeforeAckDeps['actions']): boolean {
  for (const action of actions.values()) if (action.timing === 'before-ack') return true;
  return false;
}
