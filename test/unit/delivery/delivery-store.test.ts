import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { QueueFullError, type DeliveryStore } from '../../../src/delivery/delivery-store.js';
import { MemoryStore, type StoreLimits } from '../../../src/delivery/memory-store.js';
import { SqliteStore } from '../../../src/delivery/sqlite-store.js';
import type { EnrichedNotification } from '../../../src/pipeline/model.js';
import { alertWith, enriched, notificationOf } from '../../support/alerts.js';

const dirs: string[] = [];
const stores: DeliveryStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const factories: Record<string, (limits?: Partial<StoreLimits>, dir?: string) => DeliveryStore> = {
  memory: (limits) => track(new MemoryStore({ maxPending: 100, historyLimit: 100, ...limits })),
  sqlite: (limits, dir) => track(new SqliteStore({ maxPending: 100, historyLimit: 100, ...limits, dataDir: dir ?? tempDir() })),
};

function track(store: DeliveryStore): DeliveryStore {
  stores.push(store);
  return store;
}

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-store-'));
  dirs.push(dir);
  return dir;
}

const note = (id: string) => notificationOf([alertWith({ alertname: 'A', id })], id);

describe.each(Object.keys(factories))('%s store', (kind) => {
  const create = factories[kind]!;

  it('hands out queued notifications oldest first, each once', async () => {
    const store = create();
    for (const id of ['a', 'b', 'c']) await store.add(note(id));
    expect((await store.claimNotifications(2)).map((n) => n.id)).toEqual(['a', 'b']);
    expect((await store.claimNotifications(5)).map((n) => n.id)).toEqual(['c']);
    expect(await store.claimNotifications(5)).toEqual([]);
  });

  it('gives back the notification with its dates intact', async () => {
    const store = create();
    const original = note('a');
    await store.add(original);
    const [claimed] = await store.claimNotifications(1);
    expect(claimed!.receivedAt).toEqual(original.receivedAt);
    expect(claimed!.alerts[0]!.startsAt).toEqual(original.alerts[0]!.startsAt);
    expect(claimed!.alerts[0]!.endsAt).toBeNull();
  });

  it('runs jobs when due, and finishes the notification when every job has ended', async () => {
    const store = create();
    await store.add(note('a'));
    await store.claimNotifications(1);
    await store.saveRouted(enriched(note('a')), [{ action: 'slack', fingerprints: ['f1'] }, { action: 'log', fingerprints: ['f1'] }]);
    expect(store.unfinishedCount()).toBe(1);
    const claimed = await store.claimDueJobs(Date.now(), 10);
    expect(claimed.map((c) => c.job.action).sort()).toEqual(['log', 'slack']);
    expect(claimed[0]!.notification.alerts[0]!.enrichment).toEqual({});
    expect(await store.claimDueJobs(Date.now(), 10)).toEqual([]);

    const later = Date.now() + 60_000;
    await store.finishAttempt('a:slack', { state: 'pending', nextAttemptAt: later, attempt: { at: 1, durationMs: 5, outcome: 'retry', error: '503' } });
    await store.finishAttempt('a:log', { state: 'succeeded', attempt: { at: 1, durationMs: 1, outcome: 'success' }, result: { n: 1 } });
    expect(await store.nextDueAt()).toBe(later);
    expect(await store.claimDueJobs(Date.now(), 10)).toEqual([]);
    expect(store.unfinishedCount()).toBe(1);

    const [retry] = await store.claimDueJobs(later, 10);
    expect(retry!.job.attempts).toEqual([{ at: 1, durationMs: 5, outcome: 'retry', error: '503' }]);
    await store.finishAttempt('a:slack', { state: 'succeeded', attempt: { at: 2, durationMs: 5, outcome: 'success' } });
    expect(store.unfinishedCount()).toBe(0);
    const record = await store.getNotification('a');
    expect(record!.state).toBe('done');
    expect(record!.jobs.find((j) => j.action === 'log')!.result).toEqual({ n: 1 });
    expect(record!.jobs.find((j) => j.action === 'slack')!.attempts.map((x) => x.outcome)).toEqual(['retry', 'success']);
  });

  it('hands jobs the enriched notification whether enrichment found something or nothing', async () => {
    const store = create();
    for (const id of ['a', 'b']) await store.add(note(id));
    await store.claimNotifications(2);
    const found = enriched(note('a'));
    const withContext = { ...found, alerts: found.alerts.map((a) => ({ ...a, enrichment: { pods: { fields: [{ label: 'CPU', value: '90%' }] } }, notes: ['prometheus: slow'] })) };
    await store.saveRouted(withContext, [{ action: 'log', fingerprints: ['fa'] }]);
    await store.saveRouted(enriched(note('b')), [{ action: 'log', fingerprints: ['fb'] }]);
    const claimed = new Map((await store.claimDueJobs(Date.now(), 10)).map((c) => [c.notification.id, c.notification]));
    expect(claimed.get('a')!.alerts[0]!.enrichment).toEqual({ pods: { fields: [{ label: 'CPU', value: '90%' }] } });
    expect(claimed.get('a')!.alerts[0]!.notes).toEqual(['prometheus: slow']);
    expect(claimed.get('b')!.alerts[0]!.enrichment).toEqual({});
    expect(claimed.get('b')!.alerts[0]!.notes).toEqual([]);
    const record = await store.getNotification('b');
    expect((record!.notification as EnrichedNotification).alerts[0]!.enrichment).toEqual({});
  });

  it('finishes at once a notification routed to nothing', async () => {
    const store = create();
    await store.add(note('a'));
    await store.claimNotifications(1);
    await store.saveRouted(enriched(note('a')), []);
    expect(store.unfinishedCount()).toBe(0);
    expect((await store.getNotification('a'))!.state).toBe('done');
  });

  it('tells when the oldest unfinished notification arrived, and nothing once all are done', async () => {
    const store = create();
    expect(await store.oldestUnfinishedAt()).toBeUndefined();
    await store.add(note('a'));
    await store.add(note('b'));
    expect(await store.oldestUnfinishedAt()).toBe(note('a').receivedAt.getTime());
    await store.claimNotifications(2);
    await store.saveRouted(enriched(note('a')), []);
    await store.saveRouted(enriched(note('b')), []);
    expect(await store.oldestUnfinishedAt()).toBeUndefined();
    await store.probeWrite();
  });

  it('puts a released job back without counting an attempt', async () => {
    const store = create();
    await store.add(note('a'));
    await store.claimNotifications(1);
    await store.saveRouted(enriched(note('a')), [{ action: 'slack', fingerprints: ['f1'] }]);
    await store.claimDueJobs(Date.now(), 1);
    await store.releaseJob('a:slack', Date.now() - 1);
    const [again] = await store.claimDueJobs(Date.now(), 1);
    expect(again!.job.attempts).toEqual([]);
  });

  it('refuses past max_pending and takes more once work finishes', async () => {
    const store = create({ maxPending: 2 });
    await store.add(note('a'));
    await store.add(note('b'));
    await expect(store.add(note('c'))).rejects.toBeInstanceOf(QueueFullError);
    await store.claimNotifications(1);
    await store.saveRouted(enriched(note('a')), []);
    await expect(store.add(note('c'))).resolves.toBeUndefined();
  });

  it('finds duplicates from other notifications within the window, never from itself', async () => {
    const store = create();
    expect(await store.claimDedupKeys('n1', ['k1', 'k2'], 1000, 500)).toEqual(new Set());
    expect(await store.claimDedupKeys('n1', ['k1'], 1100, 500)).toEqual(new Set());
    expect(await store.claimDedupKeys('n2', ['k1', 'k3'], 1200, 500)).toEqual(new Set(['k1']));
    expect(await store.claimDedupKeys('n3', ['k1'], 1700, 500)).toEqual(new Set());
  });

  it('keeps before-ack outcomes in the history', async () => {
    const store = create();
    await store.add(note('a'));
    await store.recordBeforeAck('a', { action: 'cmd', fingerprints: ['f1'] }, { state: 'failed', attempt: { at: 1, durationMs: 3, outcome: 'failed', error: 'exit 1' } });
    const record = await store.getNotification('a');
    expect(record!.jobs.map((j) => [j.action, j.state, j.attempts[0]!.error])).toEqual([['cmd', 'failed', 'exit 1']]);
  });

  it('lists the newest notifications first', async () => {
    const store = create();
    for (const id of ['a', 'b', 'c']) await store.add(note(id));
    expect((await store.listNotifications({ limit: 2 })).records.map((r) => r.id)).toEqual(['c', 'b']);
    expect(await store.getNotification('zzz')).toBeUndefined();
  });

  it('pages the history newest first from a position, saying whether older ones remain', async () => {
    const store = create();
    for (const id of ['a', 'b', 'c', 'd', 'e']) await store.add(note(id));
    const first = await store.listNotifications({ limit: 2 });
    expect(first.records.map((r) => r.id)).toEqual(['e', 'd']);
    expect(first.more).toBe(true);
    const second = await store.listNotifications({ limit: 2, before: first.records.at(-1)!.position });
    expect(second.records.map((r) => r.id)).toEqual(['c', 'b']);
    const last = await store.listNotifications({ limit: 2, before: second.records.at(-1)!.position });
    expect(last.records.map((r) => r.id)).toEqual(['a']);
    expect(last.more).toBe(false);
    // Notifications arriving meanwhile do not shift a page that is being followed.
    await store.add(note('f'));
    expect((await store.listNotifications({ limit: 2, before: first.records.at(-1)!.position })).records.map((r) => r.id)).toEqual(['c', 'b']);
  });

  it('stops a page early at its byte budget, but always returns at least one notification', async () => {
    const store = create();
    const big = (id: string) => notificationOf([alertWith({ alertname: 'A', id }, 'firing', { description: 'x'.repeat(10_000) })], id);
    for (const id of ['a', 'b', 'c']) await store.add(big(id));
    const page = await store.listNotifications({ limit: 3, maxBytes: 25_000 });
    expect(page.records.map((r) => r.id)).toEqual(['c', 'b']);
    expect(page.more).toBe(true);
    const tiny = await store.listNotifications({ limit: 3, maxBytes: 10 });
    expect(tiny.records.map((r) => r.id)).toEqual(['c']);
    expect(tiny.more).toBe(true);
  });
});

