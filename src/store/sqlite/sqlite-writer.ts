import type { Logger } from '../../observability/logger.js';
import { StoreUnavailableError } from '../ports/errors.js';
import { keepFileInPlace } from './sqlite-file-guard.js';
import { isCorruption, openConnection, type SqliteConnection } from './sqlite-open.js';
import type { Statements } from './sqlite-statements.js';

/**
 * The SQLite store's one way to its file: changes in group commits, reads at once, and after each
 * commit a look at whether the file is still where a restart will look for it. Failures come out
 * as the port says: a damaged or replaced file as a lasting `StoreUnavailableError`, for good.
 */
export class SqliteWriter {
  private conn: SqliteConnection;
  private readonly queued: Array<{ change: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void }> = [];
  /** Set for good once the file is found damaged or replaced: every call fails with it. */
  private refusal: (StoreUnavailableError & { abandonsHandle?: boolean }) | undefined;
  /** A removed file whose write-back failed: tried again before the next change. */
  private repairPending = false;
  private closed = false;

  /** Throws `StoreCorruptError` when the file fails `PRAGMA quick_check`. */
  constructor(
    private readonly file: string,
    private readonly synchronous: 'normal' | 'full',
    private readonly logger: Logger | undefined,
  ) {
    this.conn = openConnection(file, synchronous);
  }

  get sql(): Statements {
    return this.conn.sql;
  }

  /** The connection open now, for the few statements built per call (filtered history pages). */
  get db(): SqliteConnection['db'] {
    return this.conn.db;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    // A handle whose file was replaced is left to the process's exit: closing it deletes the log at
    // the path, which may now belong to the file put there.
    if (this.conn.db.open && !this.refusal?.abandonsHandle) this.conn.db.close();
  }

  /** History reads run at once, outside the write order: they need no commit. */
  async read<T>(query: () => T): Promise<T> {
    if (this.refusal) throw this.refusal;
    try {
      return query();
    } catch (error) {
      throw this.translate(error);
    }
  }

  /**
   * Group commit. Every change waits for the end of the current turn of the event loop and is
   * committed with the others made in it, in order, each in a savepoint of its own (one that
   * fails is undone alone). A commit costs as much as the rest of a small change together, and
   * under load one turn holds several: ingest answers only once its notification is committed,
   * as before; it just shares the commit.
   */
  write<T>(change: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queued.push({ change, resolve: resolve as (value: unknown) => void, reject });
      if (this.queued.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.queued.splice(0);
    if (batch.length === 0) return;
    const rejectAll = (error: unknown): void => batch.forEach((item) => item.reject(error));
    if (this.closed) return rejectAll(new Error('the queue is closed'));
    if (this.refusal) return rejectAll(this.refusal);
    try {
      if (this.repairPending) this.keepFileInPlace();
    } catch (error) {
      return rejectAll(error);
    }
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      this.conn.transact(() => {
        for (const item of batch) {
          try {
            outcomes.push({ ok: true, value: this.conn.transact(item.change) });
          } catch (error) {
            // SQLite rolls the whole transaction back on some errors (a full disk); the changes after
            // it would then each commit alone, behind the back of the batch.
            if (!this.conn.db.inTransaction) throw error;
            outcomes.push({ ok: false, error });
          }
        }
      });
      // After the commit and before any answer: were these changes written where a restart looks?
      this.keepFileInPlace();
    } catch (error) {
      return rejectAll(this.translate(error));
    }
    batch.forEach((item, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(this.translate(outcome.error));
    });
  }

  /** A damaged file is refused from now on: no later write can be trusted to be read back. */
  private translate(error: unknown): unknown {
    if (!isCorruption(error)) return error;
    this.refusal ??= new StoreUnavailableError(
      `the queue database ${this.file} is damaged (${String((error as Error).message)}); stop alertpipe and move it aside, restore it, or recover it with sqlite3 ${this.file} .recover`,
      { lasting: true, cause: error },
    );
    return this.refusal;
  }

  private keepFileInPlace(): void {
    try {
      this.conn = keepFileInPlace(this.file, this.conn, this.synchronous, this.logger);
      this.repairPending = false;
    } catch (error) {
      if (error instanceof StoreUnavailableError && error.lasting) this.refusal = error;
      else this.repairPending = true;
      throw error;
    }
  }
}
