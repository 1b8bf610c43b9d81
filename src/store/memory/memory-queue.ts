import type { EnrichedNotification, Notification } from '../../model/model.js';
import type { StoreLimits } from '../ports/delivery-store.js';
import { QueueFullError } from '../ports/errors.js';
import type { QueueStore } from '../ports/queue.js';
import type {
  AttemptOutcome,
  ClaimedJob,
  HistoryEvent,
  Job,
  JobUpdate,
  NewJob,
  Recovered,
  RetryResult,
  RoutedPlan,
} from '../ports/records.js';
import type { Entry, MemoryTables } from './memory-tables.js';

/**
 * The memory store's queue: notifications from accepted to done, and their jobs, in the tables
 * it shares with the history. Once done, a notification stays for the history until
 * `historyLimit` newer ones have finished.
 */
export class MemoryQueue implements QueueStore {
  private readonly queued: string[] = [];
  private readonly finished: string[] = [];
  private unfinished = 0;
  private added = 0;

  constructor(
    private readonly tables: MemoryTables,
    private readonly limits: StoreLimits,
  ) {}

  async add(notification: Notification): Promise<void> {
    if (this.unfinished >= this.limits.maxPending) throw new QueueFullError(this.limits.maxPending, 5);
    this.tables.entries.set(notification.id, { position: ++this.added, state: 'queued', notification, jobIds: [], events: [] });
    this.queued.push(notification.id);
    this.unfinished++;
  }

  async claimNotifications(limit: number): Promise<Notification[]> {
    const claimed: Notification[] = [];
    while (claimed.length < limit && this.queued.length > 0) {
      const entry = this.tables.entries.get(this.queued.shift() as string);
      if (entry === undefined || entry.state !== 'queued') continue;
      entry.state = 'processing';
      claimed.push(entry.notification);
    }
    return claimed;
  }

  async saveRouted(enriched: EnrichedNotification, jobs: readonly NewJob[], events: readonly HistoryEvent[] = []): Promise<void> {
    this.saveOne({ enriched, jobs, events });
  }

  async saveRoutedBatch(plans: readonly RoutedPlan[]): Promise<void> {
    for (const plan of plans) this.saveOne(plan);
  }

  private saveOne({ enriched, jobs: newJobs, events = [] }: RoutedPlan): void {
    const entry = this.tables.entries.get(enriched.id);
    if (entry === undefined) return;
    entry.notification = enriched;
    entry.events.push(...events);
    const now = Date.now();
    for (const job of newJobs) {
      const id = `${enriched.id}:${job.action}`;
      this.tables.jobs.set(id, {
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
    const entry = this.tables.entries.get(notificationId);
    if (entry === undefined) return;
    const id = `${notificationId}:${job.action}`;
    this.tables.jobs.set(id, {
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
    for (const job of this.tables.jobs.values()) {
      if (claimed.length >= limit) break;
      if (job.state !== 'pending' || job.nextAttemptAt > now) continue;
      const running: Job = { ...job, state: 'running' };
      this.tables.jobs.set(job.id, running);
      const entry = this.tables.entries.get(job.notificationId) as Entry;
      claimed.push({ job: running, notification: entry.notification as EnrichedNotification });
    }
    return claimed;
  }

  async nextDueAt(): Promise<number | undefined> {
    let earliest: number | undefined;
    for (const job of this.tables.jobs.values()) {
      if (job.state === 'pending' && (earliest === undefined || job.nextAttemptAt < earliest)) earliest = job.nextAttemptAt;
    }
    return earliest;
  }

  async releaseJob(jobId: string, nextAttemptAt: number, event?: HistoryEvent): Promise<void> {
    const job = this.tables.jobs.get(jobId);
    if (job?.state !== 'running') return;
    this.tables.jobs.set(jobId, { ...job, state: 'pending', nextAttemptAt });
    if (event !== undefined) this.tables.entries.get(job.notificationId)?.events.push(event);
  }

  async retryJob(jobId: string, now: number): Promise<RetryResult> {
    const job = this.tables.jobs.get(jobId);
    const entry = job && this.tables.entries.get(job.notificationId);
    if (job === undefined || entry === undefined) return { retried: false, reason: 'not found' };
    if (job.state !== 'dead' && job.state !== 'failed') return { retried: false, reason: 'not dead' };
    const pending: Job = { ...job, state: 'pending', nextAttemptAt: now };
    this.tables.jobs.set(jobId, pending);
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
    this.finishOne({ jobId, update });
  }

  async finishAttemptBatch(outcomes: readonly AttemptOutcome[]): Promise<void> {
    for (const outcome of outcomes) this.finishOne(outcome);
  }

  private finishOne({ jobId, update }: AttemptOutcome): void {
    const job = this.tables.jobs.get(jobId);
    if (job === undefined) return;
    this.tables.jobs.set(jobId, {
      ...job,
      state: update.state,
      nextAttemptAt: update.nextAttemptAt ?? job.nextAttemptAt,
      attempts: [...job.attempts, update.attempt],
      ...(update.result === undefined ? {} : { result: update.result }),
    });
    const entry = this.tables.entries.get(job.notificationId);
    if (entry !== undefined) this.finishIfDone(job.notificationId, entry);
  }

  async recover(): Promise<Recovered> {
    return { notifications: 0, jobs: 0, deadLettered: [] }; // nothing survives a restart in memory
  }

  async oldestUnfinishedAt(): Promise<number | undefined> {
    // Map order is arrival order, and entries are deleted only once done.
    for (const entry of this.tables.entries.values()) if (entry.state !== 'done') return entry.notification.receivedAt.getTime();
    return undefined;
  }

  unfinishedCount(): number {
    return this.unfinished;
  }

  // Nothing to hear of: one process owns the queue, and its own ingest wakes its dispatcher.
  onWork(): void {}

  // A repeat of an action's job replaces it, as a row with the same id does in SQL: listed once.
  private keepJob(entry: Entry, jobId: string): void {
    if (!entry.jobIds.includes(jobId)) entry.jobIds.push(jobId);
  }

  private finishIfDone(id: string, entry: Entry): void {
    if (entry.state !== 'delivering') return;
    const open = entry.jobIds.some((jobId) => {
      const state = this.tables.jobs.get(jobId)?.state;
      return state === 'pending' || state === 'running';
    });
    if (open) return;
    entry.state = 'done';
    this.unfinished--;
    this.finished.push(id);
    while (this.finished.length > this.limits.historyLimit) {
      const evicted = this.finished.shift() as string;
      for (const jobId of this.tables.entries.get(evicted)?.jobIds ?? []) this.tables.jobs.delete(jobId);
      this.tables.entries.delete(evicted);
    }
  }
}
