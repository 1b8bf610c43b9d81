import type { EnrichedNotification, Notification } from '../../model/model.js';
import type { DeliveryStore, StoreLimits } from '../ports/delivery-store.js';
import type { HistoryPage, HistoryQuery } from '../ports/history.js';
import type { MessageRef } from '../ports/message-refs.js';
import type { RateLimit } from '../ports/rate-limits.js';
import type { ClaimedJob, HistoryEvent, JobUpdate, NewJob, NotificationRecord, Recovered, RetryResult } from '../ports/records.js';
import { RateLimiter } from '../rate-limiter.js';
import { MemoryDedup } from './memory-dedup.js';
import { MemoryHistory } from './memory-history.js';
import { MemoryMessageRefs } from './memory-message-refs.js';
import { MemoryQueue } from './memory-queue.js';
import type { MemoryTables } from './memory-tables.js';

/**
 * The in-memory queue: fast and simple, and gone on restart. For tests and for users who accept
 * that (`delivery.queue: memory`). The ports are kept by parts: the queue (memory-queue.ts) and
 * the history (memory-history.ts) over the tables they share (memory-tables.ts), dedup keys
 * (memory-dedup.ts) and message references (memory-message-refs.ts).
 */
export class MemoryStore implements DeliveryStore {
  private readonly queue: MemoryQueue;
  private readonly history: MemoryHistory;
  private readonly dedup: MemoryDedup;
  private readonly messageRefs = new MemoryMessageRefs();
  private readonly limiter = new RateLimiter();

  constructor(limits: StoreLimits) {
    const tables: MemoryTables = { entries: new Map(), jobs: new Map() };
    this.queue = new MemoryQueue(tables, limits);
    this.history = new MemoryHistory(tables);
    this.dedup = new MemoryDedup(limits);
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

  async probeWrite(): Promise<void> {}

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

  async close(): Promise<void> {}
}
