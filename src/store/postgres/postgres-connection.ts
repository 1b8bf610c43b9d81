import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import type { Logger } from '../../observability/logger.js';
import { StoreUnavailableError } from '../ports/errors.js';
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
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};
/**
 * The pool of one replica and its start-up. Starting does not wait for the server: the pool
 * retries with backoff until it can migrate the schema, saying so in the log and to the failure
 * listener (the guarded store, so `/readyz` fails with the reason), and the process never
 * crash-loops over an unreachable database. Afterwards a lost connection is replaced by the pool
 * on next use; one lost while idle is reported the same way.
 */
export class PostgresConnection {
  readonly pool: pg.Pool;
  private readonly config: pg.PoolConfig;
  private readonly stopping = new AbortController();
  private migrated = false;
  /** The last failure met outside a call, until the schema is current: what `add` answers meanwhile. */
  private failure: Error = new Error('connecting to PostgreSQL');
  private readonly failureListeners: Array<(error: Error | undefined) => void> = [];
  private down = true;
  /** When a statement or a background check last failed (0: never since start). */
  private troubleAt = 0;
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
      this.failed(error);
      options.logger.warn('PostgreSQL closed a connection; the pool opens another when needed', { error: error.message });
    });
    this.ready = this.connectUntilMigrated();
    // Nobody may await `ready` (a store closed before the server came up); its end is logged already.
    this.ready.catch(() => undefined);
  }

  isReady(): boolean {
    return this.migrated;
  }

  /** Why the store cannot be used yet (before the schema is current). */
  notReadyReason(): string {
    return this.failure.message;
  }

  /** Until the schema is current nothing can be kept: the reason goes to the sender (503). */
  requireReady(): void {
    if (!this.isReady()) throw new StoreUnavailableError(this.notReadyReason());
  }

  /**
   * `listener` hears of every failure met outside a call, and at once of the one that holds now;
   * `undefined` when a background check works again after one.
   */
  onFailure(listener: (error: Error | undefined) => void): void {
    this.failureListeners.push(listener);
    if (!this.migrated) listener(this.failure);
  }

  /** Whether a statement or a background check failed within the last `ms`. */
  troubleWithin(ms: number): boolean {
    return Date.now() - this.troubleAt < ms;
  }

  /** A failure met outside any call (a background check, an idle connection, the start-up). */
  failed(error: unknown): void {
    this.troubleAt = Date.now();
    const cause = error instanceof Error ? error.message : String(error);
    this.failure = new Error(`PostgreSQL unavailable: ${cause}`, { cause: error });
    this.down = true;
    for (const listener of this.failureListeners) listener(this.failure);
  }

  /** A background check worked: after a failure, listeners hear it once. */
  worked(): void {
    if (!this.down) return;
    this.down = false;
    for (const listener of this.failureListeners) listener(undefined);
  }

  /** The rows of one statement. A failure says it came from PostgreSQL: the guard's reason reaches `/readyz`. */
  async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    try {
      return (await this.pool.query<R>(text, values)).rows;
    } catch (error) {
      this.troubleAt = Date.now();
      const code = (error as { code?: unknown } | null)?.code;
      throw Object.assign(
        new Error(`PostgreSQL: ${error instanceof Error ? error.message : String(error)}`, { cause: error }),
        code === undefined ? {} : { code },
      );
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
          logger.info('PostgreSQL queue ready', { schema: to, ...(from === to ? {} : { migratedFrom: from }) });
          return;
        } finally {
          client.release();
        }
      } catch (error) {
        if (this.stopping.signal.aborted) return;
        this.failed(error);
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
