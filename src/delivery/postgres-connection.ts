import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import type { Logger } from '../observability/logger.js';
import type { StoreHealth } from './delivery-store.js';
import { migratePostgres } from './postgres-schema.js';

export interface PostgresConnectionOptions {
  /** `postgres://…`; its password never reaches a log line (the formatter masks URL passwords). */
  readonly url: string;
  readonly ssl?: ConnectionOptions;
  readonly poolSize: number;
  readonly logger: Logger;
}

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 10_000;
// bigint columns hold epoch milliseconds, well inside a double; pg would return them as strings.
const INT8_OID = 20;
const types = { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser };
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH', '57P01', '57P02', '57P03']);

/** The server is gone, restarting or unreachable, as opposed to a statement it refused. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return true;
  const message = error instanceof Error ? error.message : String(error);
  return /Connection terminated|connection error|timeout exceeded when trying to connect|Query read timeout|not queryable/i.test(message);
}

/**
 * What records work already done (an attempt's outcome, a plan) is retried through a short outage
 * rather than dropped: otherwise the work would run again once its lease expired. Past the lease
 * (`withinMs`) that is bound to happen anyway, so retrying longer would gain nothing. `settled`
 * runs either way: the claim is no longer its replica's to renew.
 */
export async function retryThroughOutage<T>(write: () => Promise<T>, withinMs: number, settled: () => void = () => undefined): Promise<T> {
  const deadline = Date.now() + withinMs;
  try {
    for (let delay = 200; ; delay = Math.min(delay * 2, 2_000)) {
      try {
        return await write();
      } catch (error) {
        if (!isConnectionError(error) || Date.now() + delay > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  } finally {
    settled();
  }
}

/**
 * The pool of one replica, its start-up and its health. Starting does not wait for the server:
 * the pool retries with backoff until it can migrate the schema, saying so in the log and in
 * `health()` (so `/readyz` fails with the reason), and the process never crash-loops over an
 * unreachable database. Afterwards a lost connection is replaced by the pool on next use.
 */
export class PostgresConnection {
  readonly pool: pg.Pool;
  private readonly config: pg.PoolConfig;
  private readonly stopping = new AbortController();
  private state: StoreHealth = { ok: false, reason: 'connecting to PostgreSQL' };
  private migrated = false;
  readonly ready: Promise<void>;

  constructor(private readonly options: PostgresConnectionOptions) {
    this.config = {
      connectionString: options.url,
      ...(options.ssl ? { ssl: options.ssl } : {}),
      max: options.poolSize,
      connectionTimeoutMillis: 5_000,
      // A server that stops answering (a network cut) must not hold ingest or delivery forever.
      query_timeout: 15_000,
      application_name: 'alertpipe',
      types,
    };
    this.pool = new pg.Pool(this.config);
    // An idle connection the server closed (a restart) is reported here; without a listener it would end the process.
    this.pool.on('error', (error) => {
      this.markDown(error);
      options.logger.warn('PostgreSQL closed a connection; the pool opens another when needed', { error: error.message });
    });
    this.ready = this.connectUntilMigrated();
    // Nobody may await `ready` (a store closed before the server came up); its end is logged already.
    this.ready.catch(() => undefined);
  }

  isReady(): boolean {
    return this.migrated;
  }

  health(): StoreHealth {
    return this.state;
  }

  markDown(error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.state = { ok: false, reason: `PostgreSQL unavailable: ${reason}` };
  }

  markUp(): void {
    if (this.migrated) this.state = { ok: true };
  }

  async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    try {
      const result = await this.pool.query<R>(text, values);
      return result.rows;
    } catch (error) {
      if (isConnectionError(error)) this.markDown(error);
      throw error;
    }
  }

  /**
   * A client that LISTENs on `channel` for as long as the store is open, reconnecting with
   * backoff when the server goes away. `onMessage` also runs after each reconnection: whatever
   * was notified while the client was away would otherwise wait for the next poll.
   */
  listen(channel: string, onMessage: (payload: string | undefined) => void): void {
    void this.keepListening(channel, onMessage);
  }

  async close(): Promise<void> {
    this.stopping.abort();
    await this.pool.end().catch(() => undefined);
  }

  private async connectUntilMigrated(): Promise<void> {
    const { logger } = this.options;
    for (let attempt = 1, delay = RETRY_MIN_MS; !this.stopping.signal.aborted; attempt++, delay = Math.min(delay * 2, RETRY_MAX_MS)) {
      try {
        const client = await this.pool.connect();
        try {
          const { from, to } = await migratePostgres(client);
          this.migrated = true;
          this.state = { ok: true };
          logger.info('PostgreSQL queue ready', { schema: to, ...(from === to ? {} : { migratedFrom: from }) });
          return;
        } finally {
          client.release();
        }
      } catch (error) {
        this.markDown(error);
        if (this.stopping.signal.aborted) return;
        logger.warn('PostgreSQL not reachable; ingest answers 503 until it is', { attempt, retryInMs: delay, error: String(error) });
        await sleep(delay, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      }
    }
  }

  private async keepListening(channel: string, onMessage: (payload: string | undefined) => void): Promise<void> {
    for (let delay = RETRY_MIN_MS; !this.stopping.signal.aborted; delay = Math.min(delay * 2, RETRY_MAX_MS)) {
      const client = new pg.Client(this.config);
      const lost = new Promise<void>((resolve) => {
        client.on('error', () => resolve());
        client.on('end', () => resolve());
      });
      const stop = (): void => void client.end().catch(() => undefined);
      this.stopping.signal.addEventListener('abort', stop, { once: true });
      try {
        await client.connect();
        client.on('notification', (message) => onMessage(message.payload));
        await client.query(`LISTEN ${channel}`);
        delay = RETRY_MIN_MS / 2;
        onMessage(undefined);
        await lost;
      } catch {
        // unreachable: the health check and the pool's own errors say so; try again after the delay
      } finally {
        this.stopping.signal.removeEventListener('abort', stop);
        stop();
      }
      await sleep(delay, undefined, { signal: this.stopping.signal }).catch(() => undefined);
    }
  }
}
