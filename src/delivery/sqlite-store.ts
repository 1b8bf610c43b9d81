import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database, { type Database as Db } from 'better-sqlite3';
import type { RateLimit } from '../actions/action.js';
import type { EnrichedNotification, Notification } from '../pipeline/model.js';
import {
  QueueFullError,
  type AttemptRecord,
  type ClaimedJob,
  type DeliveryStore,
  type Job,
  type JobState,
  type JobUpdate,
  type NewJob,
  type NotificationRecord,
  type NotificationState,
  type StoreHealth,
} from './delivery-store.js';
import { RateLimiter } from './rate-limiter.js';
import type { StoreLimits } from './memory-store.js';
import { decodeNotification, encodeNotification } from './notification-codec.js';
import { migrate } from './sqlite-schema.js';
import { prepareStatements, type Statements } from './sqlite-statements.js';

export interface SqliteStoreOptions extends StoreLimits {
  /** Directory of `alertpipe.db`; created when missing. */
  readonly dataDir: string;
  /**
   * `normal` (the default) survives the process being killed at any moment: a committed write is
   * in the write-ahead log. Only `full` also survives losing power, at the cost of an fsync per write.
   */
  readonly synchronous?: 'normal' | 'full';
}

interface JobRow {
  id: string;
  notification_id: string;
  action: string;
  fingerprints: string;
  state: JobState;
  created_at: number;
  next_attempt_at: number;
  attempts: string;
  result: string | null;
}

// Pruning after every finished notification (or dedup claim) would cost a DELETE each; every 100 is plenty.
const PRUNE_EVERY = 100;

/**
 * The durable queue (the default): one SQLite file in write-ahead-log mode. Every method runs
 * synchronously inside SQLite, so each is atomic with respect to the others without locks.
 */
export class SqliteStore implements DeliveryStore {
  private readonly limiter = new RateLimiter();
  private readonly db: Db;
  private readonly sql: Statements;
  private unfinished: number;
  private finishedSincePrune = 0;
  private readonly transact: (change: () => unknown) => unknown;
  private readonly queued: Array<{ change: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void }> = [];
  private dedupClaimsSincePrune = 0;

