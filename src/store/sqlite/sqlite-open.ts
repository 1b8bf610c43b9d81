import { statSync } from 'node:fs';
import Database, { type Database as Db } from 'better-sqlite3';
import { migrate } from './sqlite-schema.js';
import { prepareStatements, type Statements } from './sqlite-statements.js';

/** Which file a path named when it was opened: compared later to notice it removed or replaced. */
export interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
}

/** An open database with what the store needs of it; replaced whole when the file is reopened. */
export interface SqliteConnection {
  readonly db: Db;
  readonly sql: Statements;
  /** Called at the top it is a transaction; called inside one, a savepoint. */
  readonly transact: (change: () => unknown) => unknown;
  readonly file: FileIdentity;
  /** The write-ahead log's: committed changes live there until a checkpoint copies them over. */
  readonly wal: FileIdentity | undefined;
}

/** The database file is damaged: alertpipe refuses to start on it, and says what to do. */
export class StoreCorruptError extends Error {
  constructor(file: string, detail: string) {
    super(
      `the queue database ${file} is damaged (${detail}); alertpipe will not start on it. Stop here and either ` +
        `move it aside (mv ${file} ${file}.damaged, with its -wal and -shm files; alertpipe then starts with an empty queue), ` +
        `restore it from a backup, or recover what can be read: sqlite3 ${file} .recover | sqlite3 ${file}.recovered, ` +
        `then move ${file}.recovered to ${file}`,
    );
    this.name = 'StoreCorruptError';
  }
}

/** SQLite's own words for a damaged file (SQLITE_CORRUPT and its extended codes, SQLITE_NOTADB). */
export function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

export function identityOf(file: string): FileIdentity | undefined {
  const stat = statSync(file, { throwIfNoEntry: false });
  return stat === undefined ? undefined : { dev: stat.dev, ino: stat.ino };
}

/**
 * Opens (or creates) the database in write-ahead-log mode, checks it with `PRAGMA quick_check`
 * (seconds for a large queue, and only at open: a damaged file found now is refused with a clear
 * message, instead of accepting notifications into pages nobody can read back), and migrates it.
 */
export function openConnection(file: string, synchronous: 'normal' | 'full'): SqliteConnection {
  let db: Db | undefined;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Every notification changes the same few pages (the queue's indexes) several times; a
    // checkpoint every 4,000 pages (16 MB of log) instead of SQLite's 1,000, and a 16 MB page cache
    // instead of 2 MB, copy each of them to the file once per checkpoint rather than four times and
    // keep them in memory: 1.2 to 2 times the notifications a second through the store, measured.
    db.pragma('wal_autocheckpoint = 4000');
    db.pragma('cache_size = -16000');
    const problems = (db.pragma('quick_check') as Array<{ quick_check: string }>).map((row) => row.quick_check);
    if (problems.join() !== 'ok') throw new StoreCorruptError(file, `quick_check: ${problems.slice(0, 3).join('; ')}`);
    migrate(db);
    const sql = prepareStatements(db);
    // Made once (making one per change costs more than the change).
    const transact = db.transaction((change: () => unknown) => change());
    // A read makes SQLite create the -wal file now, so that its identity is known from the start.
    db.prepare('SELECT 1 FROM notifications LIMIT 1').get();
    return { db, sql, transact, file: identityOf(file) as FileIdentity, wal: identityOf(`${file}-wal`) };
  } catch (error) {
    db?.close();
    if (isCorruption(error)) throw new StoreCorruptError(file, String((error as Error).message));
    throw error;
  }
}
