import { describe, expect, it } from 'vitest';
import { StoreUnavailableError, QueueFullError } from '../../../src/store/ports/errors.js';
import { guardStore } from '../../../src/engine/guarded-store.js';
import { MemoryStore } from '../../../src/store/memory/memory-store.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { alertWith, notificationOf } from '../../support/alerts.js';
import { until } from '../../support/until.js';

/** A memory store whose writes fail with `failWith` while it is set, as a full disk would. */
class FlakyStore extends MemoryStore {
  failWith: Error | undefined;
  override async add(...args: Parameters<MemoryStore['add']>): Promise<void> {
    if (this.failWith) throw this.failWith;
    return super.add(...args);
  }
  override async probeWrite(): Promise<void> {
    if (this.failWith) throw this.failWith;
  }
}

const note = (id: string) => notificationOf([alertWith({ alertname: 'A', id })], id);
const diskFull = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

describe('guarded store', () => {
  it('turns a store failure into a 503 with its reason, counts it, and is unhealthy until a write works again', async () => {
    const inner = new FlakyStore({ maxPending: 10, historyLimit: 10 });
    const metrics = createMetrics({ defaultMetrics: false });
    const store = guardStore(inner, { metrics, logger: createSilentLogger() });
    inner.failWith = diskFull;
    const error = await store.add(note('a')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).statusCode).toBe(503);
    expect(store.health()).toEqual({ ok: false, reason: 'the queue store failed (add): database or disk is full' });
    expect((await metrics.storeErrors.get()).values).toEqual([{ labels: { operation: 'add' }, value: 1 }]);
    // Space returns: the guard's own probe write finds out, with no traffic needed.
    inner.failWith = undefined;
    await until(() => store.health().ok, 5_000);
    expect(store.health()).toEqual({ ok: true });
    await store.close();
  });

  it('passes a full queue through as it is, without marking the store unhealthy', async () => {
    const store = guardStore(new MemoryStore({ maxPending: 1, historyLimit: 10 }), {
      metrics: createMetrics({ defaultMetrics: false }),
      logger: createSilentLogger(),
    });
    await store.add(note('a'));
    await expect(store.add(note('b'))).rejects.toBeInstanceOf(QueueFullError);
    expect(store.health().ok).toBe(true);
  });

  it('refuses every call after a lasting failure, and reports the depth as unknown', async () => {
    const inner = new FlakyStore({ maxPending: 10, historyLimit: 10 });
    const metrics = createMetrics({ defaultMetrics: false });
    const store = guardStore(inner, { metrics, logger: createSilentLogger() });
    await store.add(note('a'));
    inner.failWith = new StoreUnavailableError('the queue database is damaged', { lasting: true });
    await expect(store.add(note('b'))).rejects.toThrow('damaged');
    inner.failWith = undefined;
    await expect(store.add(note('c'))).rejects.toThrow('damaged');
    await expect(store.listNotifications({ limit: 5 })).rejects.toThrow('damaged');
    expect(store.health().ok).toBe(false);
    expect(store.unfinishedCount()).toBeNaN();
    expect((await metrics.queueDepth.get()).values[0]?.value).toBeNaN();
  });

  it('fails readiness on a failure its adapter met between calls, and recovers through its probe', async () => {
    // As PostgreSQL's store does: a server not reached yet is reported before any call meets it.
    class Remote extends FlakyStore {
      report: ((error: Error | undefined) => void) | undefined;
      watchFailures(report: (error: Error | undefined) => void): void {
        this.report = report;
        report(new Error('PostgreSQL unavailable: connect ECONNREFUSED 127.0.0.1:5432'));
      }
    }
    const inner = new Remote({ maxPending: 10, historyLimit: 10 });
    inner.failWith = new Error('PostgreSQL unavailable: connect ECONNREFUSED 127.0.0.1:5432');
    const metrics = createMetrics({ defaultMetrics: false });
    const store = guardStore(inner, { metrics, logger: createSilentLogger() });
    expect(store.health()).toEqual({
      ok: false,
      reason: 'the queue store failed (connection): PostgreSQL unavailable: connect ECONNREFUSED 127.0.0.1:5432',
    });
    expect((await metrics.storeErrors.get()).values).toEqual([{ labels: { operation: 'connection' }, value: 1 }]);
    inner.failWith = undefined;
    await until(() => store.health().ok, 5_000);
    expect(store.health()).toEqual({ ok: true });
    // Lost again while idle: readiness fails at once, before any request meets it.
    inner.failWith = new Error('PostgreSQL unavailable: Connection terminated unexpectedly');
    for (let i = 0; i < 10; i++) inner.report!(inner.failWith);
    expect(store.health().ok).toBe(false);
    // Back: the adapter's own check says so, and the guard probes then, not at its backoff (5 s by now).
    inner.failWith = undefined;
    inner.report!(undefined);
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(store.health()).toEqual({ ok: true });
    await store.close();
  });
});
