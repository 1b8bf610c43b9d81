/**
 * The columns SQLite statements return for a notification and for a job, each written once: a
 * column added to what a row returns (see sqlite-rows.ts) is added here, and every statement
 * that reads that row gets it.
 */

/**
 * A notification's record as the history reads it; `n` is `notifications`, `b` its `bodies`
 * row (see `NOTIFICATIONS_WITH_BODIES`). The position is the rowid, the arrival order. The
 * request as received (`b.original`) is not in it: only the one notification read asks for it.
 */
export const NOTIFICATION_COLUMNS = 'n.rowid AS position, n.id, n.state, n.received_at, b.body';

/** What `NOTIFICATION_COLUMNS` reads from. */
export const NOTIFICATIONS_WITH_BODIES = 'notifications n JOIN bodies b ON b.id = n.id';

/** A job as `toJob` reads it, from `jobs` (`interruptions` is only counted by statements, never read back). */
export const JOB_COLUMNS = 'id, notification_id, action, fingerprints, state, created_at, next_attempt_at, attempts, result';
