import { JOB_COLUMNS, NOTIFICATION_COLUMNS } from './postgres-columns.js';

/**
 * Every statement the PostgreSQL store runs. Each change is one statement where it can be (one
 * round trip, atomic without an explicit transaction); claims take rows with
 * `FOR UPDATE SKIP LOCKED`, so replicas claiming at once take different rows without waiting for
 * each other. `NOW_MS` is the database's clock: leases and rate limits compare times written by
 * different replicas, whose own clocks may disagree.
 */
const NOW_MS = `(extract(epoch FROM statement_timestamp()) * 1000)::bigint`;

/** The channel on which a replica that queued work wakes the others' dispatchers. */
export const WORK_CHANNEL = 'alertpipe_work';

/**
 * Whether a history page returns this row's body: the first row always, the others while the
 * stored sizes so far fit the byte budget ($3; none when null), over the window `w` of the page.
 */
const KEEP_BODY = `(row_number() OVER w = 1 OR $3::bigint IS NULL OR sum(octet_length(n.body)) OVER w <= $3::bigint)`;

/**
 * In `finishAttempt` (every SET sees the row as it was): the job is this replica's, running, or
 * was taken over from it and waits, unclaimed, for another attempt.
 */
const OWN_OUTCOME = "(j.state = 'running' AND j.owner = $6 OR j.state = 'pending' AND j.owner IS NULL)";

/**
 * A CTE `finished`: the notifications of `closing` (rows of notification_id and n, the jobs of
 * each that closed) count that many fewer open jobs, and one left with none is done, in the
 * statement that closed them. Two replicas closing the last two jobs of one notification at once
 * serialize on its row: the second re-reads the count the first left (READ COMMITTED re-reads a
 * row it waited for), so exactly one of them finishes it.
 */
const FINISH_NOTIFICATIONS = (closing: string): string => `finished AS (
      UPDATE alertpipe_notifications n SET open_jobs = greatest(n.open_jobs - c.n, 0),
        state = CASE WHEN n.open_jobs <= c.n AND n.state = 'delivering' THEN 'done' ELSE n.state END
      FROM (${closing}) c WHERE n.id = c.notification_id RETURNING n.state)`;

