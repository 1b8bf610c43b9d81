import { randomBytes } from 'node:crypto';
import type { EnrichedNotification, Notification } from '../../model/model.js';
import type { DeliveryStore } from '../ports/delivery-store.js';
import type { HistoryPage, HistoryQuery } from '../ports/history.js';
import type { MessageRef } from '../ports/message-refs.js';
import type { RateLimit } from '../ports/rate-limits.js';
import type { ClaimedJob, HistoryEvent, JobUpdate, NewJob, NotificationRecord, Recovered, RetryResult } from '../ports/records.js';
import { PostgresConnection, type PostgresConnectionOptions } from './postgres-connection.js';
import { PostgresDedup } from './postgres-dedup.js';
import { PostgresHistory } from './postgres-history.js';
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
 * (postgres-rate-limits.ts) and message references (postgres-message-refs.ts).
 */
export class PostgresStore implements DeliveryStore {
  private readonly db: PostgresConnection;
  private readonly queue: PostgresQueue;
  private readonly history: PostgresHistory;
  private readonly dedup: PostgresDedup;
  private readonly messageRefs: PostgresMessageRefs;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly started: Promise<void>;

  constructor(options: PostgresStoreOptions) {
    this.db = new PostgresConnection(options);
    this.queue = new PostgresQueue(this.db, options);
    this.history = new PostgresHistory(this.db);
    this.dedup = new PostgresDedup(this.db);
    this.messageRefs = new PostgresMessageRefs(this.db);
    const every = (ms: number, task: () => Promise<void>): void => {
      const timer = setInterval(() => void task().catch(() => undefined), ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(options.refreshMs ?? 1_000, () => this.queue.refresh());
    every(Math.max(100, Math.floor(options.leaseMs / 3)), () => this.queue.renewLeases());
    every(10_000, () => this.queue.sweep());
    this.started = this.db.ready.then(() => this.queue.refresh());
    this.started.catch(() => undefined);
  }

  /** Resolves once the server was reached and the schema is current (tests; the service does not wait). */
  ready(): Promise<void> {
    return this.started;
  }

  add(notification: Notification): Promise<void> {
    return this.queue.add(notification);
  }

  claimNotifications(limit: number): Promise<Notification[]> {
    return this.queue.claimNotifications(limit);
  }

  saveRouted(enriched: EnrichedNotification, jobs: readonly NewJob[], events?: readonly HistoryEvent[]): Promise<void> {
    return this.queue.saveRouted(enriched, jobs, events);
  }

  recordBeforeAck(notificationId: string, job: NewJob, update: JobUpdate): Promise<void> {
    return this.queue.recordBeforeAck(notificationId, job, update);
  }

  claimDueJobs(now: number, limit: number): Promise<ClaimedJob[]> {
    return this.queue.claimDueJobs(now, limit);
  }

  nextDueAt(): Promise<number | undefined> {
    return this.queue.nextDueAt();
  }

  releaseJob(jobId: string, nextAttemptAt: number, event?: HistoryEvent): Promise<void> {
    return this.queue.releaseJob(jobId, nextAttemptAt, event);
  }

  retryJob(jobId: string, now: number): Promise<RetryResult> {
    return this.queue.retryJob(jobId, now);
  }

  finishAttempt(jobId: string, update: JobUpdate): Promise<void> {
    return this.queue.finishAttempt(jobId, update);
  }

  recover(): Promise<Recovered> {
    return this.queue.recover();
  }

  oldestUnfinishedAt(): Promise<number | undefined> {
    return this.queue.oldestUnfinishedAt();
  }

  unfinishedCount(): number {
    return this.queue.unfinishedCount();
  }

  onWork(listener: () => void): void {
    this.queue.onWork(listener);
  }

  getMessageRef(id: string): Promise<MessageRef | undefined> {
    return this.messageRefs.getMessageRef(id);
  }

  putMessageRef(ref: MessageRef): Promise<void> {
    return this.messageRefs.putMessageRef(ref);
  }

  async probeWrite(): Promise<void> {
    this.db.requireReady();
    await this.db.query(SQL.probe, [Date.now(), randomBytes(32 * 1024).toString('hex')]);
  }

  claimDedupKeys(notificationId: string, keys: readonly string[], now: number, windowMs: number): Promise<Set<string>> {
    return this.dedup.claimDedupKeys(notificationId, keys, now, windowMs);
  }

  // `now` is each replica's own clock; the shared buckets run on the database's.
  rateDelay(limit: RateLimit, alerts: number, _now: number): Promise<number> {
    return takeTokens(this.db, limit, alerts);
  }

  holdDestination(key: string, ms: number, _now: number): Promise<void> {
    return holdDestination(this.db, key, ms);
  }

  watchFailures(report: (error: Error | undefined) => void): void {
    this.db.onFailure(report);
  }

  listNotifications(query: HistoryQuery): Promise<HistoryPage> {
    return this.history.listNotifications(query);
  }

  getNotification(id: string): Promise<NotificationRecord | undefined> {
    return this.history.getNotification(id);
  }

  recordEvent(notificationId: string, event: HistoryEvent): Promise<void> {
    return this.history.recordEvent(notificationId, event);
  }

  async close(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await this.db.close();
  }
}
