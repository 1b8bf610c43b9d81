import type { PoolClient } from 'pg';

/**
 * The PostgreSQL layout, versioned in `alertpipe_schema_migrations` so that a newer alertpipe can
 * migrate a database an older one left behind. Times are epoch milliseconds (`bigint`), as in the
 * SQLite store, so both adapters compare the same numbers; leases and rate limits are measured
 * on the database's clock, which every replica shares, not on each replica's own.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE alertpipe_notifications (
     seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
     id          text PRIMARY KEY,
     state       text NOT NULL,
     received_at bigint NOT NULL,
     owner       text,
     lease_until bigint,
     original    text NOT NULL,
     body        text NOT NULL
   );
   CREATE INDEX alertpipe_notifications_open ON alertpipe_notifications (seq) WHERE state IN ('queued', 'processing');
   CREATE INDEX alertpipe_notifications_unfinished ON alertpipe_notifications (state) WHERE state <> 'done';
   CREATE INDEX alertpipe_notifications_done ON alertpipe_notifications (seq) WHERE state = 'done';
   CREATE TABLE alertpipe_jobs (
     seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
     id              text PRIMARY KEY,
     notification_id text NOT NULL REFERENCES alertpipe_notifications (id) ON DELETE CASCADE,
     action          text NOT NULL,
     fingerprints    jsonb NOT NULL,
     state           text NOT NULL,
     created_at      bigint NOT NULL,
     next_attempt_at bigint NOT NULL,
     attempts        jsonb NOT NULL DEFAULT '[]',
     result          jsonb,
     owner           text,
     lease_until     bigint
   );
   CREATE INDEX alertpipe_jobs_due ON alertpipe_jobs (next_attempt_at) WHERE state = 'pending';
   CREATE INDEX alertpipe_jobs_running ON alertpipe_jobs (lease_until) WHERE state = 'running';
   CREATE INDEX alertpipe_jobs_by_notification ON alertpipe_jobs (notification_id);
   CREATE TABLE alertpipe_dedup (
     key             text PRIMARY KEY,
     notification_id text NOT NULL,
     expires_at      bigint NOT NULL
   );
   CREATE INDEX alertpipe_dedup_expiry ON alertpipe_dedup (expires_at);
   CREATE TABLE alertpipe_rate_limits (
     key        text PRIMARY KEY,
     tokens     double precision NOT NULL,
     updated_at bigint NOT NULL,
     held_until bigint NOT NULL DEFAULT 0,
     granted    boolean NOT NULL DEFAULT false
   );`,
  // Interrupted attempts (leases that ran out) are counted; the probe row is the health check's write.
  `ALTER TABLE alertpipe_jobs ADD COLUMN interruptions integer NOT NULL DEFAULT 0;
   CREATE TABLE alertpipe_probe (id integer PRIMARY KEY, at bigint NOT NULL, room text NOT NULL);`,
  // Chat message references (the Slack app's message per group), shared so any replica edits it.
  `CREATE TABLE alertpipe_message_refs (
     id         text PRIMARY KEY,
     action     text NOT NULL,
     channel    text NOT NULL,
     group_key  text NOT NULL,
     channel_id text NOT NULL,
     ts         text NOT NULL,
     state      jsonb NOT NULL,
     updated_at bigint NOT NULL
   );
   CREATE INDEX alertpipe_message_refs_by_age ON alertpipe_message_refs (updated_at);`,
  // What happened besides attempts (routing, duplicates, rate-limit waits, retries by hand), for
  // the console's timeline; the kind is a column so that a filter on it reads no JSON.
  `CREATE TABLE alertpipe_events (
     seq             bigint GENERATED ALWAYS AS IDENTITY,
     notification_id text NOT NULL REFERENCES alertpipe_notifications (id) ON DELETE CASCADE,
     kind            text NOT NULL,
     action          text,
     body            jsonb NOT NULL
   );
   CREATE INDEX alertpipe_events_by_notification ON alertpipe_events (notification_id, kind);`,
  // Who posts a group's first message (first-post claims): a row while its holder posts, under a
  // lease on the database's clock, so that replicas posting the same new group post it once.
  `CREATE TABLE alertpipe_first_post_claims (
     id         text PRIMARY KEY,
     holder     text NOT NULL,
     expires_at bigint NOT NULL
   );`,
  // Episodes under an escalation policy, with their next step as a durable timer shared by every
  // replica. At most one open episode per (group, policy); the group's latest notification is
  // kept beside it, since the history may prune it while the episode lasts.
  `CREATE TABLE alertpipe_incidents (
     seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
     id              text PRIMARY KEY,
     group_key       text NOT NULL,
     policy          text NOT NULL,
     state           text NOT NULL,
     started_at      bigint NOT NULL,
     updated_at      bigint NOT NULL,
     opened_by       text NOT NULL UNIQUE,
     notification_id text NOT NULL,
     original        text NOT NULL,
     body            text NOT NULL,
     next_step       integer NOT NULL DEFAULT 0,
     next_step_at    bigint,
     claimed_until   bigint NOT NULL DEFAULT 0,
     acknowledged    text,
     resolved        text,
     runs            text NOT NULL DEFAULT '[]'
   );
   CREATE UNIQUE INDEX alertpipe_incidents_open ON alertpipe_incidents (group_key, policy) WHERE state <> 'resolved';
   CREATE INDEX alertpipe_incidents_due ON alertpipe_incidents (next_step_at) WHERE state = 'triggered';`,
  // Each notification counts its open (pending or running) jobs, so that the statement recording a
  // job's outcome also finishes its notification (see SQL.finishAttempt): filled for the jobs open
  // at the upgrade, and what an older replica left delivering with none open is done.
  `ALTER TABLE alertpipe_notifications ADD COLUMN open_jobs integer NOT NULL DEFAULT 0;
   UPDATE alertpipe_notifications n SET open_jobs = open.n
     FROM (SELECT notification_id, count(*)::int AS n FROM alertpipe_jobs
           WHERE state IN ('pending', 'running') GROUP BY notification_id) open
     WHERE n.id = open.notification_id;
   UPDATE alertpipe_notifications SET state = 'done' WHERE state = 'delivering' AND open_jobs = 0;`,
];

// Any fixed number does; this one reads "alrt". Every replica takes the same lock.
const MIGRATION_LOCK = 0x616c7274;

/**
 * Brings the schema up to date. Replicas start together, so the migrations run in one
 * transaction under a transaction-level advisory lock: the first replica migrates, the others
 * wait on the lock, then find nothing left to do. PostgreSQL's DDL is transactional, so a
 * migration that fails leaves nothing half done.
 */
export async function migratePostgres(client: PoolClient): Promise<{ from: number; to: number }> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS alertpipe_schema_migrations (
      version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number }>(
      'SELECT coalesce(max(version), 0)::int AS version FROM alertpipe_schema_migrations',
    );
    const from = rows[0]?.version ?? 0;
    if (from > MIGRATIONS.length) {
      throw new Error(`the database was migrated by a newer alertpipe (schema ${from}, this one knows ${MIGRATIONS.length})`);
    }
    for (let next = from; next < MIGRATIONS.length; next++) {
      await client.query(MIGRATIONS[next] as string);
      await client.query('INSERT INTO alertpipe_schema_migrations (version) VALUES ($1)', [next + 1]);
    }
    await client.query('COMMIT');
    return { from, to: MIGRATIONS.length };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
