import type { RateLimit } from '../store/ports/rate-limits.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
  /** Until when the destination asked us to send nothing (a 429's Retry-After). */
  heldUntil: number;
}

/**
 * Token buckets per destination (a Slack webhook, a PagerDuty routing key), shared by every action
 * that names the same key. A job that finds its bucket empty waits for the next token without
 * counting as an attempt, so a burst of alerts is spread out instead of being answered with 429s.
 * In-process: the memory and SQLite stores keep one each; PostgreSQL keeps its buckets in a table
 * every replica shares (postgres-rate-limits.ts), with the same arithmetic.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  /**
   * 0 when a job of `alerts` alerts may go now (and takes its tokens), else how many milliseconds
   * until it may. It costs one token, or one per alert when the limit is `per: 'alert'`, capped at
   * the burst so that a large group waits for a full bucket, never forever.
   */
  delayFor(limit: RateLimit | undefined, now: number, alerts = 1): number {
    if (limit === undefined) return 0;
    const tokensNeeded = limit.per === 'alert' ? Math.max(1, Math.min(alerts, limit.burst)) : 1;
    const bucket = this.buckets.get(limit.key) ?? { tokens: limit.burst, updatedAt: now, heldUntil: 0 };
    if (bucket.heldUntil > now) return bucket.heldUntil - now;
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * limit.perSecond);
    bucket.updatedAt = now;
    this.buckets.set(limit.key, bucket);
    if (bucket.tokens >= tokensNeeded) {
      bucket.tokens -= tokensNeeded;
      return 0;
    }
    return Math.ceil(((tokensNeeded - bucket.tokens) / limit.perSecond) * 1000);
  }

  /** Nothing goes to `key` before `until`, whatever its bucket holds; one token is left for the moment it ends. */
  hold(key: string, until: number): void {
    const bucket = this.buckets.get(key) ?? { tokens: 0, updatedAt: until, heldUntil: 0 };
    bucket.heldUntil = Math.max(bucket.heldUntil, until);
    // After the pause the destination gets one job, then the rate: not a burst that may meet another 429.
    bucket.tokens = 1;
    bucket.updatedAt = Math.max(bucket.updatedAt, until);
    this.buckets.set(key, bucket);
  }
}
