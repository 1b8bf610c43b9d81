import type { FirstPostClaimOutcome, FirstPostClaimStore } from '../ports/first-post-claims.js';
import type { SqliteWriter } from './sqlite-writer.js';

/**
 * The SQLite store's first-post claims: a row per claim held, removed when it is given up. One
 * process owns the file, so this orders that process's deliveries; the lease frees a claim whose
 * holder failed without giving it up.
 */
export class SqliteFirstPostClaims implements FirstPostClaimStore {
  constructor(private readonly writer: SqliteWriter) {}

  claimFirstPost(id: string, holder: string, leaseMs: number): Promise<FirstPostClaimOutcome> {
    return this.writer.write(() => {
      const now = Date.now();
      const row = this.writer.sql.claimFirstPost.get(id, holder, now + leaseMs, now) as { taken_over: number } | undefined;
      if (row === undefined) return 'held';
      return row.taken_over === 1 ? 'taken over' : 'won';
    });
  }

  releaseFirstPost(id: string, holder: string): Promise<void> {
    return this.writer.write(() => {
      this.writer.sql.releaseFirstPost.run(id, holder);
    });
  }
}
