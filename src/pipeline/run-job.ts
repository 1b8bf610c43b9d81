import { ActionError } from '../integrations/action-error.js';
import { startDeadline } from '../lib/deadline.js';
import type { EnrichedNotification } from '../model/model.js';
import type { ClaimedJob, JobUpdate } from '../store/ports/records.js';
import type { PipelineContext } from './pipeline.js';
import { decideRetry } from './retry-policy.js';
import { collectAttemptReport } from './attempt-report.js';

/** What an attempt uses of the pipeline's context (the **act** stage; see pipeline.ts). */
export type RunJobDeps = Pick<
  PipelineContext,
  'actions' | 'logger' | 'metrics' | 'retryPolicy' | 'shutdownSignal' | 'maxTimeoutMs' | 'messageRefs' | 'firstPostClaims'
> &
  // Where what an attempt tells besides its outcome (a template fallback) is recorded; without it, only logged.
  Partial<Pick<PipelineContext, 'store'>>;

const DEFAULT_ATTEMPT_TIMEOUT_MS = 30_000;

/** An attempt's update for the store, and the error it failed with (for callers that answer a sender). */
export interface AttemptOutcome {
  readonly update: JobUpdate;
  readonly error?: unknown;
}

/**
 * One attempt of one job: hands the action its share of the notification, times it, and says
 * what becomes of the job. Never throws: every outcome is an update for the store.
 */
export async function runJob(claimed: ClaimedJob, deps: RunJobDeps): Promise<JobUpdate> {
  return (await runAttempt(claimed, deps)).update;
}

/** `runJob`, also handing back the error of a failed attempt. */
export async function runAttempt(claimed: ClaimedJob, deps: RunJobDeps): Promise<AttemptOutcome> {
  const { job, notification } = claimed;
  const logger = deps.logger.child({ notification: notification.id, groupKey: notification.groupKey, action: job.action });
  const action = deps.actions.get(job.action);
  const started = Date.now();
  if (action === undefined) {
    logger.error('job names an action that is no longer configured');
    return {
      update: { state: 'failed', attempt: { at: started, durationMs: 0, outcome: 'failed', error: `no action named ${job.action}` } },
    };
  }
  const attemptNumber = job.attempts.length + 1;
  const timeoutMs = Math.min(action.timeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS, deps.maxTimeoutMs ?? Infinity);
  // Our own timer, strongly held: a platform timeout signal combined with AbortSignal.any can be
  // garbage-collected and never fire, leaving the attempt to hold its slot forever.
  const deadline = startDeadline(timeoutMs, { parents: [deps.shutdownSignal] });
  const { signal } = deadline;
  const labels = { action: action.name, type: action.type };
  const report = collectAttemptReport({ job, at: started, logger, ...(deps.store ? { store: deps.store } : {}) });
  try {
    const result = await untilAborted(
      action.handle(viewFor(notification, job.fingerprints), {
        logger,
        signal,
        attempt: attemptNumber,
        report,
        ...(deps.messageRefs ? { messageRefs: deps.messageRefs } : {}),
        ...(deps.firstPostClaims ? { firstPostClaims: deps.firstPostClaims } : {}),
      }),
      signal,
    );
    const durationMs = Date.now() - started;
    deps.metrics.actionOutcomes.inc({ ...labels, outcome: 'success' });
    deps.metrics.actionDuration.observe(labels, durationMs / 1000);
    logger.info('action succeeded', { attempt: attemptNumber, durationMs, detail: result?.detail });
    await report.flush();
    return {
      update: {
        state: 'succeeded',
        attempt: { at: started, durationMs, outcome: 'success', ...(result?.detail ? { detail: result.detail } : {}), ...report.message() },
        ...(result?.data ? { result: result.data } : {}),
      },
    };
  } catch (error) {
    const durationMs = Date.now() - started;
    const message = error instanceof Error ? error.message : String(error);
    // An action whose effect must not repeat says so once, for every way an attempt can fail:
    // a timeout is our error, not the action's, and would otherwise count as retryable.
    const decision =
      deps.retryPolicy === 'never' || action.retry === 'never'
        ? ({ retry: false, reason: 'not retryable' } as const)
        : decideRetry(error, attemptNumber, job.createdAt, Date.now(), deps.retryPolicy);
    deps.metrics.actionDuration.observe(labels, durationMs / 1000);
    await report.flush();
    if (decision.retry) {
      deps.metrics.actionOutcomes.inc({ ...labels, outcome: 'retry' });
      logger.warn('action failed; will retry', { attempt: attemptNumber, error: message, retryInMs: decision.at - Date.now() });
      const retryAfterMs = error instanceof ActionError ? error.retryAfterMs : undefined;
      return {
        update: {
          state: 'pending',
          nextAttemptAt: decision.at,
          attempt: { at: started, durationMs, outcome: 'retry', error: message, ...report.message() },
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        },
        error,
      };
    }
    const outcome = decision.reason === 'too old' ? 'dead' : 'failed';
    deps.metrics.actionOutcomes.inc({ ...labels, outcome });
    logger.error(outcome === 'dead' ? 'action failed past its maximum age; dead-lettered' : 'action failed; not retryable', {
      attempt: attemptNumber,
      error: message,
    });
    return { update: { state: outcome, attempt: { at: started, durationMs, outcome, error: message, ...report.message() } }, error };
  } finally {
    deadline.clear();
  }
}

/** The notification as one action sees it: only its alerts, and the group status they imply. */
export function viewFor(notification: EnrichedNotification, fingerprints: readonly string[]): EnrichedNotification {
  const wanted = new Set(fingerprints);
  const alerts = notification.alerts.filter((alert) => wanted.has(alert.fingerprint));
  if (alerts.length === notification.alerts.length) return notification;
  return { ...notification, alerts, status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved' };
}

/** An action that ignores its signal still cannot hold a job past its timeout. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // The deadline's reason ("no result within N ms") or the shutdown's.
    const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
