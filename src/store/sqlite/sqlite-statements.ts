import type { Database, Statement } from 'better-sqlite3';
import { JOB_COLUMNS, NOTIFICATION_COLUMNS, NOTIFICATIONS_WITH_BODIES } from './sqlite-columns.js';

/** Every statement the SQLite store runs, prepared once when it opens. */
const SQL = {
  countUnfinished: `SELECT count(*) AS n FROM notifications WHERE state != 'done'`,
  insertNotification: `INSERT INTO notifications (id, state, received_at) VALUES (?, 'queued', ?)`,
  insertBody: `INSERT INTO bodies (id, original, body) VALUES (?, ?, ?)`,
  anyQueued: `SELECT 1 FROM notifications WHERE state = 'queued' LIMIT 1`,
  claimNotifications: `UPDATE notifications SET state = 'processing'
    WHERE rowid IN (SELECT rowid FROM notifications WHERE state = 'queued' ORDER BY rowid LIMIT ?)
    RETURNING id, rowid AS seq`,
  markDelivering: `UPDATE notifications SET state = 'delivering' WHERE id = ?`,
  saveEnriched: `UPDATE bodies SET body = ? WHERE id = ?`,
  insertJob: `INSERT OR REPLACE INTO jobs (id, notification_id, action, fingerprints, state, created_at, next_attempt_at, attempts, result)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  anyDue: `SELECT 1 FROM jobs WHERE state = 'pending' AND next_attempt_at <= ? LIMIT 1`,
  claimDueJobs: `UPDATE jobs SET state = 'running'
    WHERE rowid IN (SELECT rowid FROM jobs WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?)
    RETURNING ${JOB_COLUMNS}`,
  notificationBody: `SELECT body, original FROM bodies WHERE id = ?`,
  nextDue: `SELECT min(next_attempt_at) AS due FROM jobs WHERE state = 'pending'`,
  releaseJob: `UPDATE jobs SET state = 'pending', next_attempt_at = ? WHERE id = ? AND state = 'running'`,
  jobNotification: `SELECT notification_id FROM jobs WHERE id = ?`,
  finishAttempt: `UPDATE jobs SET state = ?, next_attempt_at = coalesce(?, next_attempt_at),
    attempts = json_insert(attempts, '$[#]', json(?)), result = coalesce(?, result) WHERE id = ?`,
  markDone: `UPDATE notifications SET state = 'done' WHERE id = ? AND state = 'delivering'
    AND NOT EXISTS (SELECT 1 FROM jobs WHERE notification_id = ? AND state IN ('pending', 'running'))`,
  pruneHistory: `DELETE FROM notifications WHERE state = 'done' AND rowid <=
    (SELECT rowid FROM notifications WHERE state = 'done' ORDER BY rowid DESC LIMIT 1 OFFSET ?)`,
  requeueNotifications: `UPDATE notifications SET state = 'queued' WHERE state = 'processing'`,
  requeueJobs: `UPDATE jobs SET state = 'pending' WHERE state = 'running'`,
  countInterruption: `UPDATE jobs SET interruptions = interruptions + 1 WHERE state = 'running'`,
  deadLetterInterrupted: `UPDATE jobs SET state = 'dead', attempts = json_insert(attempts, '$[#]', json(?))
    WHERE state = 'running' AND interruptions >= ? RETURNING notification_id, action`,
  oldestUnfinished: `SELECT min(received_at) AS at FROM notifications WHERE state IN ('queued', 'processing', 'delivering')`,
  probe: `INSERT OR REPLACE INTO probe (id, at, room) VALUES (1, ?, zeroblob(65536))`,
  dedupGet: `SELECT notification_id, expires_at FROM dedup WHERE key = ?`,
  dedupPut: `INSERT OR REPLACE INTO dedup (key, notification_id, expires_at) VALUES (?, ?, ?)`,
  pruneDedup: `DELETE FROM dedup WHERE expires_at <= ?`,
  // A keyset page on rowid, the arrival order every other statement here already relies on
  // (alertpipe never runs VACUUM, the one thing that could renumber it). The request as received
  // is left out: the history does not serve it.
  historyPage: `SELECT ${NOTIFICATION_COLUMNS} FROM ${NOTIFICATIONS_WITH_BODIES}
    WHERE n.rowid < ? ORDER BY n.rowid DESC LIMIT ?`,
  olderExists: `SELECT 1 FROM notifications WHERE rowid < ? LIMIT 1`,
  oneNotification: `SELECT ${NOTIFICATION_COLUMNS}, b.original FROM ${NOTIFICATIONS_WITH_BODIES} WHERE n.id = ?`,
  jobsOf: `SELECT ${JOB_COLUMNS} FROM jobs WHERE notification_id = ? ORDER BY rowid`,
  getMessageRef: `SELECT * FROM message_refs WHERE id = ?`,
  putMessageRef: `INSERT OR REPLACE INTO message_refs (id, action, channel, group_key, channel_id, ts, state, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  pruneMessageRefs: `DELETE FROM message_refs WHERE updated_at < ?`,
  eventsOf: `SELECT body FROM events WHERE notification_id = ? ORDER BY rowid`,
  insertEvent: `INSERT INTO events (notification_id, kind, action, body) VALUES (?, ?, ?, ?)`,
  /** An event from outside the queue, for a notification that may have left the history since. */
  insertEventIfKept: `INSERT INTO events (notification_id, kind, action, body)
    SELECT id, ?, ?, ? FROM notifications WHERE id = ?`,
  newestPosition: `SELECT max(rowid) AS position FROM notifications`,
  oneJob: `SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ?`,
  retryJob: `UPDATE jobs SET state = 'pending', next_attempt_at = ? WHERE id = ? AND state IN ('dead', 'failed')`,
  reopenNotification: `UPDATE notifications SET state = 'delivering' WHERE id = ? AND state = 'done'`,
  /** id, holder, lease end, now: a row when the claim was free or its lease ran out (`taken_over` then). */
  claimFirstPost: `INSERT INTO first_post_claims (id, holder, expires_at) VALUES (?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, taken_over = 1
    WHERE first_post_claims.expires_at <= ?
    RETURNING taken_over`,
  releaseFirstPost: `DELETE FROM first_post_claims WHERE id = ? AND holder = ?`,
} as const;

export type Statements = { readonly [K in keyof typeof SQL]: Statement };

export function prepareStatements(db: Database): Statements {
  return Object.fromEntries(Object.entries(SQL).map(([name, text]) => [name, db.prepare(text)])) as Statements;
}
