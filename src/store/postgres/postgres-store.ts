import { randomBytes } from 'node:crypto';
import { ComposedStore } from '../composed-store.js';
import { PostgresConnection, type PostgresConnectionOptions } from './postgres-connection.js';
import { PostgresDedup } from './postgres-dedup.js';
import { PostgresFirstPostClaims } from './postgres-first-post-claims.js';
import { PostgresEscalationTimers } from './postgres-escalation-timers.js';
import { PostgresHistory } from './postgres-history.js';
import { PostgresIncidents } from './postgres-incidents.js';
import { PostgresMessageRefs } from './postgres-message-refs.js';
import { PostgresQueue, type PostgresQueueOptions } from './postgres-queue.js';
import { holdDestination, takeTokens } from './postgres-rate-limits.js';
import { SQL } from './postgres-statements.js';

export interface PostgresStoreOptions extends PostgresQueueOptions, PostgresConnectionOptions {
  /** How often the unfinished count is refreshed, which also checks the connection (default 1 s). */
  readonly refreshMs?: number;
}

/**
 * The queue shared by several replicas. Claims take rows with `FOR UPDATE SKIP LOCKED` and hold
 * them under a lease the claiming replica renews while it lives; work whose lease ran out (its
 * replica was killed or cut off) is claimed again by any replica. Dedup keys, rate limits and the
 * history are rows every replica reads; a replica that queues work wakes the others with NOTIFY.
 * The ports are kept by parts that share the one connection: the queue (postgres-queue.ts), the
 * history (postgres-history.ts), dedup keys (postgres-dedup.ts), rate limits
 * (postgres-rate-limits.ts), message references (postgres-message-refs.ts), first-post claims
 * (postgres-first-post-claims.ts), and episodes (postgres-incidents.ts) with their escalation
 * timers (postgres-escalation-timers.ts).
 */
export class PostgresStore extends ComposedStore {
  private readonly db: PostgresConnection;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly started: Promise<void>;

  constructor(options: PostgresStoreOptions) {
    const db = new PostgresConnection(options);
    const queue = new PostgresQueue(db, options);
    super({
      queue,
      history: new PostgresHistory(db),
      dedup: new PostgresDedup(db),
      // `now` is each replica's own clock; the shared buckets run on the database's.
      rateLimits: {
        rateDelay: (limit, alerts) => takeTokens(db, limit, alerts),
        holdDestination: (key, ms) => holdDestination(db, key, ms),
      },
      messageRefs: new PostgresMessageRefs(db),
      firstPostClaims: new PostgresFirstPostClaims(db),
      incidents: new PostgresIncidents(db),
      escalationTimers: new PostgresEscalationTimers(db),
    });
    this.db = db;
    const every = (ms: number, task: () => Promise<void>): void => {
      const timer = setInterval(() => void task().catch(() => undefined), ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(options.refreshMs ?? 1_000, () => queue.refresh());
    every(Math.max(100, Math.floor(options.leaseMs / 3)), () => queue.renewLeases());
    every(10_000, () => queue.sweep());
    this.started = this.db.ready.then(() => queue.refresh());
    this.started.catch(() => undefined);
  }

  /** Resolves once the server was reached and the schema is current (tests; the service does not wait). */
  ready(): Promise<void> {
    return this.started;
  }

  async probeWrite(): Promise<void> {
    this.db.requireReady();
    await this.db.query(SQL.probe, [Date.now(), randomBytes(32 * 1024).toString('hex')]);
  }

  watchFailures(report: (error: Error | undefined) => void): void {
    this.db.onFailure(report);
  }

  async close(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await this.db.close();
  }
}
