import type { RateLimit } from '../actions/action.js';
import type { EnrichedNotification, Notification } from '../pipeline/model.js';

/**
 * The queue port. A notification is stored before its 2xx goes out; processing enriches and routes
 * it into jobs, one per (notification, action); jobs are attempted until they succeed, fail for
 * good, or grow too old. Adapters: memory (memory-store.ts), SQLite, and PostgreSQL (shared by
 * replicas). test/contract/delivery-store.contract.ts holds every adapter to the same behaviour.
 */

export type NotificationState = 'queued' | 'processing' | 'delivering' | 'done';
export type JobState = 'pending' | 'running' | 'succeeded' | 'failed' | 'dead';

/** One try of one job, as kept in the history. */
export interface AttemptRecord {
  readonly at: number;
  readonly durationMs: number;
  readonly outcome: 'success' | 'retry' | 'failed' | 'dead';
  readonly error?: string;
  readonly detail?: string;
}

export interface Job {
  readonly id: string;
  readonly notificationId: string;
  readonly action: string;
  /** The alerts this action receives (routing, `send_resolved` and dedup already applied). */
  readonly fingerprints: readonly string[];
  readonly state: JobState;
  readonly createdAt: number;
  readonly nextAttemptAt: number;
  readonly attempts: readonly AttemptRecord[];
  readonly result?: Readonly<Record<string, unknown>>;
}

export interface NewJob {
  readonly action: string;
  readonly fingerprints: readonly string[];
}

export interface ClaimedJob {
  readonly job: Job;
  readonly notification: EnrichedNotification;
}

/** How a finished attempt changes its job. */
export interface JobUpdate {
  readonly attempt: AttemptRecord;
  readonly state: Exclude<JobState, 'running'>;
  /** For `pending`: when to try next. */
  readonly nextAttemptAt?: number;
  readonly result?: Readonly<Record<string, unknown>>;
  /** The destination asked for a pause (a 429's Retry-After): no job to it goes for this long. */
  readonly retryAfterMs?: number;
}

/** A notification as the history shows it. */
export interface NotificationRecord {
  readonly id: string;
  readonly state: NotificationState;
  readonly receivedAt: number;
  readonly notification: Notification | EnrichedNotification;
  readonly jobs: readonly Job[];
}

export class QueueFullError extends Error {
  readonly retryAfterSeconds: number;

  constructor(limit: number, retryAfterSeconds: number) {
    super(`the queue holds its limit of ${limit} unfinished notifications (delivery.max_pending); retry later`);
    this.name = 'QueueFullError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export type StoreHealth = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface DeliveryStore {
  /** Stores a newly accepted notification as `queued`. Throws `QueueFullError` at capacity. */
  add(notification: Notification): Promise<void>;
  /** Up to `limit` queued notifications, oldest first, now `processing`. */
  claimNotifications(limit: number): Promise<Notification[]>;
  /** Keeps the enriched notification and the jobs routing made for it, in one step. */
  saveRouted(enriched: EnrichedNotification, jobs: readonly NewJob[]): Promise<void>;
  /** Up to `limit` pending jobs due at `now`, now `running`, each with its notification. */
  claimDueJobs(now: number, limit: number): Promise<ClaimedJob[]>;
  /** When the earliest pending job falls due; `undefined` when none waits. */
  nextDueAt(): Promise<number | undefined>;
  /** Keeps the outcome of a `before-ack` action, which ran outside the queue, in the history. */
  recordBeforeAck(notificationId: string, job: NewJob, update: JobUpdate): Promise<void>;
  /** Puts a claimed job back without counting an attempt (a rate limit, a shutdown). */
  releaseJob(jobId: string, nextAttemptAt: number): Promise<void>;
  finishAttempt(jobId: string, update: JobUpdate): Promise<void>;
  /** After a restart: whatever was `processing` or `running` is queued or pending again. */
  recover(): Promise<{ notifications: number; jobs: number }>;
  /**
   * Records that `notificationId` acts on these dedup keys for `windowMs`, and returns the keys
   * that another notification already acted on within its window (the duplicates to drop). A key
   * held by the same notification is not a duplicate: a notification planned again after a crash
   * must not deduplicate itself away.
   */
  claimDedupKeys(notificationId: string, keys: readonly string[], now: number, windowMs: number): Promise<Set<string>>;
  /**
   * Notifications not yet `done`: the queue depth the limit applies to. Synchronous because the
   * readiness check and the queue-depth gauge read it on every call; a store shared by several
   * processes answers from a count it refreshes in the background (see postgres-store.ts).
   */
  unfinishedCount(): number;
  /**
   * 0 when a job of `alerts` alerts may go to `limit.key` now (and takes its share of the limit),
   * else how many milliseconds until it may. Every process sharing the store shares the limit.
   */
  rateDelay(limit: RateLimit, alerts: number, now: number): Promise<number>;
  /** The destination asked for a pause (a 429's Retry-After): nothing goes to `key` for `ms`. */
  holdDestination(key: string, ms: number, now: number): Promise<void>;
  /** Whether the store can keep new notifications now; the reason when not (for `/readyz`). */
  health(): StoreHealth;
  /** Calls `listener` when another process sharing the store has queued work. */
  onWork(listener: () => void): void;
  listNotifications(limit: number): Promise<NotificationRecord[]>;
  getNotification(id: string): Promise<NotificationRecord | undefined>;
  close(): Promise<void>;
}