export const SQL = {
  /** $1 id, $2 received_at, $3 original, $4 body, $5 the notifying replica. The NOTIFY goes out at commit. */
  add: `WITH added AS (
      INSERT INTO alertpipe_notifications (id, state, received_at, original, body) VALUES ($1, 'queued', $2, $3, $4) RETURNING id)
    SELECT pg_notify('${WORK_CHANNEL}', $5) FROM added`,

  /** $1 owner, $2 lease ms, $3 limit. */
  claimNotifications: `UPDATE alertpipe_notifications n SET state = 'processing', owner = $1, lease_until = ${NOW_MS} + $2
    FROM (SELECT id FROM alertpipe_notifications WHERE state = 'queued'
          ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED) c
    WHERE n.id = c.id
    RETURNING n.id, n.seq, n.original, n.body`,

  /**
   * $1 ids, $2 enriched bodies, $3 jobs as JSON [{action, fingerprints}], $4 what planning decided
   * (history events) as JSON, one element each per notification; $5 now, $6 the notifying
   * replica. A round's plans in one statement: the bodies, the jobs and the events together, so a
   * job is never claimed before its enriched body is there. Only a notification still being
   * planned is routed, so a replica that took over an expired lease and finished first is not
   * planned over. Each notification counts the jobs it opens (`open_jobs`, see `finishAttempt`),
   * and one that opens none is done at once. The rows are locked in the order of their ids, as
   * lease renewals take them, so that the two never wait on each other in a cycle.
   */
  saveRouted: `WITH plan AS (
      SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::jsonb[]) AS p(id, body, jobs, events)),
    opening AS (
      SELECT plan.id, (SELECT count(DISTINCT j->>'action') FROM jsonb_array_elements(plan.jobs) j
        WHERE NOT EXISTS (SELECT 1 FROM alertpipe_jobs x WHERE x.id = plan.id || ':' || (j->>'action')))::int AS n
      FROM plan),
    locked AS (
      SELECT id FROM alertpipe_notifications WHERE id = ANY($1::text[]) AND state = 'processing' ORDER BY id FOR UPDATE),
    routed AS (
      UPDATE alertpipe_notifications n SET state = CASE WHEN opening.n = 0 THEN 'done' ELSE 'delivering' END,
        body = plan.body, owner = NULL, lease_until = NULL, open_jobs = opening.n
      FROM locked JOIN plan USING (id) JOIN opening USING (id)
      WHERE n.id = locked.id AND n.state = 'processing' RETURNING n.id, n.state),
    events AS (
      INSERT INTO alertpipe_events (notification_id, kind, action, body)
      SELECT routed.id, e->>'kind', e->>'action', e FROM routed JOIN plan USING (id), jsonb_array_elements(plan.events) e),
    inserted AS (
      INSERT INTO alertpipe_jobs (id, notification_id, action, fingerprints, state, created_at, next_attempt_at)
      SELECT routed.id || ':' || (j->>'action'), routed.id, j->>'action', j->'fingerprints', 'pending', $5, $5
      FROM routed JOIN plan USING (id), jsonb_array_elements(plan.jobs) j
      ON CONFLICT (id) DO NOTHING RETURNING 1)
    SELECT (SELECT count(*) FROM routed WHERE state = 'done')::int AS done,
      (SELECT pg_notify('${WORK_CHANNEL}', $6) WHERE EXISTS (SELECT 1 FROM inserted)) AS notified`,

  /** $1 job id, $2 notification id, $3 action, $4 fingerprints, $5 state, $6 at, $7 attempts, $8 result. */
  recordBeforeAck: `INSERT INTO alertpipe_jobs (id, notification_id, action, fingerprints, state, created_at, next_attempt_at, attempts, result)
    VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8)
    ON CONFLICT (id) DO UPDATE SET state = excluded.state, attempts = excluded.attempts, result = excluded.result`,

  /** $1 owner, $2 lease ms, $3 now, $4 limit. */
  claimDueJobs: `WITH claimed AS (
      UPDATE alertpipe_jobs j SET state = 'running', owner = $1, lease_until = ${NOW_MS} + $2
      FROM (SELECT id FROM alertpipe_jobs WHERE state = 'pending' AND next_attempt_at <= $3
            ORDER BY next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED) c
      WHERE j.id = c.id
      RETURNING ${JOB_COLUMNS})
    SELECT claimed.*, n.body, n.original FROM claimed JOIN alertpipe_notifications n ON n.id = claimed.notification_id
    ORDER BY claimed.next_attempt_at`,

  nextDue: `SELECT min(next_attempt_at) AS due FROM alertpipe_jobs WHERE state = 'pending'`,

  /** $1 job id, $2 next attempt at, $3 why (a history event) as JSON, or null. */
  releaseJob: `WITH released AS (
      UPDATE alertpipe_jobs SET state = 'pending', next_attempt_at = $2, owner = NULL, lease_until = NULL
      WHERE id = $1 AND state = 'running' RETURNING notification_id)
    INSERT INTO alertpipe_events (notification_id, kind, action, body)
    SELECT notification_id, $3::jsonb->>'kind', $3::jsonb->>'action', $3::jsonb FROM released WHERE $3::jsonb IS NOT NULL`,

  /**
   * $1 job id, $2 now, $3 the notifying replica. A dead or failed job is pending again with a
   * `retried` event, and its notification unfinished again; in one statement, so a retry is whole
   * or not at all. `found` tells a missing job from one that is not dead. A notification is done
   * exactly when it has no open job, so its first one reopened (`open_jobs` now 1) reopens it.
   */
  retryJob: `WITH retried AS (
      UPDATE alertpipe_jobs j SET state = 'pending', next_attempt_at = $2, owner = NULL, lease_until = NULL
      WHERE j.id = $1 AND j.state IN ('dead', 'failed')
      RETURNING ${JOB_COLUMNS}),
    event AS (
      INSERT INTO alertpipe_events (notification_id, kind, action, body)
      SELECT notification_id, 'retried', action,
        jsonb_build_object('at', $2::bigint, 'kind', 'retried', 'action', action, 'fingerprints', fingerprints) FROM retried),
    reopened AS (
      UPDATE alertpipe_notifications n SET state = 'delivering', open_jobs = n.open_jobs + 1 FROM retried
      WHERE n.id = retried.notification_id RETURNING n.open_jobs)
    SELECT retried.*, (SELECT count(*) FROM reopened WHERE open_jobs = 1)::int AS reopened,
      EXISTS (SELECT 1 FROM alertpipe_jobs WHERE id = $1) AS found,
      (SELECT pg_notify('${WORK_CHANNEL}', $3) FROM retried) AS notified
    FROM (SELECT 1) one LEFT JOIN retried ON true`,

  /**
   * $1 job ids, $2 states, $3 next attempts at (or null), $4 the attempts, $5 results (or null),
   * one element each per outcome; $6 owner. Outcomes recorded together (attempts that ended in one
   * turn of the event loop) are one statement.
   * The outcome applies to the job this replica is running, and to one taken over while the
   * outcome could not be written (the database was away longer than the lease) and not claimed
   * again: what was delivered is not delivered twice, and the interruption counted for it is taken
   * back. Run by another replica meanwhile, the job keeps its state and the attempt joins its
   * history. An outcome written again (its first answer was lost with the connection) is found in
   * the attempts and changes nothing. An outcome that ends the job (anything but `pending`)
   * closes it and, when it was its notification's last open job, finishes the notification in
   * the same statement (`FINISH_NOTIFICATIONS`): one round trip, and no notification left
   * delivering by a replica killed between two statements. The jobs' rows are locked first
   * (`own`, in the order of their ids), so whether an outcome is this replica's is read from the
   * row it then changes.
   */
  finishAttempt: `WITH outcome AS (
      SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::jsonb[], $5::jsonb[]) AS o(id, state, next_attempt_at, attempt, result)),
    own AS (
      SELECT j.id, ${OWN_OUTCOME} AS own FROM alertpipe_jobs j JOIN outcome o ON o.id = j.id
      WHERE NOT j.attempts @> jsonb_build_array(o.attempt) ORDER BY j.id FOR UPDATE OF j),
    job AS (
      UPDATE alertpipe_jobs j SET
        state = CASE WHEN own.own THEN o.state ELSE j.state END,
        next_attempt_at = CASE WHEN own.own THEN coalesce(o.next_attempt_at, j.next_attempt_at) ELSE j.next_attempt_at END,
        result = CASE WHEN own.own THEN coalesce(o.result, j.result) ELSE j.result END,
        interruptions = CASE WHEN j.state = 'pending' AND j.owner IS NULL THEN greatest(j.interruptions - 1, 0) ELSE j.interruptions END,
        owner = CASE WHEN own.own THEN NULL ELSE j.owner END,
        lease_until = CASE WHEN own.own THEN NULL ELSE j.lease_until END,
        attempts = j.attempts || jsonb_build_array(o.attempt)
      FROM own JOIN outcome o USING (id) WHERE j.id = own.id
      RETURNING j.notification_id, own.own AND o.state <> 'pending' AS closed),
    ${FINISH_NOTIFICATIONS('SELECT notification_id, count(*)::int AS n FROM job WHERE closed GROUP BY notification_id')}
    SELECT (SELECT count(*) FROM finished WHERE state = 'done')::int AS done`,

  /**
   * Work whose lease ran out: its replica stopped renewing it (killed, or cut off from the
   * database for longer than the lease). Notifications are queued again, as at a restart.
   */
  takeOverNotifications: `UPDATE alertpipe_notifications SET state = 'queued', owner = NULL, lease_until = NULL
    WHERE state = 'processing' AND lease_until < ${NOW_MS} RETURNING id`,
  /**
   * $1 MAX_JOB_INTERRUPTIONS, $2 the dead attempt. A job's lease runs out only when its replica
   * went away while it ran: an interruption, counted as a restart counts one for SQLite, so that
   * a job that takes its process down with it cannot take down every replica in turn forever.
   * Under the row lock, a replica taking over at the same moment finds the job no longer running.
   * A job dead-lettered here closes, and its notification is done with its last open job.
   */
  takeOverJobs: `WITH taken AS (
      UPDATE alertpipe_jobs SET interruptions = interruptions + 1, owner = NULL, lease_until = NULL,
        state = CASE WHEN interruptions + 1 >= $1 THEN 'dead' ELSE 'pending' END,
        attempts = CASE WHEN interruptions + 1 >= $1 THEN attempts || jsonb_build_array($2::jsonb) ELSE attempts END
      WHERE state = 'running' AND lease_until < ${NOW_MS} RETURNING notification_id, action, state),
    ${FINISH_NOTIFICATIONS(`SELECT notification_id, count(*)::int AS n FROM taken WHERE state = 'dead' GROUP BY notification_id`)}
    SELECT action, state, (SELECT count(*) FROM finished WHERE state = 'done')::int AS done FROM taken`,

  /**
   * A safety net run now and then: a delivering notification without an open job is done. The
   * statements that close jobs finish their notifications themselves, so this finds nothing
   * unless a count went wrong.
   */
  markAllDone: `UPDATE alertpipe_notifications n SET state = 'done', open_jobs = 0 WHERE state = 'delivering'
    AND NOT EXISTS (SELECT 1 FROM alertpipe_jobs j WHERE j.notification_id = n.id AND j.state IN ('pending', 'running'))`,

  /**
   * $1 owner, $2 lease ms, $3 ids: this replica is alive and still working on these. Only what
   * it is working on: a claim it gave up on (a plan it could not save) must expire for others.
   */
  renewNotificationLeases: `UPDATE alertpipe_notifications SET lease_until = ${NOW_MS} + $2
    WHERE id = ANY($3::text[]) AND owner = $1 AND state = 'processing'`,
  renewJobLeases: `UPDATE alertpipe_jobs SET lease_until = ${NOW_MS} + $2 WHERE id = ANY($3::text[]) AND owner = $1 AND state = 'running'`,

  countUnfinished: `SELECT count(*)::int AS n FROM alertpipe_notifications WHERE state <> 'done'`,
  oldestUnfinished: `SELECT min(received_at) AS at FROM alertpipe_notifications WHERE state <> 'done'`,

  /** $1 when, $2 about 64 KiB that does not compress: what a health check writes to learn that writes work again. */
  probe: `INSERT INTO alertpipe_probe (id, at, room) VALUES (1, $1, $2) ON CONFLICT (id) DO UPDATE SET at = excluded.at, room = excluded.room`,

  /** $1 finished notifications to keep. */
  pruneHistory: `DELETE FROM alertpipe_notifications WHERE state = 'done' AND seq <=
    (SELECT seq FROM alertpipe_notifications WHERE state = 'done' ORDER BY seq DESC OFFSET $1 LIMIT 1)`,

  /**
   * $1 keys, $2 the notification claiming each, $3 until when each would be held, in the order
   * of the claims; $4 now. The unique key decides between replicas planning duplicates at once:
   * the second insert waits for the first to commit, then finds the key held and leaves it. One
   * key claimed by several notifications of the batch goes to the one that holds it already (a
   * notification planned again after a crash), else to the first (`DISTINCT ON`, as an insert
   * cannot change one row twice). What comes back is who holds each key taken; a key not
   * returned is another notification's.
   */
  claimDedupKeys: `WITH wanted AS (
      SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) WITH ORDINALITY AS w(key, notification_id, expires_at, ord)),
    chosen AS (
      SELECT DISTINCT ON (w.key) w.key, w.notification_id, w.expires_at
      FROM wanted w LEFT JOIN alertpipe_dedup held ON held.key = w.key AND held.notification_id = w.notification_id
      ORDER BY w.key, held.key IS NULL, w.ord)
    INSERT INTO alertpipe_dedup AS d (key, notification_id, expires_at)
    SELECT key, notification_id, expires_at FROM chosen
    ON CONFLICT (key) DO UPDATE SET notification_id = excluded.notification_id, expires_at = excluded.expires_at
      WHERE d.expires_at <= $4 OR d.notification_id = excluded.notification_id
    RETURNING key, notification_id`,
  /** $1 now. */
  pruneDedup: `DELETE FROM alertpipe_dedup WHERE expires_at <= $1`,

  /**
   * $1 before this position, $2 limit, $3 byte budget or null. One more row than the limit, and
   * the rows past the budget, come back without their body: they only say that more remain.
   * The budget counts stored sizes, which PostgreSQL knows without reading the bodies.
   */
  historyPage: `SELECT ${NOTIFICATION_COLUMNS}, CASE WHEN ${KEEP_BODY} THEN n.body END AS body, ${KEEP_BODY} AS keep
    FROM alertpipe_notifications n WHERE n.seq < $1 WINDOW w AS (ORDER BY n.seq DESC) ORDER BY n.seq DESC LIMIT $2::int + 1`,
  oneNotification: `SELECT ${NOTIFICATION_COLUMNS}, n.body, n.original FROM alertpipe_notifications n WHERE n.id = $1`,
  /** $1 notification ids. */
  eventsOf: `SELECT notification_id, body FROM alertpipe_events WHERE notification_id = ANY($1::text[]) ORDER BY seq`,
  /** $1 notification id, $2 the event as JSON: kept only while the notification is. */
  insertEvent: `INSERT INTO alertpipe_events (notification_id, kind, action, body)
    SELECT id, $2::jsonb->>'kind', $2::jsonb->>'action', $2::jsonb FROM alertpipe_notifications WHERE id = $1`,
  newestPosition: `SELECT max(seq) AS position FROM alertpipe_notifications`,
  /** $1 a position. */
  olderExists: `SELECT 1 FROM alertpipe_notifications WHERE seq < $1 LIMIT 1`,
  /** $1 notification ids. */
  jobsOf: `SELECT ${JOB_COLUMNS} FROM alertpipe_jobs j WHERE j.notification_id = ANY($1::text[]) ORDER BY j.seq`,
} as const;

