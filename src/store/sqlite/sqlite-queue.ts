import type { EnrichedNotification, Notification } from '../../model/model.js';
import type { StoreLimits } from '../ports/delivery-store.js';
import { QueueFullError } from '../ports/errors.js';
import type { QueueStore } from '../ports/queue.js';
import {
  interruptedTooOften,
  MAX_JOB_INTERRUPTIONS,
  type AttemptOutcome,
  type AttemptRecord,
  type ClaimedJob,
  type HistoryEvent,
  type JobState,
  type JobUpdate,
  type NewJob,
  type Recovered,
  type RetryResult,
  type RoutedPlan,
} from '../ports/records.js';
import { decodeEnriched, decodeNotification, encodeEnriched, encodeNotification } from '../notification-codec.js';
import { PruneSchedule } from '../prune-schedule.js';
import { toJob, type JobRow } from './sqlite-rows.js';
import type { Statements } from './sqlite-statements.js';
import type { SqliteWriter } from './sqlite-writer.js';

/** A job as first written: created and due at `at`, with the attempts (and result) it already has. */
interface InsertedJob {
  readonly state: JobState;
  readonly at: number;
  readonly attempts: readonly AttemptRecord[];
  readonly result?: Readonly<Record<string, unknown>>;
}

/**
 * The SQLite store's queue: notifications from accepted to done, and their jobs. One process owns
 * the file, so the count of unfinished notifications is kept here, read once at open.
 */
export class SqliteQueue implements QueueStore {
  private unfinished: number;
  private readonly pruning = new PruneSchedule();

  constructor(
    private readonly writer: SqliteWriter,
    private readonly limits: StoreLimits,
  ) {
    this.unfinished = (this.sql.countUnfinished.get() as { n: number }).n;
  }

  /** The statements of the connection open now (a write-back reopens it). */
  private get sql(): Statements {
    return this.writer.sql;
  }

  async add(notification: Notification): Promise<void> {
    if (this.unfinished >= this.limits.maxPending) throw new QueueFullError(this.limits.maxPending, 5);
    // The slot is taken now, so that adds waiting for the same commit respect the bound together.
    this.unfinished++;
    try {
      await this.writer.write(() => {
        this.sql.insertNotification.run(notification.id, notification.receivedAt.getTime());
        this.sql.insertBody.run(notification.id, notification.originalBody, encodeNotification(notification));
      });
    } catch (error) {
      this.unfinished--;
      throw error;
    }
  }

  /** A notification queued by another part in its own transaction (an escalation step) takes its slot. */
  countQueued(): void {
    this.unfinished++;
  }

  claimNotifications(limit: number): Promise<Notification[]> {
    return this.writer.write(() => {
      // The dispatcher asks after every event, mostly finding nothing; a read answers that
      // without writing anything.
      if (this.sql.anyQueued.get() === undefined) return [];
      const rows = this.sql.claimNotifications.all(limit) as { id: string; seq: number }[];
      return rows.sort((a, b) => a.seq - b.seq).map((row) => this.loadBody(row.id));
    });
  }

  saveRouted(enriched: EnrichedNotification, jobs: readonly NewJob[], events: readonly HistoryEvent[] = []): Promise<void> {
    return this.writer.write(() => this.saveOne({ enriched, jobs, events }));
  }

  /** The plans one after the other, in one transaction. */
  saveRoutedBatch(plans: readonly RoutedPlan[]): Promise<void> {
    return this.writer.write(() => {
      for (const plan of plans) this.saveOne(plan);
    });
  }

  private saveOne({ enriched, jobs, events = [] }: RoutedPlan): void {
    this.sql.markDelivering.run(enriched.id);
    for (const event of events) this.insertEvent(enriched.id, event);
    const body = encodeEnriched(enriched);
    if (body !== undefined) this.sql.saveEnriched.run(body, enriched.id);
    const now = Date.now();
    for (const job of jobs) this.insertJob(enriched.id, job, { state: 'pending', at: now, attempts: [] });
    this.finishIfDone(enriched.id);
  }

  recordBeforeAck(notificationId: string, job: NewJob, update: JobUpdate): Promise<void> {
    return this.writer.write(() => {
      const state = update.state === 'succeeded' ? 'succeeded' : 'failed';
      this.insertJob(notificationId, job, { state, at: update.attempt.at, attempts: [update.attempt], result: update.result });
    });
  }

  claimDueJobs(now: number, limit: number): Promise<ClaimedJob[]> {
    return this.writer.write(() => {
      if (this.sql.anyDue.get(now) === undefined) return [];
      const rows = this.sql.claimDueJobs.all(now, limit) as JobRow[];
      const notifications = new Map<string, EnrichedNotification>();
      return rows
        .sort((a, b) => a.next_attempt_at - b.next_attempt_at)
        .map((row) => {
          let notification = notifications.get(row.notification_id);
          if (notification === undefined) {
            const { body, original } = this.sql.notificationBody.get(row.notification_id) as { body: string; original: string };
            notification = decodeEnriched(body, original);
            notifications.set(row.notification_id, notification);
          }
          return { job: toJob(row), notification };
        });
    });
  }

