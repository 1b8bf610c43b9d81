import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryStore } from '../../../src/store/ports/delivery-store.js';
import { FILTER_SCAN_ROWS } from '../../../src/store/history-filter.js';
import { MemoryStore } from '../../../src/store/memory/memory-store.js';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { parseMatchers } from '../../../src/model/matchers.js';
import { alertWith, enriched, notificationOf } from '../../support/alerts.js';
import { postgresAvailable, startPostgres, type RealPostgres } from '../../support/real-postgres.js';

const dirs: string[] = [];
const stores: DeliveryStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function track<T extends DeliveryStore>(store: T): T {
  stores.push(store);
  return store;
}

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-history-'));
  dirs.push(dir);
  return dir;
}

// PostgreSQL joins when its binaries are here (under CI they must be: startPostgres says so).
const postgres = postgresAvailable();
let server: RealPostgres | undefined;
beforeAll(async () => {
  if (postgres.available) server = await startPostgres();
}, 60_000);
afterAll(() => server?.remove());

const factories: Record<string, () => Promise<DeliveryStore>> = {
  memory: async () => track(new MemoryStore({ maxPending: 100_000, historyLimit: 100_000 })),
  sqlite: async () => track(new SqliteStore({ maxPending: 100_000, historyLimit: 100_000, dataDir: tempDir() })),
  ...(postgres.available
    ? {
        postgres: async () => {
          const store = track(
            new PostgresStore({
              maxPending: 100_000,
              historyLimit: 100_000,
              url: await server!.createDatabase(),
              poolSize: 4,
              leaseMs: 30_000,
              logger: createSilentLogger(),
            }),
          );
          await store.ready();
          return store;
        },
      }
    : {}),
};

const ok = { state: 'succeeded', attempt: { at: 1, durationMs: 1, outcome: 'success' } } as const;
const dead = { state: 'dead', attempt: { at: 2, durationMs: 1, outcome: 'dead', error: 'Slack answered 503' } } as const;

/** Stores a notification of one alert with these labels, routed to `action`, and ends its job as `update` says. */
async function stored(
  store: DeliveryStore,
  id: string,
  labels: Record<string, string>,
  action: string,
  update: typeof ok | typeof dead,
  receivedAt = '2026-11-22T12:31:00Z',
) {
  const alert = alertWith({ alertname: 'A', ...labels });
  const notification = { ...notificationOf([alert], id), receivedAt: new Date(receivedAt) };
  await store.add(notification);
  await store.claimNotifications(10);
  await store.saveRouted(
    enriched(notification),
    [{ action, fingerprints: [alert.fingerprint] }],
    [{ at: 1, kind: 'routed', fingerprints: [alert.fingerprint], route: { index: 0, description: 'every alert', actions: [action] } }],
  );
  await store.claimDueJobs(Date.now(), 10);
  await store.finishAttempt(`${id}:${action}`, update);
  return alert.fingerprint;
}

const ids = (page: { records: readonly { id: string }[] }) => page.records.map((r) => r.id);

