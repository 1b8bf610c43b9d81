import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { createLogger } from '../../../src/observability/logger.js';
import type { JobUpdate } from '../../../src/store/ports/records.js';
import { alertWith, enriched, notificationOf } from '../../support/alerts.js';
import { postgresAvailable, startPostgres, type RealPostgres } from '../../support/real-postgres.js';

const postgres = postgresAvailable();
const note = (id: string) => notificationOf([alertWith({ alertname: 'A', id })], id);
const delivered = (at: number): JobUpdate => ({ state: 'succeeded', attempt: { at, durationMs: 5, outcome: 'success' } });

/**
 * What a replica did while the database could not hear it: attempts that ended during an outage
 * longer than the lease, whose outcomes were written once it was back.
 */
describe.skipIf(!postgres.available)('PostgreSQL leases across an outage', () => {
  let server: RealPostgres;
  const stores: PostgresStore[] = [];
  const logger = createLogger({ level: 'error', format: 'json' });

  beforeAll(async () => {
    server = await startPostgres();
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });
  afterAll(() => server?.remove());

  async function replicas(count: number, leaseMs: number): Promise<{ url: string; stores: PostgresStore[] }> {
    const url = await server.createDatabase();
    const opened = Array.from(
      { length: count },
      () => new PostgresStore({ maxPending: 10_000, historyLimit: 100, url, poolSize: 4, leaseMs, refreshMs: 100, logger }),
    );
    stores.push(...opened);
    await Promise.all(opened.map((store) => store.ready()));
    return { url, stores: opened };
  }

  /** One notification planned into one job, claimed by `store`: an attempt under way. */
  async function running(store: PostgresStore, id: string): Promise<string> {
    await store.add(note(id));
    await store.claimNotifications(1);
    await store.saveRouted(enriched(note(id)), [{ action: 'hook', fingerprints: ['f'] }]);
    const [claimed] = await store.claimDueJobs(Date.now(), 1);
    return claimed!.job.id;
  }

  async function sql(url: string, text: string): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  }

  it('keeps an outcome written after the job was taken over and before it was claimed again: delivered once, the interruption taken back', async () => {
    const {
      url,
      stores: [a, b],
    } = await replicas(2, 30_000);
    const job = await running(a!, 'late');
    // As if `a` had been cut off past its lease: another replica takes the job over.
    await sql(url, 'UPDATE alertpipe_jobs SET lease_until = 0');
    expect(await b!.recover()).toMatchObject({ jobs: 1 });

    await a!.finishAttempt(job, delivered(1));
    expect(await b!.claimDueJobs(Date.now(), 10)).toEqual([]);
    const record = await b!.getNotification('late');
    expect(record!.state).toBe('done');
    expect(record!.jobs.map((j) => [j.state, j.attempts.length])).toEqual([['succeeded', 1]]);
  });

  it('adds the late outcome to the history of a job another replica runs again, without taking it from that replica', async () => {
    const {
      url,
      stores: [a, b],
    } = await replicas(2, 30_000);
    const job = await running(a!, 'twice');
    await sql(url, 'UPDATE alertpipe_jobs SET lease_until = 0');
    await b!.recover();
    const [again] = await b!.claimDueJobs(Date.now(), 1);
    expect(again!.job.id).toBe(job);

    await a!.finishAttempt(job, { state: 'failed', attempt: { at: 1, durationMs: 5, outcome: 'failed', error: '400' } });
    expect((await b!.getNotification('twice'))!.jobs.map((j) => j.state)).toEqual(['running']);
    await b!.finishAttempt(job, delivered(2));
    const [record] = (await b!.getNotification('twice'))!.jobs;
    expect(record!.state).toBe('succeeded');
    expect(record!.attempts.map((attempt) => attempt.outcome)).toEqual(['failed', 'success']);
  });

  it('counts an outcome written twice (its first answer lost) once', async () => {
    const {
      stores: [a],
    } = await replicas(1, 30_000);
    const job = await running(a!, 'again');
    const retry: JobUpdate = {
      state: 'pending',
      nextAttemptAt: Date.now() + 60_000,
      attempt: { at: 1, durationMs: 5, outcome: 'retry', error: '503' },
    };
    await a!.finishAttempt(job, retry);
    await a!.finishAttempt(job, retry);
    expect((await a!.getNotification('again'))!.jobs.map((j) => [j.state, j.attempts.length])).toEqual([['pending', 1]]);
  });

  it('takes over nothing within a lease of the database coming back, so the replica that holds the work renews it and finishes it', async () => {
    const {
      stores: [a, b],
    } = await replicas(2, 2_000);
    const job = await running(a!, 'outage');
    server.stop();
    // Longer than the lease: by the database's clock, `a`'s lease has run out when it is back.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    server.start();
    // `b`'s first claim that reaches the database: before the fix, it took the job over at once.
    const deadline = Date.now() + 20_000;
    let first: Awaited<ReturnType<PostgresStore['claimDueJobs']>> | undefined;
    while (first === undefined && Date.now() < deadline) {
      first = await b!.claimDueJobs(Date.now(), 10).catch(() => undefined);
      if (first === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(first).toEqual([]);
    // Past the grace, `a` has renewed its lease: still nothing to take over.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await b!.claimDueJobs(Date.now(), 10)).toEqual([]);
    await a!.finishAttempt(job, delivered(1));
    expect((await b!.getNotification('outage'))!.jobs.map((j) => [j.state, j.attempts.length])).toEqual([['succeeded', 1]]);
  }, 60_000);
});
