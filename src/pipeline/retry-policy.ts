import { ActionError } from '../integrations/action-error.js';

export interface RetryPolicy {
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** A job older than this is dead-lettered instead of retried. */
  readonly maxAgeMs: number;
  /** Injected for tests; Math.random otherwise. */
  readonly random?: () => number;
}

export type RetryDecision =
  { readonly retry: true; readonly at: number } | { readonly retry: false; readonly reason: 'not retryable' | 'too old' };

/**
 * Whether and when to try a failed job again. What a retry cannot fix (a 4xx other than 408/429)
 * is final at once. The rest waits an exponentially growing, jittered delay (so that many jobs
 * failing together do not come back together), never less than the destination's Retry-After,
 * until the job is older than `maxAgeMs`.
 */
export function decideRetry(error: unknown, attempts: number, createdAt: number, now: number, policy: RetryPolicy): RetryDecision {
  const retryable = error instanceof ActionError ? error.retryable : true;
  if (!retryable) return { retry: false, reason: 'not retryable' };
  const ceiling = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** Math.max(0, attempts - 1));
  const jittered = ceiling / 2 + (policy.random ?? Math.random)() * (ceiling / 2);
  const retryAfter = error instanceof ActionError ? (error.retryAfterMs ?? 0) : 0;
  const at = now + Math.max(jittered, retryAfter);
  if (at - createdAt > policy.maxAgeMs) return { retry: false, reason: 'too old' };
  return { retry: true, at };
}
