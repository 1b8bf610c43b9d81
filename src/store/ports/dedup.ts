/** Deduplication across notifications (and replicas): which alerts were already acted on. */
export interface DedupStore {
  /**
   * Records that `notificationId` acts on these dedup keys for `windowMs`, and returns the keys
   * that another notification already acted on within its window (the duplicates to drop). A key
   * held by the same notification is not a duplicate: a notification planned again after a crash
   * must not deduplicate itself away.
   */
  claimDedupKeys(notificationId: string, keys: readonly string[], now: number, windowMs: number): Promise<Set<string>>;
}