/**
 * $1 key, $2 burst, $3 tokens per second, $4 tokens needed. One token bucket per destination in
 * one row, refilled and taken from in one statement under the row's lock, so replicas asking at
 * once are served one after the other. `granted` says whether this call took its tokens.
 */
const refilled = `least($2::float8, r.tokens + greatest(0, ${NOW_MS} - r.updated_at) / 1000.0 * $3::float8)`;
const mayGo = `(r.held_until <= ${NOW_MS} AND ${refilled} >= $4::float8)`;
export const TAKE_TOKENS = `INSERT INTO alertpipe_rate_limits AS r (key, tokens, updated_at, held_until, granted)
  VALUES ($1, $2::float8 - $4::float8, ${NOW_MS}, 0, true)
  ON CONFLICT (key) DO UPDATE SET
    tokens = CASE WHEN ${mayGo} THEN ${refilled} - $4::float8 ELSE ${refilled} END,
    updated_at = greatest(r.updated_at, ${NOW_MS}),
    granted = ${mayGo}
  RETURNING granted, tokens, held_until, ${NOW_MS} AS now`;

/** $1 key, $2 ms. A 429's Retry-After: nothing goes to the destination before then, from any replica. */
export const HOLD_DESTINATION = `INSERT INTO alertpipe_rate_limits AS r (key, tokens, updated_at, held_until, granted)
  VALUES ($1, 1, ${NOW_MS} + $2::bigint, ${NOW_MS} + $2::bigint, false)
  ON CONFLICT (key) DO UPDATE SET held_until = greatest(r.held_until, excluded.held_until), tokens = 1,
    updated_at = greatest(r.updated_at, excluded.updated_at)`;

/**
 * $1 id, $2 holder, $3 lease ms. A first-post claim: one row per claim held, inserted when free and
 * taken over when its lease ran out on the database's clock; no row comes back while another
 * holder has it. `replaced` (the row existed: an update, whose `xmax` is set) says it was taken over.
 */
export const CLAIM_FIRST_POST = `INSERT INTO alertpipe_first_post_claims AS c (id, holder, expires_at)
  VALUES ($1, $2, ${NOW_MS} + $3::bigint)
  ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
    WHERE c.expires_at <= ${NOW_MS}
  RETURNING (xmax <> 0) AS replaced`;

/** $1 id, $2 holder. */
export const RELEASE_FIRST_POST = `DELETE FROM alertpipe_first_post_claims WHERE id = $1 AND holder = $2`;