describe('sqlite store across a restart', () => {
  it('resumes queued notifications and interrupted jobs', async () => {
    const dir = tempDir();
    const first = factories.sqlite!({}, dir);
    for (const id of ['a', 'b', 'c']) await first.add(note(id));
    await first.claimNotifications(1); // a: interrupted while being planned
    // b: routed, its job interrupted while running
    await first.claimNotifications(1);
    await first.saveRouted(enriched(note('b')), [{ action: 'slack', fingerprints: ['f'] }]);
    await first.claimDueJobs(Date.now(), 1);
    await first.close();

    const second = factories.sqlite!({}, dir);
    expect(await second.recover()).toEqual({ notifications: 1, jobs: 1, deadLettered: [] });
    expect(second.unfinishedCount()).toBe(3);
    expect((await second.claimNotifications(10)).map((n) => n.id)).toEqual(['a', 'c']);
    expect((await second.claimDueJobs(Date.now(), 10)).map((c) => c.job.id)).toEqual(['b:slack']);
  });

  it('dead-letters a job after the process stopped while it ran three times', async () => {
    const dir = tempDir();
    let store = factories.sqlite!({}, dir);
    await store.add(note('a'));
    await store.claimNotifications(1);
    await store.saveRouted(enriched(note('a')), [{ action: 'exec', fingerprints: ['f'] }]);
    const recoveries = [];
    for (let start = 1; start <= 3; start++) {
      // The job is running when the process stops; the next start recovers it.
      expect((await store.claimDueJobs(Date.now(), 1)).map((c) => c.job.id)).toEqual(['a:exec']);
      await store.close();
      store = factories.sqlite!({}, dir);
      recoveries.push(await store.recover());
    }
    expect(recoveries.map((r) => r.deadLettered)).toEqual([[], [], ['exec']]);
    expect(await store.claimDueJobs(Date.now(), 1)).toEqual([]);
    const record = await store.getNotification('a');
    expect(record?.state).toBe('done');
    expect(record?.jobs[0]?.state).toBe('dead');
    expect(record?.jobs[0]?.attempts.at(-1)).toMatchObject({ outcome: 'dead', error: 'the process stopped while this job ran 3 times' });
    expect(store.unfinishedCount()).toBe(0);
  });

  it('migrates a data directory written before bodies had a table of their own, losing nothing', async () => {
    const dir = tempDir();
    const old = new Database(path.join(dir, 'alertpipe.db'));
    old.exec(`CREATE TABLE notifications (id TEXT PRIMARY KEY, state TEXT NOT NULL, received_at INTEGER NOT NULL, body TEXT NOT NULL);
      CREATE INDEX notifications_by_state ON notifications (state);
      CREATE TABLE jobs (id TEXT PRIMARY KEY, notification_id TEXT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE, action TEXT NOT NULL,
        fingerprints TEXT NOT NULL, state TEXT NOT NULL, created_at INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL, attempts TEXT NOT NULL DEFAULT '[]', result TEXT);
      CREATE INDEX jobs_due ON jobs (state, next_attempt_at);
      CREATE INDEX jobs_by_notification ON jobs (notification_id);
      CREATE TABLE dedup (key TEXT PRIMARY KEY, notification_id TEXT NOT NULL, expires_at INTEGER NOT NULL);
      PRAGMA user_version = 1;`);
    const queued = { ...note('old'), originalBody: '{"receiver":"old"}' };
    old.prepare(`INSERT INTO notifications VALUES ('old', 'queued', 1, ?)`).run(JSON.stringify(queued));
    old.close();

    const store = factories.sqlite!({}, dir);
    expect(store.unfinishedCount()).toBe(1);
    const [claimed] = await store.claimNotifications(10);
    expect(claimed).toMatchObject({ id: 'old', originalBody: '{"receiver":"old"}', receivedAt: queued.receivedAt });
  });

  it('commits the changes of one turn together, undoing a failing one alone', async () => {
    const dir = tempDir();
    const store = factories.sqlite!({}, dir);
    // Three adds in the same turn, the second a duplicate id that SQLite refuses.
    const results = await Promise.allSettled([store.add(note('x')), store.add(note('x')), store.add(note('y'))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(store.unfinishedCount()).toBe(2);
    await store.close();
    // Committed: a second process sees exactly the two that were acknowledged.
    const reopened = factories.sqlite!({}, dir);
    expect((await reopened.claimNotifications(10)).map((n) => n.id)).toEqual(['x', 'y']);
  });

  it('keeps only the newest finished notifications', async () => {
    const store = factories.sqlite!({ historyLimit: 5 });
    for (let i = 0; i < 120; i++) {
      await store.add(note(`n${i}`));
      await store.claimNotifications(1);
      await store.saveRouted(enriched(note(`n${i}`)), []);
    }
    const kept = (await store.listNotifications({ limit: 1000 })).records;
    expect(kept.length).toBeLessThanOrEqual(5 + 100);
    expect(kept[0]!.id).toBe('n119');
    expect(await store.getNotification('n0')).toBeUndefined();
  });
});
