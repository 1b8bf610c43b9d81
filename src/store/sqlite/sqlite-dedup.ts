import type { DedupClaim, DedupStore } from '../ports/dedup.js';
import { PruneSchedule } from '../prune-schedule.js';
import type { SqliteWriter } from './sqlite-writer.js';

/** The SQLite store's dedup keys: a row per key, holding the notification that acted on it and until when. */
export class SqliteDedup implements DedupStore {
  private readonly pruning = new PruneSchedule();

  constructor(private readonly writer: SqliteWriter) {}

  claimDedupKeys(notificationId: string, keys: readonly string[], now: number, windowMs: number): Promise<Set<string>> {
    return this.writer.write(() => this.claimOne({ notificationId, keys, now, windowMs }));
  }

  /** The claims one after the other, in one transaction. */
  claimDedupKeysBatch(claims: readonly DedupClaim[]): Promise<Set<string>[]> {
    return this.writer.write(() => claims.map((claim) => this.claimOne(claim)));
  }

  private claimOne({ notificationId, keys, now, windowMs }: DedupClaim): Set<string> {
    const sql = this.writer.sql;
    if (this.pruning.due()) sql.pruneDedup.run(now);
    const duplicates = new Set<string>();
    for (const key of keys) {
      const held = sql.dedupGet.get(key) as { notification_id: string; expires_at: number } | undefined;
      if (held !== undefined && held.expires_at > now && held.notification_id !== notificationId) duplicates.add(key);
      else sql.dedupPut.run(key, notificationId, now + windowMs);
    }
    return duplicates;
  }
}
