/** Deduplication across notifications (and replicas): which alerts were already acted on. */
export interface DedupStore {
  /**
   * Records that `notificationId` acts on these dedup keys for `windowMs`, and returns the keys
   * that another notification already acted on within its window (the duplicates to drop). A key
   * held by the same notification is not a duplicate: a notification planned again after a crash
   * must not deduplicate itself away.
   */
  claimDedupKeys(notificationId: string, keys: readonly string[], now: number, windowMs: number): Promise<Set<string>>;
  /**
   * Several notifications' claims at once (an enrichment round's), with the result of each, as
   * `claimDedupKeys` would give them one after the other in this order: of two claims of one key,
   * the first takes it and the second finds it a duplicate, unless the second already held it.
   */
  claimDedupKeysBatch(claims: readonly DedupClaim[]): Promise<Set<string>[]>;
}

/** One notification's `claimDedupKeys`, as a batch holds it. */
export interface DedupClaim {
  readonly notificationId: string;
  readonly keys: readonly string[];
  readonly now: number;
  readonly windowMs: number;
}
