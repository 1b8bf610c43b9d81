/**
 * The columns PostgreSQL statements return for a notification and for a job, each written once:
 * a column added to what a row returns (see postgres-rows.ts) is added here, and every statement
 * that reads that row gets it.
 */

/**
 * A notification's record as the history reads it, from `alertpipe_notifications n`, `seq` as its
 * position. The body is named by each statement: a history page leaves it out past its byte
 * budget, and only the one notification read adds the request as received (`original`).
 */
export const NOTIFICATION_COLUMNS = 'n.seq AS position, n.id, n.state, n.received_at';

/**
 * A job as `toJob` reads it, from `alertpipe_jobs j` (`owner`, `lease_until` and `interruptions`
 * are the queue's bookkeeping, never read back).
 */
export const JOB_COLUMNS =
  'j.id, j.notification_id, j.action, j.fingerprints, j.state, j.created_at, j.next_attempt_at, j.attempts, j.result';
