import { mkdtempSync, readdirSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../../src/store/ports/errors.js';
import { SqliteStore } from '../../../../src/store/sqlite/sqlite-store.js';
import { alertWith, notificationOf } from '../../../support/alerts.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function freshDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-file-guard-'));
  dirs.push(dir);
  return dir;
}

const note = (id: string) => notificationOf([alertWith({ alertname: 'A', id })], id);
const open = (dataDir: string) => new SqliteStore({ dataDir, maxPending: 100, historyLimit: 100 });
const idsIn = (file: string): string[] => {
  const db = new Database(file, { readonly: true });
  const ids = (db.prepare('SELECT id FROM notifications ORDER BY rowid').all() as Array<{ id: string }>).map((row) => row.id);
  db.close();
  return ids;
};

describe('sqlite store whose file changes under it', () => {
  it('leaves a file put in its place alone, saves what it held beside it, and refuses from then on', async () => {
    const dataDir = freshDir();
    const store = open(dataDir);
    for (const id of ['a', 'b', 'c']) await store.add(note(id));
    // An operator restores another database over it.
    const other = new Database(path.join(dataDir, 'replacement.db'));
    other.exec('CREATE TABLE marker (x); INSERT INTO marker VALUES (42)');
    other.close();
    renameSync(path.join(dataDir, 'replacement.db'), store.file);

    const error = (await store.add(note('d')).catch((e: unknown) => e)) as StoreUnavailableError;
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error.lasting).toBe(true);
    expect(error.message).toContain('was replaced by another file');
    await expect(store.claimNotifications(5)).rejects.toBe(error);
    await store.close();

    const marker = new Database(store.file, { readonly: true });
    expect(marker.prepare('SELECT x FROM marker').get()).toEqual({ x: 42 });
    marker.close();
    const saved = readdirSync(dataDir).find((name) => name.startsWith('alertpipe.db.saved-'));
    expect(error.message).toContain(`saved as ${path.join(dataDir, saved ?? '?')}`);
    expect(idsIn(path.join(dataDir, saved as string))).toEqual(expect.arrayContaining(['a', 'b', 'c']));
  });

  it('copies what a removed log held into the database, so a restart finds every change', async () => {
    const dataDir = freshDir();
    const store = open(dataDir);
    for (const id of ['a', 'b']) await store.add(note(id));
    unlinkSync(`${store.file}-wal`);
    await store.add(note('c'));
    await store.add(note('d'));
    await store.close();
    const reopened = open(dataDir);
    expect((await reopened.claimNotifications(10)).map((n) => n.id)).toEqual(['a', 'b', 'c', 'd']);
    await reopened.close();
  });
});
