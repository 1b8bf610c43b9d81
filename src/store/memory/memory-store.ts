import type { MessageRef } from '../ports/message-refs.js';
import type { RateLimit } from '../../store/ports/rate-limits.js';
import type { EnrichedNotification, Notification } from '../../model/model.js';
import type { DeliveryStore, StoreLimits } from '../ports/delivery-store.js';
import { QueueFullError } from '../ports/errors.js';
import type { HistoryPage, HistoryQuery } from '../ports/history.js';
import type {
  ClaimedJob,
  Job,
  JobUpdate,
  NewJob,
  HistoryEvent,
  NotificationRecord,
  NotificationState,
  Recovered,
  RetryResult,
} from '../ports/records.js';
import { RateLimiter } from '../rate-limiter.js';
import { isFiltered, recordMatches } from '../history-filter.js';

interface Entry {
  readonly position: number;
  state: NotificationState;
  notification: Notification | EnrichedNotification;
  jobIds: string[];
  events: HistoryEvent[];
}

// Groups whose message can still be edited; past it the oldest is forgotten (its group posts anew).
const MAX_MESSAGE_REFS = 10_000;

/**
 * The in-memory queue: fast and simple, and gone on restart. For tests and for users who accept
 * that (`delivery.queue: memory`).
 */
export class MemoryStore implements DeliveryStore {
  private readonly limiter = new RateLimiter();
  private readonly entries = new Map<string, Entry>();
  private readonly jobs = new Map<string, Job>();
  private readonly queued: string[] = [];
  private readonly finished: string[] = [];
  private readonly dedup = new Map<string, { owner: string; expires: number }>();
  private readonly messageRefs = new Map<string, MessageRef>();
  private unfinished = 0;
  private added = 0;

  constructor(private readonly limits: StoreLimits) {}

  async add(notification: Notification): Promise<void> {
    if (this.unfinished >= this.limits.maxPending) throw new QueueFullError(this.limits.maxPending, 5);
    this.entries.set(notification.id, { position: ++this.added, state: 'queued', notification, jobIds: [], events: [] });
    this.queued.push(notification.id);
    this.unfinished++;
  }

  async claimNotifications(limit: number): Promise<Notification[]> {
    const claimed: Notification[] = [];
    while (claimed.length < limit && this.queued.length > 0) {
      const entry = this.entries.get(this.queued.shift() as string);
      if (entry === undefined || entry.state !== 'queued') continue;
      entry.state = 'processing';
      claimed.push(entry.notification);
    }
    return claimed;
  }

  async saveRouted(enriched: EnrichedNotification, newJobs: readonly NewJob[], events: readonly HistoryEvent[] = []): Promise<void> {
    const entry = this.entries.get(enriched.id);
    if (entry === undefined) return;
    entry.notification = enriched;
    entry.events.push(...events);
    const now = Date.now();
    for (const job of newJobs) {
      const id = `${enriched.id}:${job.action}`;
      this.jobs.set(id, {
        id,
        notificationId: enriched.id,
        action: job.action,
        fingerprints: job.fingerprints,
        state: 'pending',
        createdAt: now,
        nextAttemptAt: now,
        attempts: [],
      });
      this.keepJob(entry, id);
    }
    entry.state = 'delivering';
    this.finishIfDone(enriched.id, entry);
  }

  async recordBeforeAck(notificationId: string, job: NewJob, update: JobUpdate): Promise<void> {
    const entry = this.entries.get(notificationId);
    if (entry === undefined) return;
    const id = `${notificationId}:${job.action}`;
    this.jobs.set(id, {
      id,
      notificationId,
      action: job.action,
      fingerprints: job.fingerprints,
      state: update.state === 'pending' ? 'failed' : update.state,
      createdAt: update.attempt.at,
      nextAttemptAt: update.attempt.at,
      attempts: [update.attempt],
      ...(update.result === undefined ? {} : { result: update.result }),
    });
    this.keepJob(entry, id);
  }

  async claimDueJobs(now: number, limit: number): Promise<ClaimedJob[]> {
    const claimed: ClaimedJob[] = [];
    for (const job of this.jobs.values()) {
      if (claimed.length >= limit) break;
      if (job.state !== 'pending' || job.nextAttemptAt > now) continue;
      const running: Job = { ...job, state: 'running' };
      this.jobs.set(job.id, running);
      const entry = this.entries.get(job.notificationId) as Entry;
      claimed.push({ job: running, notification: entry.notification as EnrichedNotification });
    }
    return claimed;
  }

  async nextDueAt(): Promise<number | undefined> {
    let earliest: number | undefined;
    for (const job of this.jobs.values()) {
      if (job.state === 'pending' && (earliest === undefined || job.nextAttemptAt < earliest)) earliest = job.nextAttemptAt;
    }
    return earliest;
  }

  async releaseJob(jobId: string, nextAttemptAt: number, event?: HistoryEvent): Promise<void> {
    const job = this.jobs.get(jobId);
    if (job?.state !== 'running') return;
    this.jobs.set(jobId, { ...job, state: 'pending', nextAttemptAt });
    if (event !== undefined) this.entries.get(job.notificationId)?.events.push(event);
  }

