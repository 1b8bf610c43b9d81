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
