import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Worker } from 'node:worker_threads';
import { StoreUnavailableError } from '../../../src/store/ports/errors.js';
import { StoreCorruptError } from '../../../src/store/sqlite/sqlite-open.js';
import { ThreadedSqliteStore } from '../../../src/store/sqlite/threaded-sqlite-store.js';
import { alertWith, notificationOf } from '../../support/alerts.js';

// What the contract suite (test/contract/threaded-sqlite-store.test.ts) does not reach: failures
// that must cross the thread as what they are.
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const limits = { maxPending: 100, historyLimit: 100 };

function newDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-thread-'));
  dirs.push(dir);
  return dir;
}

describe('the SQLite queue on its own thread', () => {
  it('refuses a damaged file as the one-thread store does: StoreCorruptError, naming the file and what to do', async () => {
    const dataDir = newDir();
    const store = await ThreadedSqliteStore.open({ ...limits, dataDir });
    for (let i = 0; i < 50; i++)
      await store.add(notificationOf([alertWith({ alertname: 'Damaged', seq: String(i), pad: 'x'.repeat(2000) })], `n-${i}`));
    await store.close();
    const file = path.join(dataDir, 'alertpipe.db');
    const fd = openSync(file, 'r+');
    const garbage = Buffer.alloc(4096 * 4, 0xa5);
    writeSync(fd, garbage, 0, garbage.length, Math.floor((statSync(file).size / 4096) * 0.6) * 4096);
    closeSync(fd);
    const opened = ThreadedSqliteStore.open({ ...limits, dataDir });
    await expect(opened).rejects.toBeInstanceOf(StoreCorruptError);
    await expect(opened).rejects.toThrow(`${file} is damaged`);
  });

  it('fails every call with a lasting StoreUnavailableError once its thread is gone, the calls waiting included', async () => {
    const store = await ThreadedSqliteStore.open({ ...limits, dataDir: newDir() });
    // Asked as the thread is being stopped: it never answers, and the caller must not wait forever.
    const stopping = (Reflect.get(store, 'worker') as Worker).terminate();
    const waiting = store.nextDueAt();
    await stopping;
    await expect(waiting).rejects.toBeInstanceOf(StoreUnavailableError);
    const later = store.add(notificationOf([alertWith({ alertname: 'After' })]));
    await expect(later).rejects.toMatchObject({ lasting: true, message: expect.stringContaining('the SQLite thread exited') });
    await store.close();
  });
});