  async retryJob(jobId: string, now: number): Promise<RetryResult> {
    const job = this.jobs.get(jobId);
    const entry = job && this.entries.get(job.notificationId);
    if (job === undefined || entry === undefined) return { retried: false, reason: 'not found' };
    if (job.state !== 'dead' && job.state !== 'failed') return { retried: false, reason: 'not dead' };
    const pending: Job = { ...job, state: 'pending', nextAttemptAt: now };
    this.jobs.set(jobId, pending);
    entry.events.push({ at: now, kind: 'retried', action: job.action, fingerprints: job.fingerprints });
    if (entry.state === 'done') {
      entry.state = 'delivering';
      this.unfinished++;
      const index = this.finished.indexOf(job.notificationId);
      if (index >= 0) this.finished.splice(index, 1);
    }
    return { retried: true, job: pending };
  }

  async finishAttempt(jobId: string, update: JobUpdate): Promise<void> {
    const job = this.jobs.get(jobId);
    if (job === undefined) return;
    this.jobs.set(jobId, {
      ...job,
      state: update.state,
      nextAttemptAt: update.nextAttemptAt ?? job.nextAttemptAt,
      attempts: [...job.attempts, update.attempt],
      ...(update.result === undefined ? {} : { result: update.result }),
    });
    const entry = this.entries.get(job.notificationId);
    if (entry !== undefined) this.finishIfDone(job.notificationId, entry);
  }

  async recover(): Promise<Recovered> {
    return { notifications: 0, jobs: 0, deadLettered: [] }; // nothing survives a restart in memory
  }

  async oldestUnfinishedAt(): Promise<number | undefined> {
    // Map order is arrival order, and entries are deleted only once done.
    for (const entry of this.entries.values()) if (entry.state !== 'done') return entry.notification.receivedAt.getTime();
    return undefined;
  }

  async probeWrite(): Promise<void> {}

  async claimDedupKeys(notificationId: string, keys: readonly string[], now: number, windowMs: number): Promise<Set<string>> {
    if (this.dedup.size > 10 * this.limits.maxPending) {
      for (const [key, entry] of this.dedup) if (entry.expires <= now) this.dedup.delete(key);
    }
    const duplicates = new Set<string>();
    for (const key of keys) {
      const held = this.dedup.get(key);
      if (held !== undefined && held.expires > now && held.owner !== notificationId) duplicates.add(key);
      else this.dedup.set(key, { owner: notificationId, expires: now + windowMs });
    }
    return duplicates;
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

  onWork(): void {}

  async listNotifications(query: HistoryQuery): Promise<HistoryPage> {
    const before = query.before ?? Number.POSITIVE_INFINITY;
    const { filter } = query;
    // Memory holds at most the history limit, so a filter reads it all rather than by stretches.
    const older = [...this.entries.values()]
      .filter(
        (entry) =>
          entry.position < before &&
          (!isFiltered(filter) || recordMatches(this.record(entry.notification.id) as NotificationRecord, filter)),
      )
      .reverse();
    const records: NotificationRecord[] = [];
    let bytes = 0;
    for (const entry of older.slice(0, query.limit)) {
      // What the SQLite store would have read; memory holds it anyway, so the estimate may be rough.
      bytes += JSON.stringify(entry.notification).length;
      if (records.length > 0 && bytes > (query.maxBytes ?? Number.POSITIVE_INFINITY)) break;
      records.push(this.record(entry.notification.id) as NotificationRecord);
    }
    return { records, more: records.length < older.length };
  }

  async getNotification(id: string): Promise<NotificationRecord | undefined> {
    return this.record(id);
  }

  async recordEvent(notificationId: string, event: HistoryEvent): Promise<void> {
    this.entries.get(notificationId)?.events.push(event);
  }

  async getMessageRef(id: string): Promise<MessageRef | undefined> {
    return this.messageRefs.get(id);
  }

  async putMessageRef(ref: MessageRef): Promise<void> {
    // Re-inserted so that Map order is least recently written first, the one to forget first.
    this.messageRefs.delete(ref.id);
    this.messageRefs.set(ref.id, ref);
    for (const id of this.messageRefs.keys()) {
      if (this.messageRefs.size <= MAX_MESSAGE_REFS) break;
      this.messageRefs.delete(id);
    }
  }

  async close(): Promise<void> {}

  private record(id: string): NotificationRecord | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    return {
      id,
      position: entry.position,
      state: entry.state,
      receivedAt: entry.notification.receivedAt.getTime(),
      notification: entry.notification,
      jobs: entry.jobIds.map((jobId) => this.jobs.get(jobId) as Job),
      events: [...entry.events],
    };
  }

  // A repeat of an action's job replaces it, as a row with the same id does in SQL: listed once.
  private keepJob(entry: Entry, jobId: string): void {
    if (!entry.jobIds.includes(jobId)) entry.jobIds.push(jobId);
  }

  private finishIfDone(id: string, entry: Entry): void {
    if (entry.state !== 'delivering') return;
    const open = entry.jobIds.some((jobId) => {
      const state = this.jobs.get(jobId)?.state;
      return state === 'pending' || state === 'running';
    });
    if (open) return;
    entry.state = 'done';
    this.unfinished--;
    this.finished.push(id);
    while (this.finished.length > this.limits.historyLimit) {
      const evicted = this.finished.shift() as string;
      for (const jobId of this.entries.get(evicted)?.jobIds ?? []) this.jobs.delete(jobId);
      this.entries.delete(evicted);
    }
  }
}
