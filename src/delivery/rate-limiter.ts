import type { RateLimit } from '../actions/action.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Token buckets per destination (a Slack webhook, a PagerDuty routing key), shared by every action
 * that names the same key. A job that finds its bucket empty waits for the next token without
 * counting as an attempt, so a burst of alerts is spread out instead of being answered with 429s.
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
    const bucket = this.buckets.get(limit.key) ?? { tokens: limit.burst, updatedAt: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * limit.perSecond);
    bucket.updatedAt = now;
    this.buckets.set(limit.key, bucket);
    if (bucket.tokens >= tokensNeeded) {
      bucket.tokens -= tokensNeeded;
      return 0;
    }
    return Math.ceil(((tokensNeeded - bucket.tokens) / limit.perSecond) * 1000);
  }
}
