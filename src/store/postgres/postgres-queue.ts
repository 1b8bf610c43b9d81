import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { EnrichedNotification, Notification } from '../../model/model.js';
import type { StoreLimits } from '../ports/delivery-store.js';
import { QueueFullError } from '../ports/errors.js';
import type { QueueStore } from '../ports/queue.js';
import type { AttemptOutcome, ClaimedJob, HistoryEvent, JobUpdate, NewJob, Recovered, RetryResult, RoutedPlan } from '../ports/records.js';
import { decodeNotification, encodeNotification } from '../notification-codec.js';
import { PruneSchedule } from '../prune-schedule.js';
import { HeldClaims } from './held-claims.js';
import type { PostgresConnection } from './postgres-connection.js';
import { toJob, type JobRow } from './postgres-rows.js';
import { SQL, WORK_CHANNEL } from './postgres-statements.js';
import { takeOverExpired } from './postgres-takeover.js';

export interface PostgresQueueOptions extends StoreLimits {
  /** How long claimed work stays with a replica that stopped renewing it; renewed every third of it. */
  readonly leaseMs: number;
  /** Told of jobs dead-lettered when this replica took them over (see `recover` for the rest). */
  readonly onDeadLettered?: (actions: readonly string[]) => void;
}

/**
 * The PostgreSQL store's queue, shared by replicas: claims under leases this replica renews while
 * it lives, work whose lease ran out taken over, the unfinished count, and the NOTIFY that wakes
 * the other replicas. `refresh`, `renewLeases` and `sweep` are its background tasks, which the
 * store runs on timers.
 */
export class PostgresQueue implements QueueStore {
  /** Names this process in leases, and in its own NOTIFYs (which it ignores). */
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly workListeners: Array<() => void> = [];
  private unfinished = 0;
  private readonly pruning = new PruneSchedule();
  /** What this replica claimed and is working on, and since when: the leases it renews. */
  private readonly planning = new HeldClaims();
  private readonly attempting = new HeldClaims();
  private takenOverAt = 0;

  constructor(
    private readonly db: PostgresConnection,
    private readonly options: PostgresQueueOptions,
  ) {
    this.db.listen(WORK_CHANNEL, (payload) => {
      if (payload !== this.owner) for (const listener of this.workListeners) listener();
    });
  }

  async add(notification: Notification): Promise<void> {
    this.db.requireReady();
    if (this.unfinished >= this.options.maxPending) throw new QueueFullError(this.options.maxPending, 5);
    await this.db.query(SQL.add, [
      notification.id,
      notification.receivedAt.getTime(),
      notification.originalBody,
      encodeNotification(notification),
      this.owner,
    ]);
    this.unfinished++;
  }

  async claimNotifications(limit: number): Promise<Notification[]> {
    if (!this.db.isReady()) return [];
    await this.takeOverIfDue();
    const rows = await this.db.query<{ id: string; seq: number; original: string; body: string }>(SQL.claimNotifications, [
      this.owner,
      this.options.leaseMs,
      limit,
    ]);
    this.planning.hold(rows.map((row) => row.id));
    return rows.sort((a, b) => a.seq - b.seq).map((row) => decodeNotification<Notification>(row.body, row.original));
  }

  async saveRouted(enriched: EnrichedNotification, jobs: readonly NewJob[], events: readonly HistoryEvent[] = []): Promise<void> {
    await this.saveRoutedBatch([{ enriched, jobs, events }]);
  }

  async saveRoutedBatch(plans: readonly RoutedPlan[]): Promise<void> {
    if (plans.length === 0) return;
    const [row] = await this.db.query<{ done: number }>(SQL.saveRouted, [
      plans.map((plan) => plan.enriched.id),
      plans.map((plan) => encodeNotification(plan.enriched)),
      plans.map((plan) => JSON.stringify(plan.jobs)),
      plans.map((plan) => JSON.stringify(plan.events ?? [])),
      Date.now(),
      this.owner,
    ]);
    for (const plan of plans) this.planning.settle(plan.enriched.id);
    await this.finished(row?.done ?? 0);
  }

  async recordBeforeAck(notificationId: string, job: NewJob, update: JobUpdate): Promise<void> {
    const state = update.state === 'succeeded' ? 'succeeded' : 'failed';
    const result = update.result === undefined ? null : JSON.stringify(update.result);
    await this.db.query(SQL.recordBeforeAck, [
      `${notificationId}:${job.action}`,
      notificationId,
      job.action,
      JSON.stringify(job.fingerprints),
      state,
      update.attempt.at,
      JSON.stringify([update.attempt]),
      result,
    ]);
  }

  async claimDueJobs(now: number, limit: number): Promise<ClaimedJob[]> {
    if (!this.db.isReady()) return [];
    await this.takeOverIfDue();
    const rows = await this.db.query<JobRow & { body: string; original: string }>(SQL.claimDueJobs, [
      this.owner,
      this.options.leaseMs,
      now,
      limit,
    ]);
    const notifications = new Map<string, EnrichedNotification>();
    this.attempting.hold(rows.map((row) => row.id));
    return rows.map((row) => {
      let notification = notifications.get(row.notification_id);
      if (notification === undefined) {
        notification = decodeNotification<EnrichedNotification>(row.body, row.original);
        notifications.set(row.notification_id, notification);
      }
      return { job: toJob(row), notification };
    });
  }

