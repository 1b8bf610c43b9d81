import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { createLogger } from '../../../src/observability/logger.js';
import { alertWith, notificationOf } from '../../support/alerts.js';
import { postgresAvailable, startPostgres, type RealPostgres } from '../../support/real-postgres.js';

const postgres = postgresAvailable();
const LEASE_MS = 400;
const success = { state: 'succeeded' as const, attempt: { at: 1, durationMs: 1, outcome: 'success' as const } };

/**
 * A database as the release before the open-job count left it: the schema up to its last
 * migration (the ones before the count are unchanged, so the count's migration is taken back),
 * and the rows its replicas wrote, a replica killed mid-delivery included.
 */
async function databaseOfTheRelease(url: string): Promise<void> {
  const logger = createLogger({ level: 'error', format: 'json' });
  const store = new PostgresStore({ maxPending: 100, historyLimit: 100, url, poolSize: 2, leaseMs: LEASE_MS, logger });
  await store.ready();
  await store.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const latest = await client.query<{ v: number }>('SELECT max(version)::int AS v FROM alertpipe_schema_migrations');
    await client.query('ALTER TABLE alertpipe_notifications DROP COLUMN open_jobs');
    await client.query('DELETE FROM alertpipe_schema_migrations WHERE version = $1', [latest.rows[0]!.v]);
    const notification = (id: string, state: string) =>
      client.query(`INSERT INTO alertpipe_notifications (id, state, received_at, original, body) VALUES ($1, $2, 1, '', $3)`, [
        id,
        state,
        JSON.stringify(notificationOf([alertWith({ alertname: 'A', id })], id)),
      ]);
    const job = (notificationId: string, action: string, state: string, lease: number | null = null) =>
      client.query(
        `INSERT INTO alertpipe_jobs (id, notification_id, action, fingerprints, state, created_at, next_attempt_at, owner, lease_until)
         VALUES ($1, $2, $3, '[]', $4, 1, 1, $5, $6)`,
        [`${notificationId}:${action}`, notificationId, action, state, lease === null ? null : 'gone:1', lease],
      );
    // Two jobs open (one waiting, one running on a replica that is gone), one ended.
    await notification('open', 'delivering');
    await job('open', 'slack', 'pending');
    await job('open', 'pagerduty', 'running', 1);
    await job('open', 'log', 'succeeded');
    // Every job ended, but its replica was killed before it marked the notification done.
    await notification('ended', 'delivering');
    await job('ended', 'slack', 'succeeded');
    await job('ended', 'log', 'failed');
    await notification('finished', 'done');
    await job('finished', 'slack', 'succeeded');
    await notification('waiting', 'queued');
  } finally {
    await client.end();
  }
}

describe.skipIf(!postgres.available)('the open-job count, on a database of the release before it', () => {
  let server: RealPostgres;
  const logger = createLogger({ level: 'error', format: 'json' });

  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server?.remove());

  it('counts the jobs open at the upgrade, finishes what had none open, and finishes the rest with their last outcome', async () => {
    const url = await server.createDatabase();
    await databaseOfTheRelease(url);
    const store = new PostgresStore({ maxPending: 100, historyLimit: 100, url, poolSize: 2, leaseMs: LEASE_MS, logger });
    try {
      await store.ready();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const counts = await client.query<{ id: string; state: string; open_jobs: number }>(
        'SELECT id, state, open_jobs FROM alertpipe_notifications ORDER BY id',
      );
      await client.end();
      expect(counts.rows).toEqual([
        { id: 'ended', state: 'done', open_jobs: 0 },
        { id: 'finished', state: 'done', open_jobs: 0 },
        { id: 'open', state: 'delivering', open_jobs: 2 },
        { id: 'waiting', state: 'queued', open_jobs: 0 },
      ]);

      // The running job's replica is gone: taken over, it waits again beside the other.
      expect((await store.recover()).jobs).toBe(1);
      const claimed = await store.claimDueJobs(Date.now(), 10);
      expect(claimed.map((c) => c.job.id).sort()).toEqual(['open:pagerduty', 'open:slack']);
      await store.finishAttempt('open:slack', success);
      expect((await store.getNotification('open'))!.state).toBe('delivering');
      await store.finishAttempt('open:pagerduty', success);
      expect((await store.getNotification('open'))!.state).toBe('done');
    } finally {
      await store.close();
    }
  });
});
