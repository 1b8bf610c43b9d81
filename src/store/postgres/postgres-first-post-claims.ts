import type { FirstPostClaimOutcome, FirstPostClaimStore } from '../ports/first-post-claims.js';
import type { PostgresConnection } from './postgres-connection.js';
import { CLAIM_FIRST_POST, RELEASE_FIRST_POST } from './postgres-statements.js';

/**
 * The PostgreSQL store's first-post claims, shared by every replica: a unique row per claim held
 * (`INSERT … ON CONFLICT`), not an advisory lock. A row is one statement on any pooled
 * connection, needs no connection pinned for as long as a post to a chat platform takes, and has
 * a lease on the database's clock, as jobs have: a session lock would be held by a replica that
 * hangs while its connection lives, and lost by one whose connection drops while it still posts.
 */
export class PostgresFirstPostClaims implements FirstPostClaimStore {
  constructor(private readonly db: PostgresConnection) {}

  async claimFirstPost(id: string, holder: string, leaseMs: number): Promise<FirstPostClaimOutcome> {
    const [row] = await this.db.query<{ replaced: boolean }>(CLAIM_FIRST_POST, [id, holder, leaseMs]);
    if (row === undefined) return 'held';
    return row.replaced ? 'taken over' : 'won';
  }

  async releaseFirstPost(id: string, holder: string): Promise<void> {
    await this.db.query(RELEASE_FIRST_POST, [id, holder]);
  }
}
