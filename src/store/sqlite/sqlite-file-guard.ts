import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../observability/logger.js';
import { StoreUnavailableError } from '../ports/errors.js';
import { identityOf, openConnection, type FileIdentity, type SqliteConnection } from './sqlite-open.js';

/**
 * What became of the files an open database was opened from. An open handle keeps reading and
 * writing an unlinked file without a complaint, so a store that never looks would acknowledge
 * notifications into a file that no restart will find.
 */
export type FileState = 'intact' | 'removed' | 'replaced' | 'wal-removed';

const same = (a: FileIdentity | undefined, b: FileIdentity | undefined): boolean =>
  a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;

/** Two `stat` calls (a few microseconds): cheap enough to run after every commit. */
export function fileState(file: string, conn: SqliteConnection): FileState {
  const now = identityOf(file);
  if (now === undefined) return 'removed';
  if (!same(now, conn.file)) return 'replaced';
  // SQLite resets its log in place and deletes it only on close, so a different or missing one is someone else's doing.
  if (conn.wal !== undefined && !same(identityOf(`${file}-wal`), conn.wal)) return 'wal-removed';
  return 'intact';
}

/**
 * The file was removed: writes what the open handle still holds (the database and its log) back to
 * its path, through a temporary file and a rename so that a half-written copy is never taken for
 * the queue, and reopens it there. Throws (the old handle still open) when that fails.
 */
export function writeBack(file: string, conn: SqliteConnection, synchronous: 'normal' | 'full'): SqliteConnection {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.restoring`;
  rmSync(temporary, { force: true });
  try {
    conn.db.exec(`VACUUM INTO '${temporary.replaceAll("'", "''")}'`);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  // Into place before the old handle closes: should the rename fail, that handle still holds everything.
  renameSync(temporary, file);
  conn.db.close();
  // Whatever log is still at the path was the old handle's: never let it be applied to the copy.
  for (const suffix of ['-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  return openConnection(file, synchronous);
}

/**
 * The log was removed while the database file stayed: a checkpoint copies what the open handle's
 * log holds into the file, and a reopen starts a log that a restart will find.
 */
export function reopenAfterLogLoss(file: string, conn: SqliteConnection, synchronous: 'normal' | 'full'): SqliteConnection {
  conn.db.pragma('wal_checkpoint(FULL)');
  conn.db.close();
  rmSync(`${file}-shm`, { force: true });
  return openConnection(file, synchronous);
}

/**
 * Another file was put in its place (a restored backup?): that one is left alone, and what the open
 * handle holds is saved beside it for the operator to choose. Returns the copy's path. The handle
 * stays open and unused: closing it would delete the log at the path, which may be the new file's.
 */
export function saveBeside(file: string, conn: SqliteConnection): string {
  let copy = `${file}.saved-${new Date().toISOString().replaceAll(':', '-')}`;
  for (let n = 1; existsSync(copy); n++) copy = `${copy}-${n}`;
  conn.db.exec(`VACUUM INTO '${copy.replaceAll("'", "''")}'`);
  return copy;
}

/** Refused for good because the path now holds another file: the old handle must not be closed. */
export class FileReplacedError extends StoreUnavailableError {
  readonly abandonsHandle = true;
}

/**
 * Run after every commit. Returns the connection to use from now on: the same one while the files
 * are intact, a reopened one after a write-back. The file removed (or its log): what the open
 * handle holds is written back and reopened, so that everything committed so far, acknowledged or
 * not, is found by a restart; that failing, throws a passing `StoreUnavailableError` (tried again).
 * Another file in its place is not overwritten: the handle's content is saved beside it, and a
 * lasting error says what to do.
 */
export function keepFileInPlace(file: string, conn: SqliteConnection, synchronous: 'normal' | 'full', logger?: Logger): SqliteConnection {
  const state = fileState(file, conn);
  if (state === 'intact') return conn;
  if (state === 'replaced') {
    let saved: string;
    try {
      saved = `what alertpipe held (every notification it acknowledged) is saved as ${saveBeside(file, conn)}`;
      // The old log left at the path would be applied to the new file by the next open, over its
      // pages; the saved copy holds all it had.
      if (same(identityOf(`${file}-wal`), conn.wal)) rmSync(`${file}-wal`);
    } catch (error) {
      saved = `saving what alertpipe held beside it failed (${String(error)})`;
    }
    const error = new FileReplacedError(
      `the queue database ${file} was replaced by another file while alertpipe ran; that file was left as it is and ${saved}. ` +
        'Restart alertpipe to run on the file in place, or stop it and move the saved copy there first',
      { lasting: true },
    );
    logger?.error('queue database file replaced while running; refusing to accept or deliver', { file, reason: error.message });
    throw error;
  }
  try {
    const reopened = state === 'removed' ? writeBack(file, conn, synchronous) : reopenAfterLogLoss(file, conn, synchronous);
    logger?.error(
      state === 'removed'
        ? 'queue database file removed while running; wrote what alertpipe held back to its path'
        : 'queue database log (-wal) removed while running; copied what it held into the database and reopened',
      { file },
    );
    return reopened;
  } catch (error) {
    throw new StoreUnavailableError(
      `the queue database ${file} was ${state === 'removed' ? 'removed' : 'left without its log'} while alertpipe ran, and writing back what it held failed (${String(error)}); retrying`,
      { cause: error },
    );
  }
}