  constructor(private readonly options: SqliteStoreOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.db = new Database(path.join(options.dataDir, 'alertpipe.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
    this.sql = prepareStatements(this.db);
    // Made once (making one per change costs more than the change). Called at the top it is a
    // transaction; called inside one, a savepoint.
    this.transact = this.db.transaction((change: () => unknown) => change());
    this.unfinished = (this.sql.countUnfinished.get() as { n: number }).n;
  }

  async add(notification: Notification): Promise<void> {
    if (this.unfinished >= this.options.maxPending) throw new QueueFullError(this.options.maxPending, 5);
    // The slot is taken now, so that adds waiting for the same commit respect the bound together.
    this.unfinished++;
    try {
      await this.write(() => {
        this.sql.insertNotification.run(notification.id, notification.receivedAt.getTime());
        this.sql.insertBody.run(notification.id, notification.originalBody, encodeNotification(notification));
      });
    } catch (error) {
      this.unfinished--;
      throw error;
    }
  }

  claimNotifications(limit: number): Promise<Notification[]> {
    return this.write(() => {
      // The dispatcher asks after every event, mostly finding nothing; a read answers that
      // without writing anything.
      if (this.sql.anyQueued.get() === undefined) return [];
      const rows = this.sql.claimNotifications.all(limit) as { id: string; seq: number }[];
      return rows.sort((a, b) => a.seq - b.seq).map((row) => this.loadBody<Notification>(row.id));
    });
  }

  saveRouted(enriched: EnrichedNotification, jobs: readonly NewJob[]): Promise<void> {
    return this.write(() => {
      this.sql.markDelivering.run(enriched.id);
      this.sql.saveEnriched.run(encodeNotification(enriched), enriched.id);
      const now = Date.now();
      for (const job of jobs) {
        this.sql.insertJob.run(`${enriched.id}:${job.action}`, enriched.id, job.action, JSON.stringify(job.fingerprints), 'pending', now, now, '[]', null);
      }
      this.finishIfDone(enriched.id);
    });
  }

  recordBeforeAck(notificationId: string, job: NewJob, update: JobUpdate): Promise<void> {
    return this.write(() => {
      const state = update.state === 'succeeded' ? 'succeeded' : 'failed';
      const at = update.attempt.at;
      const result = update.result === undefined ? null : JSON.stringify(update.result);
      this.sql.insertJob.run(`${notificationId}:${job.action}`, notificationId, job.action, JSON.stringify(job.fingerprints), state, at, at, JSON.stringify([update.attempt]), result);
    });
  }

  claimDueJobs(now: number, limit: number): Promise<ClaimedJob[]> {
    return this.write(() => {
      if (this.sql.anyDue.get(now) === undefined) return [];
      const rows = this.sql.claimDueJobs.all(now, limit) as JobRow[];
      const notifications = new Map<string, EnrichedNotification>();
      return rows
        .sort((a, b) => a.next_attempt_at - b.next_attempt_at)
        .map((row) => {
          let notification = notifications.get(row.notification_id);
          if (notification === undefined) {
            notification = this.loadBody<EnrichedNotification>(row.notification_id);
            notifications.set(row.notification_id, notification);
          }
          return { job: toJob(row), notification };
        });
    });
  }

  // In the write order, so that it never answers from before a claim that is waiting to commit.
  nextDueAt(): Promise<number | undefined> {
    return this.write(() => (this.sql.nextDue.get() as { due: number | null }).due ?? undefined);
  }

  releaseJob(jobId: string, nextAttemptAt: number): Promise<void> {
    return this.write(() => {
      this.sql.releaseJob.run(nextAttemptAt, jobId);
    });
  }

  finishAttempt(jobId: string, update: JobUpdate): Promise<void> {
    return this.write(() => {
      const row = this.sql.jobNotification.get(jobId) as { notification_id: string } | undefined;
      if (row === undefined) return;
      const result = update.result === undefined ? null : JSON.stringify(update.result);
      this.sql.finishAttempt.run(update.state, update.nextAttemptAt ?? null, JSON.stringify(update.attempt), result, jobId);
      if (update.state !== 'pending') this.finishIfDone(row.notification_id);
    });
  }

  recover(): Promise<{ notifications: number; jobs: number }> {
    return this.write(() => ({
      notifications: this.sql.requeueNotifications.run().changes,
      jobs: this.sql.requeueJobs.run().changes,
    }));
  }

  claimDedupKeys(notificationId: string, keys: readonly string[], now: number, windowMs: number): Promise<Set<string>> {
    return this.write(() => {
      if (++this.dedupClaimsSincePrune >= PRUNE_EVERY) {
        this.dedupClaimsSincePrune = 0;
        this.sql.pruneDedup.run(now);
      }
      const duplicates = new Set<string>();
      for (const key of keys) {
        const held = this.sql.dedupGet.get(key) as { notification_id: string; expires_at: number } | undefined;
        if (held !== undefined && held.expires_at > now && held.notification_id !== notificationId) duplicates.add(key);
        else this.sql.dedupPut.run(key, notificationId, now + windowMs);
      }
      return duplicates;
    });
  }

  unfinishedCount(): number {
    return this.unfinished;
  }

  // One process owns the queue: its buckets live in memory, and its own ingest wakes its dispatcher.
  async rateDelay(limit: RateLimit, alerts: number, now: number): Promise<number> {
    return this.limiter.delayFor(limit, now, alerts);
  }

  async holdDestination(key: string, ms: number, now: number): Promise<void> {
    this.limiter.hold(key, now + ms);
  }

  health(): StoreHealth {
    return this.db.open ? { ok: true } : { ok: false, reason: 'the queue is closed' };
  }

  onWork(): void {}

  async listNotifications(limit: number): Promise<NotificationRecord[]> {
    const rows = this.sql.recentNotifications.all(limit) as NotificationRow[];
    return rows.map((row) => this.toRecord(row));
  }

  async getNotification(id: string): Promise<NotificationRecord | undefined> {
    const row = this.sql.oneNotification.get(id) as NotificationRow | undefined;
    return row === undefined ? undefined : this.toRecord(row);
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.flush();
    this.db.close();
  }

  /**
   * Group commit. Every change waits for the end of the current turn of the event loop and is
   * committed with the others made in it, in order, each in a savepoint of its own (one that
   * fails is undone alone). A commit costs as much as the rest of a small change together, and
   * under load one turn holds several: ingest answers only once its notification is committed,
   * as before; it just shares the commit.
   */
  private write<T>(change: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queued.push({ change, resolve: resolve as (value: unknown) => void, reject });
      if (this.queued.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.queued.splice(0);
    if (batch.length === 0) return;
    if (!this.db.open) {
      for (const item of batch) item.reject(new Error('the queue is closed'));
      return;
    }
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      this.transact(() => {
        for (const item of batch) {
          try {
            outcomes.push({ ok: true, value: this.transact(item.change) });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }

  private toRecord(row: NotificationRow): NotificationRecord {
    return {
      id: row.id,
      state: row.state,
      receivedAt: row.received_at,
      notification: decodeNotification(row.body, row.original),
      jobs: (this.sql.jobsOf.all(row.id) as JobRow[]).map(toJob),
    };
  }

  private loadBody<T extends Notification | EnrichedNotification>(id: string): T {
    const { body, original } = this.sql.notificationBody.get(id) as { body: string; original: string };
    return decodeNotification<T>(body, original);
  }

  /** A delivering notification whose jobs have all ended is done; its slot in the queue frees up. */
  private finishIfDone(id: string): void {
    if (this.sql.markDone.run(id, id).changes === 0) return;
    this.unfinished--;
    if (++this.finishedSincePrune >= PRUNE_EVERY) {
      this.finishedSincePrune = 0;
      this.sql.pruneHistory.run(this.options.historyLimit);
    }
  }
}

interface NotificationRow {
  id: string;
  state: NotificationState;
  received_at: number;
  body: string;
  original: string;
}

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    notificationId: row.notification_id,
    action: row.action,
    fingerprints: JSON.parse(row.fingerprints) as string[],
    state: row.state,
    createdAt: row.created_at,
    nextAttemptAt: row.next_attempt_at,
    attempts: JSON.parse(row.attempts) as AttemptRecord[],
    ...(row.result === null ? {} : { result: JSON.parse(row.result) as Record<string, unknown> }),
  };
}
