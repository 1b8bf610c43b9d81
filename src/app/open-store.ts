import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { DeliveryStore } from '../store/ports/delivery-store.js';
import { MemoryStore } from '../store/memory/memory-store.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { ThreadedSqliteStore } from '../store/sqlite/threaded-sqlite-store.js';

/**
 * The store `delivery.queue` names (SQLite's on a thread of its own with `delivery.sqlite_thread`). PostgreSQL's opens at once and connects in the background;
 * `onDeadLettered` hears of the jobs it dead-letters as it takes over a dead replica's work.
 */
export async function openStore(
  config: Config,
  baseDir: string,
  logger: Logger,
  onDeadLettered?: (actions: readonly string[]) => void,
): Promise<DeliveryStore> {
  const { delivery } = config;
  const limits = { maxPending: delivery.max_pending, historyLimit: delivery.history_limit };
  if (delivery.queue === 'memory') return new MemoryStore(limits);
  if (delivery.queue === 'postgres' && delivery.postgres?.url !== undefined) {
    const { url, tls, pool_size, lease } = delivery.postgres;
    const ssl = tls === undefined ? undefined : tlsOptions(tls, baseDir);
    return new PostgresStore({
      ...limits,
      url,
      poolSize: pool_size,
      leaseMs: lease,
      logger,
      ...(ssl ? { ssl } : {}),
      ...(onDeadLettered ? { onDeadLettered } : {}),
    });
  }
  const sqlite = { ...limits, dataDir: path.resolve(baseDir, delivery.data_dir), synchronous: delivery.sqlite_sync, logger };
  return delivery.sqlite_thread ? ThreadedSqliteStore.open(sqlite) : new SqliteStore(sqlite);
}

type PostgresTls = NonNullable<NonNullable<Config['delivery']['postgres']>['tls']>;

function tlsOptions(tls: PostgresTls, baseDir: string): ConnectionOptions {
  const read = (file: string | undefined) => (file === undefined ? undefined : readFileSync(path.resolve(baseDir, file)));
  const ca = read(tls.ca_file);
  const cert = read(tls.cert_file);
  const key = read(tls.key_file);
  return { rejectUnauthorized: !tls.insecure_skip_verify, ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}
