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

  /** 0 when the call may go now (and takes a token), else how many milliseconds until it may. */
  delayFor(limit: RateLimit | undefined, now: number): number {
    if (limit === undefined) return 0;
    const bucket = this.buckets.get(limit.key) ?? { tokens: limit.burst, updatedAt: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * limit.perSecond);
    bucket.updatedAt = now;
    this.buckets.set(limit.key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / limit.perSecond) * 1000);
  }
}
