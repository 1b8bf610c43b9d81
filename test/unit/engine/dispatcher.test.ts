import { afterEach, describe, expect, it } from 'vitest';
import { ActionError } from '../../../src/integrations/action-error.js';
import type { Action } from '../../../src/integrations/action.js';
import { createDispatcher, type Dispatcher } from '../../../src/engine/dispatcher.js';
import { QueueFullError } from '../../../src/store/ports/errors.js';
import { MemoryStore } from '../../../src/store/memory/memory-store.js';
import { runJob } from '../../../src/pipeline/run-job.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { alertWith, enriched, notificationOf } from '../../support/alerts.js';
import { until } from '../../support/until.js';

const metrics = createMetrics({ defaultMetrics: false });
const logger = createSilentLogger();
let dispatcher: Dispatcher | undefined;

afterEach(async () => {
  await dispatcher?.stop(100);
  dispatcher = undefined;
});

function start(store: MemoryStore, actions: Action[], retry = { initialBackoffMs: 20, maxBackoffMs: 50, maxAgeMs: 60_000 }): Dispatcher {
  const byName = new Map(actions.map((a) => [a.name, a]));
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
      runJob(claimed, { actions: byName, logger, metrics, retryPolicy: retry, shutdownSignal: new AbortController().signal }),
    delayFor: () => 0,
  });
  dispatcher.start();
  return dispatcher;
}

const recording = (name: string, behave: (attempt: number) => void = () => {}): Action & { calls: number } => {
  const action = {
    name,
    type: 'test',
    sendResolved: true,
    calls: 0,
    async handle(_n: unknown, ctx: { attempt: number }) {
      action.calls++;
      behave(ctx.attempt);
      return { detail: `call ${action.calls}` };
    },
  };
  return action;
};

describe('dispatcher with the memory store', () => {
  it('delivers every queued notification to every action once', async () => {
    const store = new MemoryStore({ maxPending: 100, historyLimit: 100 });
    const a = recording('a');
    const b = recording('b');
    start(store, [a, b]);
    for (let i = 0; i < 20; i++) await store.add(notificationOf([alertWith({ alertname: 'X', i: String(i) })], `n${i}`));
    dispatcher!.kick();
    await until(() => store.unfinishedCount() === 0, 5_000);
    expect([a.calls, b.calls]).toEqual([20, 20]);
  });

  it('retries a failing action until it succeeds, keeping every attempt', async () => {
    const store = new MemoryStore({ maxPending: 10, historyLimit: 10 });
    const flaky = recording('flaky', (attempt) => {
      if (attempt < 3) throw ActionError.fromHttpStatus('Slack', 503, 'down');
    });
    start(store, [flaky]);
    await store.add(notificationOf([alertWith({ alertname: 'X' })], 'n1'));
    dispatcher!.kick();
    await until(() => store.unfinishedCount() === 0, 5_000);
    const record = await store.getNotification('n1');
    expect(record!.jobs[0]!.state).toBe('succeeded');
    expect(record!.jobs[0]!.attempts.map((a) => a.outcome)).toEqual(['retry', 'retry', 'success']);
  });

  it('gives up at once on a failure retrying cannot fix, while the other action succeeds', async () => {
    const store = new MemoryStore({ maxPending: 10, historyLimit: 10 });
    const broken = recording('broken', () => {
      throw ActionError.fromHttpStatus('Slack', 400, 'invalid_blocks');
    });
    const fine = recording('fine');
    start(store, [broken, fine]);
    await store.add(notificationOf([alertWith({ alertname: 'X' })], 'n1'));
    dispatcher!.kick();
    await until(() => store.unfinishedCount() === 0, 5_000);
    const jobs = (await store.getNotification('n1'))!.jobs;
    expect(jobs.map((j) => [j.action, j.state])).toEqual([
      ['broken', 'failed'],
      ['fine', 'succeeded'],
    ]);
    expect(broken.calls).toBe(1);
    expect(jobs[0]!.attempts[0]!.error).toContain('invalid_blocks');
  });

  it('dead-letters a job that keeps failing past its maximum age', async () => {
    const store = new MemoryStore({ maxPending: 10, historyLimit: 10 });
    const down = recording('down', () => {
      throw ActionError.fromHttpStatus('Slack', 503, 'down');
    });
    start(store, [down], { initialBackoffMs: 20, maxBackoffMs: 40, maxAgeMs: 150 });
    await store.add(notificationOf([alertWith({ alertname: 'X' })], 'n1'));
    dispatcher!.kick();
    await until(() => store.unfinishedCount() === 0, 5_000);
    const job = (await store.getNotification('n1'))!.jobs[0]!;
    expect(job.state).toBe('dead');
    expect(job.attempts.length).toBeGreaterThan(1);
    expect(job.attempts.at(-1)!.outcome).toBe('dead');
  });

  it('refuses new notifications once max_pending are unfinished', async () => {
    const store = new MemoryStore({ maxPending: 2, historyLimit: 10 });
    await store.add(notificationOf([alertWith({ alertname: 'X' })], 'n1'));
    await store.add(notificationOf([alertWith({ alertname: 'X' })], 'n2'));
    await expect(store.add(notificationOf([alertWith({ alertname: 'X' })], 'n3'))).rejects.toBeInstanceOf(QueueFullError);
  });

  it('keeps only the most recent finished notifications for the history', async () => {
    const store = new MemoryStore({ maxPending: 100, historyLimit: 3 });
    start(store, [recording('a')]);
    for (let i = 0; i < 10; i++) await store.add(notificationOf([alertWith({ alertname: 'X' })], `n${i}`));
    dispatcher!.kick();
    await until(() => store.unfinishedCount() === 0, 5_000);
    expect((await store.listNotifications({ limit: 100 })).records.map((r) => r.id)).toEqual(['n9', 'n8', 'n7']);
  });
});

