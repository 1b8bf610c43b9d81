import { createHash } from 'node:crypto';
import type { RateLimit } from '../../store/ports/rate-limits.js';
import type { PostgresConnection } from './postgres-connection.js';
import { HOLD_DESTINATION, TAKE_TOKENS } from './postgres-statements.js';

/**
 * Per-destination token buckets every replica shares: the arithmetic of rate-limiter.ts, done by
 * one statement under the bucket row's lock, on the database's clock.
 */

/** 0 when a job of `alerts` alerts may go now (its tokens taken), else milliseconds until it may. */
export async function takeTokens(db: PostgresConnection, limit: RateLimit, alerts: number): Promise<number> {
  const needed = limit.per === 'alert' ? Math.max(1, Math.min(alerts, limit.burst)) : 1;
  const [row] = await db.query<{ granted: boolean; tokens: number; held_until: number; now: number }>(TAKE_TOKENS, [
    keyOf(limit.key),
    limit.burst,
    limit.perSecond,
    needed,
  ]);
  if (row === undefined || row.granted) return 0;
  if (row.held_until > row.now) return row.held_until - row.now;
  return Math.max(1, Math.ceil(((needed - row.tokens) / limit.perSecond) * 1000));
}

/** Nothing goes to `key` for `ms`, from any replica (a 429's Retry-After). */
export async function holdDestination(db: PostgresConnection, key: string, ms: number): Promise<void> {
  await db.query(HOLD_DESTINATION, [keyOf(key), Math.ceil(ms)]);
}

/** Keys name their destination, a Slack webhook URL among them: a credential that has no business in a table. */
function keyOf(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
