import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { EnrichedNotification, Notification } from '../../model/model.js';
import type { Logger } from '../../observability/logger.js';
import type { DeliveryStore, StoreLimits } from '../ports/delivery-store.js';
import type { HistoryPage, HistoryQuery } from '../ports/history.js';
import type { MessageRef } from '../ports/message-refs.js';
import type { RateLimit } from '../ports/rate-limits.js';
import type { ClaimedJob, HistoryEvent, JobUpdate, NewJob, NotificationRecord, Recovered, RetryResult } from '../ports/records.js';
import { RateLimiter } from '../rate-limiter.js';
import { SqliteDedup } from './sqlite-dedup.js';
import { SqliteHistory } from './sqlite-history.js';
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
 * (sqlite-history.ts), dedup keys (sqlite-dedup.ts) and message references (sqlite-message-refs.ts).
 */
export class SqliteStore implements DeliveryStore {
  readonly file: string;
  private readonly writer: SqliteWriter;
  private readonly queue: SqliteQueue;
  private readonly history: SqliteHistory;
  private readonly dedup: SqliteDedup;
  private readonly messageRefs: SqliteMessageRefs;
  private readonly limiter = new RateLimiter();

  /** Throws `StoreCorruptError` when the file fails `PRAGMA quick_check`. */
  constructor(options: SqliteStoreOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.file = path.join(options.dataDir, 'alertpipe.db');
    this.writer = new SqliteWriter(this.file, options.synchronous ?? 'normal', options.logger);
    this.queue = new SqliteQueue(this.writer, options);
    this.history = new SqliteHistory(this.writer);
    this.dedup = new SqliteDedup(this.writer);
    this.messageRefs = new SqliteMessageRefs(this.writer);
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

  probeWrite(): Promise<void> {
    return this.writer.write(() => {
      this.writer.sql.probe.run(Date.now());
    });
  }

  claimDedupKeys(notificationId: string, keys: readonly string[], now: number, windowMs: number): Promise<Set<string>> {
    return this.dedup.claimDedupKeys(notificationId, keys, now, windowMs);
  }

  // One process owns the queue: its buckets live in memory, and its own ingest wakes its dispatcher.
  async rateDelay(limit: RateLimit, alerts: number, now: number): Promise<number> {
    return this.limiter.delayFor(limit, now, alerts);
  }

  async holdDestination(key: string, ms: number, now: number): Promise<void> {
    this.limiter.hold(key, now + ms);
  }

  onWork(): void {
    this.queue.onWork();
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

  getMessageRef(id: string): Promise<MessageRef | undefined> {
    return this.messageRefs.getMessageRef(id);
  }

  putMessageRef(ref: MessageRef): Promise<void> {
    return this.messageRefs.putMessageRef(ref);
  }

  async close(): Promise<void> {
    await this.writer.close();
  }
}