  // In the write order, so that it never answers from before a claim that is waiting to commit.
  nextDueAt(): Promise<number | undefined> {
    return this.writer.write(() => (this.sql.nextDue.get() as { due: number | null }).due ?? undefined);
  }

  releaseJob(jobId: string, nextAttemptAt: number, event?: HistoryEvent): Promise<void> {
    return this.writer.write(() => {
      if (this.sql.releaseJob.run(nextAttemptAt, jobId).changes === 0 || event === undefined) return;
      const row = this.sql.jobNotification.get(jobId) as { notification_id: string };
      this.insertEvent(row.notification_id, event);
    });
  }

  retryJob(jobId: string, now: number): Promise<RetryResult> {
    return this.writer.write((): RetryResult => {
      const row = this.sql.oneJob.get(jobId) as JobRow | undefined;
      if (row === undefined) return { retried: false, reason: 'not found' };
      if (this.sql.retryJob.run(now, jobId).changes === 0) return { retried: false, reason: 'not dead' };
      this.insertEvent(row.notification_id, {
        at: now,
        kind: 'retried',
        action: row.action,
        fingerprints: JSON.parse(row.fingerprints) as string[],
      });
      if (this.sql.reopenNotification.run(row.notification_id).changes > 0) this.unfinished++;
      return { retried: true, job: toJob(this.sql.oneJob.get(jobId) as JobRow) };
    });
  }

  finishAttempt(jobId: string, update: JobUpdate): Promise<void> {
    return this.writer.write(() => this.finishOne({ jobId, update }));
  }

  /** The outcomes one after the other, in one transaction. */
  finishAttemptBatch(outcomes: readonly AttemptOutcome[]): Promise<void> {
    return this.writer.write(() => {
      for (const outcome of outcomes) this.finishOne(outcome);
    });
  }

  private finishOne({ jobId, update }: AttemptOutcome): void {
    const row = this.sql.jobNotification.get(jobId) as { notification_id: string } | undefined;
    if (row === undefined) return;
    const result = update.result === undefined ? null : JSON.stringify(update.result);
    this.sql.finishAttempt.run(update.state, update.nextAttemptAt ?? null, JSON.stringify(update.attempt), result, jobId);
    if (update.state !== 'pending') this.finishIfDone(row.notification_id);
  }

  recover(): Promise<Recovered> {
    return this.writer.write(() => {
      const notifications = this.sql.requeueNotifications.run().changes;
      this.sql.countInterruption.run();
      const attempt = interruptedTooOften(Date.now());
      const dead = this.sql.deadLetterInterrupted.all(JSON.stringify(attempt), MAX_JOB_INTERRUPTIONS) as Array<{
        notification_id: string;
        action: string;
      }>;
      for (const row of dead) this.finishIfDone(row.notification_id);
      return { notifications, jobs: this.sql.requeueJobs.run().changes, deadLettered: dead.map((row) => row.action) };
    });
  }

  unfinishedCount(): number {
    return this.unfinished;
  }

  // Nothing to hear of: one process owns the file, and its own ingest wakes its dispatcher.
  onWork(): void {}

  oldestUnfinishedAt(): Promise<number | undefined> {
    return this.writer.read(() => (this.sql.oldestUnfinished.get() as { at: number | null }).at ?? undefined);
  }

  /** The job of `job.action` for this notification, inserted or replacing the one there: one row per (notification, action). */
  private insertJob(notificationId: string, job: NewJob, row: InsertedJob): void {
    const { state, at, attempts, result } = row;
    this.sql.insertJob.run(
      `${notificationId}:${job.action}`,
      notificationId,
      job.action,
      JSON.stringify(job.fingerprints),
      state,
      at,
      at,
      JSON.stringify(attempts),
      result === undefined ? null : JSON.stringify(result),
    );
  }

  private insertEvent(notificationId: string, event: HistoryEvent): void {
    this.sql.insertEvent.run(notificationId, event.kind, event.action ?? null, JSON.stringify(event));
  }

  private loadBody(id: string): Notification {
    const { body, original } = this.sql.notificationBody.get(id) as { body: string; original: string };
    return decodeNotification<Notification>(body, original);
  }

  /** A delivering notification whose jobs have all ended is done; its slot in the queue frees up. */
  private finishIfDone(id: string): void {
    if (this.sql.markDone.run(id, id).changes === 0) return;
    this.unfinished--;
    if (this.pruning.due()) this.sql.pruneHistory.run(this.limits.historyLimit);
  }
}
