import type { DedupStore } from '../ports/dedup.js';
import { PruneSchedule } from '../prune-schedule.js';
import type { PostgresConnection } from './postgres-connection.js';
import { SQL } from './postgres-statements.js';

/** The PostgreSQL store's dedup keys, shared by replicas: the key's unique index decides between two claiming at once (see `SQL.claimDedupKeys`). */
export class PostgresDedup implements DedupStore {
  private readonly pruning = new PruneSchedule();

  constructor(private readonly db: PostgresConnection) {}

  async claimDedupKeys(notificationId: string, keys: readonly string[], now: number, windowMs: number): Promise<Set<string>> {
    if (this.pruning.due()) await this.db.query(SQL.pruneDedup, [now]);
    const unique = [...new Set(keys)];
    const rows = await this.db.query<{ key: string }>(SQL.claimDedupKeys, [notificationId, unique, now, windowMs]);
    const claimed = new Set(rows.map((r) => r.key));
    return new Set(unique.filter((key) => !claimed.has(key)));
  }
}
