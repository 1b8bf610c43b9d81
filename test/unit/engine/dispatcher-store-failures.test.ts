import { afterEach, describe, expect, it } from 'vitest';
import type { Action } from '../../../src/integrations/action.js';
import type { ClaimedJob, JobUpdate } from '../../../src/store/ports/records.js';
import { createDispatcher, type Dispatcher } from '../../../src/engine/dispatcher.js';
import { MemoryStore } from '../../../src/store/memory/memory-store.js';
import { runJob } from '../../../src/pipeline/run-job.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { alertWith, enriched, notificationOf } from '../../support/alerts.js';

const logger = createSilentLogger();
let dispatcher: Dispatcher | undefined;
afterEach(async () => {
  await dispatcher?.stop(100);
  dispatcher = undefined;
});

const diskFull = () => Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

function start(store: MemoryStore, actions: Action[]): Dispatcher {
  const byName = new Map(actions.map((a) => [a.name, a]));
  const metrics = createMetrics({ defaultMetrics: false });
  dispatcher = createDispatcher({
    store,
    logger,
    metrics,
    planConcurrency: 2,
    jobConcurrency: 4,
    plan: async (n) => ({
      enriched: enriched(n),
      jobs: actions.map((a) => ({ action: a.name, fingerprints: n.alerts.map((x) => x.fingerprint) })),
    }),
    runJob: (claimed) =>
      runJob(claimed, {
        actions: byName,
        logger,
        metrics,
        retryPolicy: { initialBackoffMs: 20, maxBackoffMs: 50, maxAgeMs: 60_000 },
        shutdownSignal: new AbortController().signal,
      }),
    delayFor: () => 0,
  });
  dispatcher.start();
  return dispatcher;
}

const ok: Action = { name: 'ok', type: 'test', sendResolved: true, handle: async () => ({ detail: 'done' }) };

describe('dispatcher when the store fails', () => {
  it('backs off instead of spinning while the store refuses to hand out due jobs', async () => {
    // A job is due (the earliest due time is in the past) but claiming it fails: the loop that
    // spun here asked thousands of times a second.
    class FullDisk extends MemoryStore {
      claims = 0;
      override async claimDueJobs(): Promise<ClaimedJob[]> {
        this.claims++;
        throw diskFull();
      }
      override async nextDueAt(): Promise<number | undefined> {
        return 0;
      }
    }
    const store = new FullDisk({ maxPending: 10, historyLimit: 10 });
    start(store, [ok]);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // 100, 200, 400 ms: a handful in the first second, never hundreds.
    expect(store.claims).toBeGreaterThan(0);
    expect(store.claims).toBeLessThan(20);
  });

  it('keeps an attempt whose outcome the store refused, and records it once the store works again', async () => {
    class RefusesTwice extends MemoryStore {
      refusals = 0;
      override async finishAttempt(jobId: string, update: JobUpdate): Promise<void> {
        if (this.refusals++ < 2) throw diskFull();
        return super.finishAttempt(jobId, update);
      }
    }
    const store = new RefusesTwice({ maxPending: 10, historyLimit: 10 });
    start(store, [ok]);
    await store.add(notificationOf([alertWith({ alertname: 'X' })], 'n1'));
    dispatcher!.kick();
    for (let i = 0; i < 500 && store.unfinishedCount() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const record = await store.getNotification('n1');
    expect(record?.state).toBe('done');
    expect(record?.jobs.map((job) => [job.state, job.attempts.length])).toEqual([['succeeded', 1]]);
  });

  it('plans a notification again when the store refused its dedup claims, rather than leave it claimed', async () => {
    class RefusesDedupOnce extends MemoryStore {
      refusals = 0;
      override async claimDedupKeys(...args: Parameters<MemoryStore['claimDedupKeys']>): Promise<Set<string>> {
        if (this.refusals++ < 1) throw diskFull();
        return super.claimDedupKeys(...args);
      }
    }
    const store = new RefusesDedupOnce({ maxPending: 10, historyLimit: 10 });
    const byName = new Map([[ok.name, ok]]);
    const metrics = createMetrics({ defaultMetrics: false });
    dispatcher = createDispatcher({
      store,
      logger,
      metrics,
      planConcurrency: 2,
      jobConcurrency: 4,
      // Planning claims its dedup keys in the store, as planDeliveries does.
      plan: async (n) => {
        await store.claimDedupKeys(n.id, ['k'], Date.now(), 60_000);
        return { enriched: enriched(n), jobs: [{ action: ok.name, fingerprints: n.alerts.map((x) => x.fingerprint) }] };
      },
      runJob: (claimed) =>
        runJob(claimed, {
          actions: byName,
          logger,
          metrics,
          retryPolicy: { initialBackoffMs: 20, maxBackoffMs: 50, maxAgeMs: 60_000 },
          shutdownSignal: new AbortController().signal,
        }),
      delayFor: () => 0,
    });
    dispatcher.start();
    await store.add(notificationOf([alertWith({ alertname: 'X' })], 'n1'));
    dispatcher.kick();
    for (let i = 0; i < 500 && store.unfinishedCount() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(store.refusals).toBe(2);
    expect((await store.getNotification('n1'))?.state).toBe('done');
  });
});
