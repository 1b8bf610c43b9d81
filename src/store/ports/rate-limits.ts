/** A limit on how fast one destination may be called, shared by every action that names the same key. */
export interface RateLimit {
  /** Identifies the destination (a webhook URL, a routing key); never logged as is. */
  readonly key: string;
  readonly perSecond: number;
  readonly burst: number;
  /**
   * What one token pays for: a `notification` (a Slack message per group) or each `alert` in it
   * (PagerDuty takes one event per alert). A job never costs more than the burst.
   */
  readonly per?: 'notification' | 'alert';
}

/** Limits shared by every process on the store: how fast each destination may be called. */
export interface RateLimitStore {
  /**
   * 0 when a job of `alerts` alerts may go to `limit.key` now (and takes its share of the limit),
   * else how many milliseconds until it may. Every process sharing the store shares the limit.
   */
  rateDelay(limit: RateLimit, alerts: number, now: number): Promise<number>;
  /** The destination asked for a pause (a 429's Retry-After): nothing goes to `key` for `ms`. */
  holdDestination(key: string, ms: number, now: number): Promise<void>;
}