describe('dispatcher with a store that answers a turn later (as the SQLite store commits)', () => {
  it('does not miss a kick that arrives while it asks when the next job is due', async () => {
    const store = new MemoryStore({ maxPending: 100, historyLimit: 100 });
    let asking: (() => void) | undefined;
    const nextDueAt = store.nextDueAt.bind(store);
    // Hold the first answer about due times until the test lets it go (a commit at the end of the
    // turn, stretched); answer the later ones at once.
    store.nextDueAt = () =>
      asking === undefined ? new Promise((resolve) => (asking = () => void nextDueAt().then(resolve))) : nextDueAt();
    const action = recording('a');
    start(store, [action]);
    await until(() => asking !== undefined, 5_000);

    await store.add(notificationOf([alertWith({ alertname: 'Kicked' })]));
    dispatcher!.kick(); // while the loop waits for nextDueAt
    const kickedAt = Date.now();
    asking!();
    await until(() => action.calls === 1, 5_000);
    // Without the re-check the loop would sleep its idle second first.
    expect(Date.now() - kickedAt).toBeLessThan(500);
  });
});

describe('dispatcher with a store that cannot answer (its database is down)', () => {
  it('keeps running, and delivers once the store answers again', async () => {
    const store = new MemoryStore({ maxPending: 100, historyLimit: 100 });
    const nextDueAt = store.nextDueAt.bind(store);
    let down = true;
    let failures = 0;
    store.nextDueAt = () => (down ? (failures++, Promise.reject(new Error('connect ECONNREFUSED'))) : nextDueAt());
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown): void => void rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const action = recording('a');
      start(store, [action]);
      await until(() => failures >= 2, 5_000);
      down = false;
      await store.add(notificationOf([alertWith({ alertname: 'AfterOutage' })]));
      dispatcher!.kick();
      await until(() => action.calls === 1, 5_000);
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });
});
