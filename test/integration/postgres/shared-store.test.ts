import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { createLogger } from '../../../src/observability/logger.js';
import { alertWith, enriched, notificationOf } from '../../support/alerts.js';
import { postgresAvailable, startPostgres, type RealPostgres } from '../../support/real-postgres.js';

const postgres = postgresAvailable();
const note = (id: string) => notificationOf([alertWith({ alertname: 'A', id })], id);

describe.skipIf(!postgres.available)('two replicas sharing one PostgreSQL store', () => {
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

  async function replicas(count: number): Promise<PostgresStore[]> {
    const url = await server.createDatabase();
    const opened = Array.from(
      { length: count },
      () => new PostgresStore({ maxPending: 10_000, historyLimit: 100, url, poolSize: 4, leaseMs: 30_000, logger }),
    );
    stores.push(...opened);
    await Promise.all(opened.map((store) => store.ready()));
    return opened;
  }

  it('never hand the same notification or job to both when they claim at once', async () => {
    const [a, b] = await replicas(2);
    for (let i = 0; i < 60; i++) await a!.add(note(`n${i}`));
    const claimAll = async (store: PostgresStore): Promise<string[]> => {
      const ids: string[] = [];
      for (let batch = await store.claimNotifications(4); batch.length > 0; batch = await store.claimNotifications(4)) {
        ids.push(...batch.map((n) => n.id));
        for (const n of batch) await store.saveRouted(enriched(n), [{ action: 'hook', fingerprints: [n.alerts[0]!.fingerprint] }]);
      }
      return ids;
    };
    const [byA, byB] = await Promise.all([claimAll(a!), claimAll(b!)]);
    expect(byA.filter((id) => byB.includes(id))).toEqual([]);
    expect([...byA, ...byB].sort()).toEqual(Array.from({ length: 60 }, (_, i) => `n${i}`).sort());

    const jobsOf = async (store: PostgresStore): Promise<string[]> => {
      const ids: string[] = [];
      for (let batch = await store.claimDueJobs(Date.now(), 4); batch.length > 0; batch = await store.claimDueJobs(Date.now(), 4))
        ids.push(...batch.map((c) => c.job.id));
      return ids;
    };
    const [jobsA, jobsB] = await Promise.all([jobsOf(a!), jobsOf(b!)]);
    expect(jobsA.filter((id) => jobsB.includes(id))).toEqual([]);
    expect(jobsA.length + jobsB.length).toBe(60);
  });

  it('let exactly one of two notifications planned at once claim the same dedup key', async () => {
    const [a, b] = await replicas(2);
    const now = Date.now();
    for (let round = 0; round < 20; round++) {
      const keys = [`slack|fp${round}|firing`];
      const [dupA, dupB] = await Promise.all([
        a!.claimDedupKeys(`x${round}`, keys, now, 60_000),
        b!.claimDedupKeys(`y${round}`, keys, now, 60_000),
      ]);
      expect(dupA.size + dupB.size).toBe(1);
    }
  });

  it('share one destination rate limit, and a pause one of them was asked for', async () => {
    const [a, b] = await replicas(2);
    const slack = { key: 'slack:https://hooks.example/T/B/X', perSecond: 1, burst: 3 };
    const now = Date.now();
    expect([await a!.rateDelay(slack, 1, now), await b!.rateDelay(slack, 1, now), await a!.rateDelay(slack, 1, now)]).toEqual([0, 0, 0]);
    expect(await b!.rateDelay(slack, 1, now)).toBeGreaterThan(0);
    const pagerduty = { key: 'pagerduty:events:key', perSecond: 2, burst: 60 };
    await a!.holdDestination(pagerduty.key, 30_000, now);
    expect(await b!.rateDelay(pagerduty, 1, now)).toBeGreaterThan(25_000);
  });

  it('wake the other replica when one queues work, and not itself', async () => {
    const [a, b] = await replicas(2);
    let wokenA = 0;
    let wokenB = 0;
    a!.onWork(() => wokenA++);
    b!.onWork(() => wokenB++);
    // Each listener also fires once when it (re)connects; count from here.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const [beforeA, beforeB] = [wokenA, wokenB];
    await a!.add(note('wake'));
    const deadline = Date.now() + 5000;
    while (wokenB === beforeB && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(wokenB).toBeGreaterThan(beforeB);
    expect(wokenA).toBe(beforeA);
  });

  it('finish a notification whose last two jobs end on different replicas at the same moment', async () => {
    const [a, b] = await replicas(2);
    for (let round = 0; round < 10; round++) {
      const id = `r${round}`;
      await a!.add(note(id));
      await a!.claimNotifications(1);
      await a!.saveRouted(enriched(note(id)), [
        { action: 'one', fingerprints: ['f'] },
        { action: 'two', fingerprints: ['f'] },
      ]);
      const [first] = await a!.claimDueJobs(Date.now(), 1);
      const [second] = await b!.claimDueJobs(Date.now(), 1);
      const success = { state: 'succeeded' as const, attempt: { at: 1, durationMs: 1, outcome: 'success' as const } };
      await Promise.all([a!.finishAttempt(first!.job.id, success), b!.finishAttempt(second!.job.id, success)]);
      expect((await b!.getNotification(id))!.state).toBe('done');
    }
  });
});
