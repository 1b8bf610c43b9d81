import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../observability/logger.js';
import type { StoreLimits } from '../ports/delivery-store.js';
import { ComposedStore, inProcessRateLimits } from '../composed-store.js';
import { SqliteDedup } from './sqlite-dedup.js';
import { SqliteFirstPostClaims } from './sqlite-first-post-claims.js';
import { SqliteEscalationTimers } from './sqlite-escalation-timers.js';
import { SqliteHistory } from './sqlite-history.js';
import { SqliteIncidents } from './sqlite-incidents.js';
import { SqliteMessageRefs } from './sqlite-message-refs.js';
import { SqliteQueue } from './sqlite-queue.js';
import { SqliteWriter } from './sqlite-writer.js';

export interface SqliteStoreOptions extends StoreLimits {
  /** Directory of `alertpipe.db`; created when missing. */
  readonly dataDir: string;
  /**
   * `normal` (the default) survives the process being killed at any moment: a committed write is
   * in the write-ahead log. Only `full` also survives losing power, at the cost of an fsync per write.
   */
  readonly synchronous?: 'normal' | 'full';
  /** Told when the file was removed or replaced while open, and what was done about it. */
  readonly logger?: Logger;
}

/**
 * The durable queue (the default): one SQLite file in write-ahead-log mode. Every method runs
 * synchronously inside SQLite, so each is atomic with respect to the others without locks. The
 * ports are kept by parts that share the one writer: the queue (sqlite-queue.ts), the history
 * (sqlite-history.ts), dedup keys (sqlite-dedup.ts), message references (sqlite-message-refs.ts),
 * first-post claims (sqlite-first-post-claims.ts), and episodes (sqlite-incidents.ts) with their
 * escalation timers (sqlite-escalation-timers.ts).
 */
export class SqliteStore extends ComposedStore {
  readonly file: string;
  private readonly writer: SqliteWriter;

  /** Throws `StoreCorruptError` when the file fails `PRAGMA quick_check`. */
  constructor(options: SqliteStoreOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    const file = path.join(options.dataDir, 'alertpipe.db');
    const writer = new SqliteWriter(file, options.synchronous ?? 'normal', options.logger);
    const queue = new SqliteQueue(writer, options);
    super({
      queue,
      history: new SqliteHistory(writer),
      dedup: new SqliteDedup(writer),
      rateLimits: inProcessRateLimits(),
      messageRefs: new SqliteMessageRefs(writer),
      firstPostClaims: new SqliteFirstPostClaims(writer),
      incidents: new SqliteIncidents(writer),
      escalationTimers: new SqliteEscalationTimers(writer, queue),
    });
    this.file = file;
    this.writer = writer;
  }

  probeWrite(): Promise<void> {
    return this.writer.write(() => {
      this.writer.sql.probe.run(Date.now());
    });
  }

  async close(): Promise<void> {
    await this.writer.close();
  }
}
