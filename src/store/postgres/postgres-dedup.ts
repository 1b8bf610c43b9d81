import type { DedupClaim, DedupStore } from '../ports/dedup.js';
import { PruneSchedule } from '../prune-schedule.js';
import type { PostgresConnection } from './postgres-connection.js';
import { SQL } from './postgres-statements.js';

/**
 * The PostgreSQL store's dedup keys, shared by replicas: the key's unique index decides between
 * two claiming at once (see `SQL.claimDedupKeys`). A batch of claims is one statement.
 */
export class PostgresDedup implements DedupStore {
  private readonly pruning = new PruneSchedule();

  constructor(private readonly db: PostgresConnection) {}

  async claimDedupKeys(notificationId: string, keys: readonly string[], now: number, windowMs: number): Promise<Set<string>> {
    const [duplicates] = await this.claimDedupKeysBatch([{ notificationId, keys, now, windowMs }]);
    return duplicates ?? new Set();
  }

  /**
   * Expiry is judged at the latest `now` of the batch: its claims were made within one turn of
   * the event loop, and a key that ran out before the last of them is free for each.
   */
  async claimDedupKeysBatch(claims: readonly DedupClaim[]): Promise<Set<string>[]> {
    const wanted = claims.map((claim) => ({ ...claim, keys: [...new Set(claim.keys)] }));
    const rows = wanted.flatMap((claim) => claim.keys.map((key) => [key, claim.notificationId, claim.now + claim.windowMs] as const));
    if (rows.length === 0) return wanted.map(() => new Set());
    const now = Math.max(...wanted.map((claim) => claim.now));
    if (this.pruning.due()) await this.db.query(SQL.pruneDedup, [now]);
    const taken = await this.db.query<{ key: string; notification_id: string }>(SQL.claimDedupKeys, [
      rows.map((row) => row[0]),
      rows.map((row) => row[1]),
      rows.map((row) => row[2]),
      now,
    ]);
    const holders = new Map(taken.map((row) => [row.key, row.notification_id]));
    return wanted.map((claim) => new Set(claim.keys.filter((key) => holders.get(key) !== claim.notificationId)));
  }
}
