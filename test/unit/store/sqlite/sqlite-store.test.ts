import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoreLimits } from '../../../../src/store/ports/delivery-store.js';
import { SqliteStore } from '../../../../src/store/sqlite/sqlite-store.js';
import { alertWith, notificationOf } from '../../../support/alerts.js';

// What only SQLite does; what every store does is in test/contract/delivery-store.contract.ts.

const dirs: string[] = [];
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-store-'));
  dirs.push(dir);
  return dir;
}

function open(dir: string, limits: Partial<StoreLimits> = {}): SqliteStore {
  const store = new SqliteStore({ maxPending: 100, historyLimit: 100, ...limits, dataDir: dir });
  stores.push(store);
  return store;
}

const note = (id: string) => notificationOf([alertWith({ alertname: 'A', id })], id);

describe('the sqlite store', () => {
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

    const store = open(dir);
    expect(store.unfinishedCount()).toBe(1);
    const [claimed] = await store.claimNotifications(10);
    expect(claimed).toMatchObject({ id: 'old', originalBody: '{"receiver":"old"}', receivedAt: queued.receivedAt });
  });

  it('commits the changes of one turn together, undoing a failing one alone', async () => {
    const dir = tempDir();
    const store = open(dir);
    // Three adds in the same turn, the second a duplicate id that SQLite refuses.
    const results = await Promise.allSettled([store.add(note('x')), store.add(note('x')), store.add(note('y'))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(store.unfinishedCount()).toBe(2);
    await store.close();
    // Committed: a second process sees exactly the two that were acknowledged.
    const reopened = open(dir);
    expect((await reopened.claimNotifications(10)).map((n) => n.id)).toEqual(['x', 'y']);
  });
});