  async nextDueAt(): Promise<number | undefined> {
    if (!this.db.isReady()) return undefined;
    const [row] = await this.db.query<{ due: number | null }>(SQL.nextDue);
    return row?.due ?? undefined;
  }

  async releaseJob(jobId: string, nextAttemptAt: number, event?: HistoryEvent): Promise<void> {
    await this.db.query(SQL.releaseJob, [jobId, nextAttemptAt, event === undefined ? null : JSON.stringify(event)]);
    this.attempting.settle(jobId);
  }

  async retryJob(jobId: string, now: number): Promise<RetryResult> {
    const [row] = await this.db.query<Partial<JobRow> & { found: boolean; reopened: number }>(SQL.retryJob, [jobId, now, this.owner]);
    if (row === undefined || !row.found) return { retried: false, reason: 'not found' };
    if (row.id === null || row.id === undefined) return { retried: false, reason: 'not dead' };
    if (row.reopened > 0) this.unfinished++;
    return { retried: true, job: toJob(row as JobRow) };
  }

  async finishAttempt(jobId: string, update: JobUpdate): Promise<void> {
    await this.finishAttemptBatch([{ jobId, update }]);
  }

  async finishAttemptBatch(outcomes: readonly AttemptOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    const [row] = await this.db.query<{ done: number }>(SQL.finishAttempt, [
      outcomes.map((o) => o.jobId),
      outcomes.map((o) => o.update.state),
      outcomes.map((o) => o.update.nextAttemptAt ?? null),
      outcomes.map((o) => JSON.stringify(o.update.attempt)),
      outcomes.map((o) => (o.update.result === undefined ? null : JSON.stringify(o.update.result))),
      this.owner,
    ]);
    // Settled only once written: while the dispatcher retries a write the database refused, the
    // lease is still renewed, so no other replica runs the job again meanwhile.
    for (const { jobId } of outcomes) this.attempting.settle(jobId);
    // Pruning is housekeeping: its failure must not make the dispatcher write the outcome again.
    await this.finished(row?.done ?? 0).catch(() => undefined);
  }

  /**
   * What a replica was working on when it went away (this one before a restart included) is
   * taken over once its lease has run out: here, and on each claim (see `takeOverIfDue`). A
   * replica starting before the database is reachable leaves it to those claims.
   */
  async recover(): Promise<Recovered> {
    if (!this.db.isReady()) return { notifications: 0, jobs: 0, deadLettered: [] };
    return this.takeOver();
  }

  async oldestUnfinishedAt(): Promise<number | undefined> {
    const [row] = await this.db.query<{ at: number | null }>(SQL.oldestUnfinished);
    return row?.at ?? undefined;
  }

  /**
   * From a count refreshed every second and kept current between refreshes with this replica's
   * own adds and finishes. Other replicas' changes show up at the next refresh, so all of them
   * together may overshoot `max_pending` by what they accept within a second: the limit is
   * back-pressure, not an invariant, and a count query on every request would cost a round trip
   * on the path to the 2xx.
   */
  unfinishedCount(): number {
    return this.unfinished;
  }

  onWork(listener: () => void): void {
    this.workListeners.push(listener);
  }

  /** The unfinished count, and the check that tells the guard of a lost connection between calls. */
  async refresh(): Promise<void> {
    if (!this.db.isReady()) return;
    try {
      const [row] = await this.db.query<{ n: number }>(SQL.countUnfinished);
      this.unfinished = row?.n ?? 0;
      this.db.worked();
    } catch (error) {
      this.db.failed(error);
    }
  }

  async renewLeases(): Promise<void> {
    if (!this.db.isReady()) return;
    const planning = this.planning.current();
    const attempting = this.attempting.current();
    if (planning.length > 0) await this.db.query(SQL.renewNotificationLeases, [this.owner, this.options.leaseMs, planning]);
    if (attempting.length > 0) await this.db.query(SQL.renewJobLeases, [this.owner, this.options.leaseMs, attempting]);
  }

  async sweep(): Promise<void> {
    if (!this.db.isReady()) return;
    await this.db.query(SQL.markAllDone);
    await this.db.query(SQL.pruneHistory, [this.options.historyLimit]);
  }

  /** `count` notifications were finished by a statement of this replica: their slots in the queue free up. */
  private async finished(count: number): Promise<void> {
    if (count === 0) return;
    this.unfinished = Math.max(0, this.unfinished - count);
    if (this.pruning.due()) await this.db.query(SQL.pruneHistory, [this.options.historyLimit]);
  }

  /**
   * Takes over expired work at most every quarter lease: a claim usually finds none, and costs a
   * round trip less. Not within a lease of trouble with the database: when it was away, every
   * lease ran out with it, while their replicas lived on and kept the outcomes they could not
   * write; they renew their leases and write them within that time (this replica's own included).
   */
  private async takeOverIfDue(): Promise<void> {
    if (Date.now() - this.takenOverAt < this.options.leaseMs / 4) return;
    if (this.db.troubleWithin(this.options.leaseMs)) return;
    const { deadLettered } = await this.takeOver();
    if (deadLettered.length > 0) this.options.onDeadLettered?.(deadLettered);
  }

  private takeOver(): Promise<Recovered> {
    this.takenOverAt = Date.now();
    return takeOverExpired(this.db, (count) => this.finished(count));
  }
}
