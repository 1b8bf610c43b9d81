import type { Database } from 'better-sqlite3';

/**
 * The SQLite layout, versioned with `PRAGMA user_version` so that a newer alertpipe can migrate a
 * data directory an older one left behind. Bodies are JSON text; the columns are what queries
 * select and order on.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE notifications (
     id          TEXT PRIMARY KEY,
     state       TEXT NOT NULL,
     received_at INTEGER NOT NULL,
     body        TEXT NOT NULL
   );
   CREATE INDEX notifications_by_state ON notifications (state);
   CREATE TABLE jobs (
     id              TEXT PRIMARY KEY,
     notification_id TEXT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
     action          TEXT NOT NULL,
     fingerprints    TEXT NOT NULL,
     state           TEXT NOT NULL,
     created_at      INTEGER NOT NULL,
     next_attempt_at INTEGER NOT NULL,
     attempts        TEXT NOT NULL DEFAULT '[]',
     result          TEXT
   );
   CREATE INDEX jobs_due ON jobs (state, next_attempt_at);
   CREATE INDEX jobs_by_notification ON jobs (notification_id);
   CREATE TABLE dedup (
     key             TEXT PRIMARY KEY,
     notification_id TEXT NOT NULL,
     expires_at      INTEGER NOT NULL
   );`,
  // Bodies move to a table of their own. SQLite rewrites a whole row, overflow pages included,
  // whenever a column of it changes size; a notification's state changes four times, and with
  // the body beside it each change rewrote up to ~140 KB (a 100-alert group). The request as
  // received is kept apart from the parsed body, so enrichment rewrites only the latter.
  `CREATE TABLE bodies (
     id       TEXT PRIMARY KEY REFERENCES notifications (id) ON DELETE CASCADE,
     original TEXT NOT NULL,
     body     TEXT NOT NULL
   );
   INSERT INTO bodies (id, original, body)
     SELECT id, coalesce(json_extract(body, '$.originalBody'), ''), body FROM notifications;
   ALTER TABLE notifications DROP COLUMN body;`,
  // A job that was running when the process stopped counts an interruption at the next start;
  // past a few it is dead-lettered rather than run again (it may be what stops the process).
  // The probe row is what a health check writes to learn that writes work again.
  `ALTER TABLE jobs ADD COLUMN interruptions INTEGER NOT NULL DEFAULT 0;
   CREATE TABLE probe (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, room BLOB);`,
  // The Slack app's message per group, so an update after a restart edits the same message. The
  // id is a hash of (action, channel, group key), short enough for a button's value; the three
  // are kept beside it so a row can be traced back.
  `CREATE TABLE message_refs (
     id         TEXT PRIMARY KEY,
     action     TEXT NOT NULL,
     channel    TEXT NOT NULL,
     group_key  TEXT NOT NULL,
     channel_id TEXT NOT NULL,
     ts         TEXT NOT NULL,
     state      TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX message_refs_by_age ON message_refs (updated_at);`,
  // What happened besides attempts (routing, duplicates, rate-limit waits, retries by hand), for
  // the console's timeline; the kind is a column so that a filter on it needs no JSON.
  `CREATE TABLE events (
     notification_id TEXT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
     kind            TEXT NOT NULL,
     action          TEXT,
     body            TEXT NOT NULL
   );
   CREATE INDEX events_by_notification ON events (notification_id, kind);`,
  // Who posts a group's first message (first-post claims): a row while its holder posts, under a lease.
  `CREATE TABLE first_post_claims (
     id         TEXT PRIMARY KEY,
     holder     TEXT NOT NULL,
     expires_at INTEGER NOT NULL,
     taken_over INTEGER NOT NULL DEFAULT 0
   );`,
  // Episodes under an escalation policy, with their next step as a durable timer. At most one
  // open episode per (group, policy); the group's latest notification is kept beside it, since
  // the history may prune it while the episode lasts.
  `CREATE TABLE incidents (
     id              TEXT PRIMARY KEY,
     group_key       TEXT NOT NULL,
     policy          TEXT NOT NULL,
     state           TEXT NOT NULL,
     started_at      INTEGER NOT NULL,
     updated_at      INTEGER NOT NULL,
     opened_by       TEXT NOT NULL UNIQUE,
     notification_id TEXT NOT NULL,
     original        TEXT NOT NULL,
     body            TEXT NOT NULL,
     next_step       INTEGER NOT NULL DEFAULT 0,
     next_step_at    INTEGER,
     claimed_until   INTEGER NOT NULL DEFAULT 0,
     acknowledged    TEXT,
     resolved        TEXT,
     runs            TEXT NOT NULL DEFAULT '[]'
   );
   CREATE UNIQUE INDEX incidents_open ON incidents (group_key, policy) WHERE state <> 'resolved';
   CREATE INDEX incidents_due ON incidents (next_step_at) WHERE state = 'triggered';`,
];

export function migrate(db: Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(`the data directory was written by a newer alertpipe (schema ${version}, this one knows ${MIGRATIONS.length})`);
  }
  for (let next = version; next < MIGRATIONS.length; next++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[next] as string);
      db.pragma(`user_version = ${next + 1}`);
    })();
  }
}