describe.each(Object.keys(factories))('%s store history queries', (kind) => {
  const create = factories[kind]!;

  it('filters by receiver', async () => {
    const store = await create();
    for (const [id, receiver] of [
      ['a', 'team-db'],
      ['b', 'team-web'],
      ['c', 'team-db'],
    ] as const) {
      await store.add({ ...notificationOf([alertWith({ alertname: 'A', id })], id), receiver });
    }
    expect(ids(await store.listNotifications({ limit: 10, filter: { receiver: 'team-db' } }))).toEqual(['c', 'a']);
    expect(ids(await store.listNotifications({ limit: 10, filter: { receiver: 'nobody' } }))).toEqual([]);
  });

  it('filters by label matcher, action, outcome and time range, newest first', async () => {
    const store = await create();
    await stored(store, 'a', { team: 'db' }, 'slack', ok, '2026-11-22T10:00:00Z');
    await stored(store, 'b', { team: 'web' }, 'pager', dead, '2026-11-22T11:00:00Z');
    await stored(store, 'c', { team: 'db' }, 'pager', ok, '2026-11-22T12:00:00Z');
    expect(ids(await store.listNotifications({ limit: 10, filter: { matchers: parseMatchers('{team="db"}') } }))).toEqual(['c', 'a']);
    expect(ids(await store.listNotifications({ limit: 10, filter: { matchers: parseMatchers('team=~"w.*"') } }))).toEqual(['b']);
    expect(ids(await store.listNotifications({ limit: 10, filter: { action: 'pager' } }))).toEqual(['c', 'b']);
    expect(ids(await store.listNotifications({ limit: 10, filter: { outcome: 'dead' } }))).toEqual(['b']);
    expect(ids(await store.listNotifications({ limit: 10, filter: { action: 'slack', outcome: 'dead' } }))).toEqual([]);
    expect(ids(await store.listNotifications({ limit: 10, filter: { status: 'resolved' } }))).toEqual([]);
    const since = Date.parse('2026-11-22T10:30:00Z');
    const until = Date.parse('2026-11-22T11:30:00Z');
    expect(ids(await store.listNotifications({ limit: 10, filter: { since, until } }))).toEqual(['b']);
  });

  it('finds every notification that carried one alert, by its fingerprint', async () => {
    const store = await create();
    const fingerprint = await stored(store, 'a', { pod: 'x' }, 'slack', ok);
    await stored(store, 'b', { pod: 'y' }, 'slack', ok);
    await stored(store, 'c', { pod: 'x' }, 'slack', ok);
    expect(ids(await store.listNotifications({ limit: 10, filter: { fingerprint } }))).toEqual(['c', 'a']);
  });

  it('keeps what planning decided and the rate-limit waits with the notification', async () => {
    const store = await create();
    const alert = alertWith({ alertname: 'A' });
    const notification = notificationOf([alert], 'a');
    await store.add(notification);
    await store.claimNotifications(1);
    await store.saveRouted(
      enriched(notification),
      [{ action: 'slack', fingerprints: [alert.fingerprint] }],
      [{ at: 1, kind: 'deduplicated', action: 'pager', fingerprints: [alert.fingerprint] }],
    );
    await store.claimDueJobs(Date.now(), 1);
    await store.releaseJob('a:slack', 5_000, {
      at: 2,
      kind: 'rate-limited',
      action: 'slack',
      fingerprints: [alert.fingerprint],
      until: 5_000,
    });
    const record = await store.getNotification('a');
    expect(record!.events.map((e) => [e.kind, e.action])).toEqual([
      ['deduplicated', 'pager'],
      ['rate-limited', 'slack'],
    ]);
    expect(ids(await store.listNotifications({ limit: 10, filter: { outcome: 'duplicate' } }))).toEqual(['a']);
    expect(ids(await store.listNotifications({ limit: 10, filter: { outcome: 'rate-limited', action: 'pager' } }))).toEqual([]);
  });

  it('retries a dead job: due now, recorded in the history, its notification unfinished until it ends', async () => {
    const store = await create();
    await stored(store, 'a', {}, 'slack', dead);
    expect((await store.getNotification('a'))!.state).toBe('done');
    expect(store.unfinishedCount()).toBe(0);
    const result = await store.retryJob('a:slack', 10_000);
    expect(result).toMatchObject({ retried: true, job: { state: 'pending', nextAttemptAt: 10_000 } });
    expect(store.unfinishedCount()).toBe(1);
    const record = await store.getNotification('a');
    expect(record!.state).toBe('delivering');
    expect(record!.events.at(-1)).toMatchObject({ kind: 'retried', action: 'slack', at: 10_000 });
    const [claimed] = await store.claimDueJobs(10_000, 10);
    expect(claimed!.job.attempts).toHaveLength(1);
    await store.finishAttempt('a:slack', { state: 'succeeded', attempt: { at: 10_001, durationMs: 1, outcome: 'success' } });
    expect((await store.getNotification('a'))!.state).toBe('done');
    expect(store.unfinishedCount()).toBe(0);
  });

  // The memory store decodes nothing to filter (it holds the objects), so only the stores on disk
  // have a byte budget to keep: the case is theirs alone.
  if (kind !== 'memory')
    it('reads a bounded number of bytes per filtered page, however large the notifications', async () => {
      const store = await create();
      await stored(store, 'match', { team: 'db' }, 'slack', ok);
      // 40 notifications of 1 MB each: more than a page may decode at once.
      for (let i = 0; i < 40; i++)
        await store.add(
          notificationOf([alertWith({ alertname: 'B', i: String(i) }, 'firing', { description: 'x'.repeat(1_000_000) })], `big${i}`),
        );
      const filter = { matchers: parseMatchers('team="db"') };
      const first = await store.listNotifications({ limit: 10, filter });
      expect(first.records).toEqual([]);
      expect(first.more).toBe(true);
      expect(first.resumeBefore).toBeGreaterThan(1);
      let page = first;
      for (let pages = 1; page.resumeBefore !== undefined && pages < 10; pages++)
        page = await store.listNotifications({ limit: 10, filter, before: page.resumeBefore });
      expect(ids(page)).toEqual(['match']);
      expect(page.more).toBe(false);
    }, 60_000);

  it('refuses to retry a job that is not dead, and says when there is no such job', async () => {
    const store = await create();
    await stored(store, 'a', {}, 'slack', ok);
    expect(await store.retryJob('a:slack', 1)).toEqual({ retried: false, reason: 'not dead' });
    expect(await store.retryJob('nope:slack', 1)).toEqual({ retried: false, reason: 'not found' });
    expect((await store.getNotification('a'))!.events.some((e) => e.kind === 'retried')).toBe(false);
  });
});

describe('sqlite store filtered pages', () => {
  it('read a bounded stretch and say where the next one starts, so a rare match costs pages, not one long scan', async () => {
    const store = await factories.sqlite!();
    await stored(store, 'match', { team: 'db' }, 'slack', ok);
    const filler = Array.from({ length: FILTER_SCAN_ROWS + 10 }, (_, i) =>
      store.add(notificationOf([alertWith({ alertname: 'B', i: String(i) })], `f${i}`)),
    );
    await Promise.all(filler);
    const filter = { matchers: parseMatchers('team="db"') };
    const first = await store.listNotifications({ limit: 10, filter });
    expect(first.records).toEqual([]);
    expect(first.more).toBe(true);
    expect(first.resumeBefore).toBeGreaterThan(1);
    const second = await store.listNotifications({ limit: 10, filter, before: first.resumeBefore! });
    expect(ids(second)).toEqual(['match']);
    expect(second.more).toBe(false);
  }, 60_000);
});
