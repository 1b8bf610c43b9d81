import type { Action } from '../integrations/action.js';
import type { Logger } from '../observability/logger.js';
import type { DeliveryStore } from '../store/ports/delivery-store.js';
import type { ClaimedJob, JobUpdate } from '../store/ports/records.js';

export interface DestinationLimits {
  /** How long a claimed job must still wait for its destination; 0 to run it now. */
  delayFor(claimed: ClaimedJob, now: number): number | Promise<number>;
  /** Passes an attempt's outcome on, first holding its destination back when it asked for a pause. */
  afterAttempt(claimed: ClaimedJob, update: JobUpdate): Promise<JobUpdate>;
}

/**
 * Per-destination rate limits, kept by the store so that every process sharing it shares them:
 * two replicas must not send Slack twice its limit, and one 429 holds them all back.
 */
export function createDestinationLimits(store: DeliveryStore, actions: ReadonlyMap<string, Action>, logger: Logger): DestinationLimits {
  return {
    delayFor(claimed, now) {
      const limit = actions.get(claimed.job.action)?.rateLimit;
      return limit === undefined ? 0 : store.rateDelay(limit, claimed.job.fingerprints.length, now);
    },
    async afterAttempt(claimed, update) {
      const limit = actions.get(claimed.job.action)?.rateLimit;
      if (limit === undefined || update.retryAfterMs === undefined) return update;
      try {
        await store.holdDestination(limit.key, update.retryAfterMs, Date.now());
      } catch (error) {
        // The job itself still waits for its Retry-After; only the others may meet another 429.
        logger.warn('could not hold a rate-limited destination back', { action: claimed.job.action, error: String(error) });
      }
      return update;
    },
  };
}
