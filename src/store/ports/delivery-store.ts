import type { MessageRefStore } from './message-refs.js';
import type { RateLimit } from '../../store/ports/rate-limit.js';
import type { EnrichedNotification, Notification } from '../../model/model.js';
import type { HistoryFilter } from './history-filter.js';

/**
 * The queue port. A notification is stored before its 2xx goes out; processing enriches and routes
 * it into jobs, one per (notification, action); jobs are attempted until they succeed, fail for
 * good, or grow too old. Adapters: memory (memory-store.ts), SQLite, and PostgreSQL (shared by
 * replicas). test/contract/delivery-store.contract.ts holds every adapter to the same behaviour.
 *
 * Failures: an adapter throws `StoreUnavailableError` with `lasting: true` for what no retry will
 * cure (a corrupt database, a file replaced under it); any other error is taken as passing (a full
 * disk, a lost connection). `guardStore` (guarded-store.ts) wraps every adapter: it counts errors,
 * keeps the store's health for readiness, and turns every failure into a `StoreUnavailableError`,
 * so ingest answers 503 with `Retry-After` rather than 200 or 500.
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

/**
 * A notification as the history shows it. Its `notification.originalBody` is empty when it comes
 * from `listNotifications`: the request as received stays in the store, where only the `original`
 * webhook body needs it, and reading it back would double what a page weighs.
 */
export interface NotificationRecord {
  readonly id: string;
  /** Where it stands in arrival order, larger being newer; what a history cursor points at. */
  readonly position: number;
  readonly state: NotificationState;
  readonly receivedAt: number;
  readonly notification: Notification | EnrichedNotification;
  readonly jobs: readonly Job[];
  /** What happened besides attempts (routing, duplicates, rate-limit waits, retries), oldest first. */
  readonly events: readonly HistoryEvent[];
}

/**
 * Something that happened to a notification besides an attempt, kept for the console's timeline:
 * which route took which alerts (or that none did), alerts skipped as duplicates, a job waiting for
 * its destination's rate limit, a dead job retried by hand.
 */
export interface HistoryEvent {
  readonly at: number;
  readonly kind: 'routed' | 'unrouted' | 'deduplicated' | 'rate-limited' | 'retried';
  /** The action concerned; absent for `routed` and `unrouted`. */
  readonly action?: string;
  readonly fingerprints: readonly string[];
  /** For `routed`: the route's position in the config and what it matches. */
  readonly route?: { readonly index: number; readonly description: string; readonly actions: readonly string[] };
  /** For `rate-limited`: until when the job waits. */
  readonly until?: number;
}

/** What `retryJob` found. */
export type RetryResult =
  { readonly retried: true; readonly job: Job } | { readonly retried: false; readonly reason: 'not found' | 'not dead' };

/** One page of the history, newest first. */
export interface HistoryQuery {
  readonly limit: number;
  /** Only notifications older than this position (the last one of the previous page). */
  readonly before?: number;
  /**
   * Stop once the stored notifications read pass this many bytes; the first one is always read,
   * so a page always moves on. Without it, `limit` alone bounds the page.
   */
  readonly maxBytes?: number;
  /** Only notifications that match (see history-filter.ts); a filtered page reads a bounded stretch. */
  readonly filter?: HistoryFilter;
}

export interface HistoryPage {
  readonly records: readonly NotificationRecord[];
  /** Older notifications remain past the last record. */
  readonly more: boolean;
  /**
   * Set when a filtered page stopped at its scanning bound before `limit` matches: the next page
   * reads on below this position, not below the last record (which may be far newer, or absent).
   */
  readonly resumeBefore?: number;
}

export class QueueFullError extends Error {
  readonly retryAfterSeconds: number;

  constructor(limit: number, retryAfterSeconds: number) {
    super(`the queue holds its limit of ${limit} unfinished notifications (delivery.max_pending); retry later`);
    this.name = 'QueueFullError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The store cannot do what was asked; try again later (ingest: 503 with `Retry-After`). */
export class StoreUnavailableError extends Error {
  readonly statusCode = 503;
  readonly retryAfterSeconds = 10;
  /** No later attempt will succeed until someone acts (and restarts alertpipe). */
  readonly lasting: boolean;

  constructor(message: string, options: { lasting?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'StoreUnavailableError';
    this.lasting = options.lasting ?? false;
  }
}

/**
 * A job interrupted this many times by the process stopping while it ran (a kill, an OOM, a crash)
 * is dead-lettered by `recover` instead of run again: a job that takes the process down with it
 * would otherwise do so on every start.
 */
export const MAX_JOB_INTERRUPTIONS = 3;

export interface Recovered {
  /** Notifications whose planning was interrupted, queued again. */
  readonly notifications: number;
  /** Jobs whose attempt was interrupted, pending again. */
  readonly jobs: number;
  /** The action of each job dead-lettered after `MAX_JOB_INTERRUPTIONS` interruptions. */
  readonly deadLettered: readonly string[];
}

/** The last attempt of a job dead-lettered for its interruptions, the same whatever the store. */
export function interruptedTooOften(at: number): AttemptRecord {
  return { at, durationMs: 0, outcome: 'dead', error: `the process stopped while this job ran ${MAX_JOB_INTERRUPTIONS} times` };
}

/** Also keeps chat message references (`MessageRefStore`): the Slack app's message per group. */
export interface DeliveryStore extends MessageRefStore {
  /** Stores a newly accepted notification as `queued`. Throws `QueueFullError` at capacity. */
  add(notification: Notification): Promise<void>;
  /** Up to `limit` queued notifications, oldest first, now `processing`. */
  claimNotifications(limit: number): Promise<Notification[]>;
  /** Keeps the enriched notification, the jobs routing made for it and what planning decided (`events`), in one step. */
  saveRouted(enriched: EnrichedNotification, jobs: readonly NewJob[], events?: readonly HistoryEvent[]): Promise<void>;
  /** Up to `limit` pending jobs due at `now`, now `running`, each with its notification. */
  claimDueJobs(now: number, limit: number): Promise<ClaimedJob[]>;
  /** When the earliest pending job falls due; `undefined` when none waits. */
  nextDueAt(): Promise<number | undefined>;
  /** Keeps the outcome of a `before-ack` action, which ran outside the queue, in the history. */
  recordBeforeAck(notificationId: string, job: NewJob, update: JobUpdate): Promise<void>;
  /** Puts a claimed job back without counting an attempt (a rate limit, a shutdown); `event` says why, for the history. */
  releaseJob(jobId: string, nextAttemptAt: number, event?: HistoryEvent): Promise<void>;
  /**
   * A dead or failed job is pending again, due at `now`, with a `retried` event in its
   * notification's history; a finished notification is unfinished again until the job ends.
   * Any other job is left alone (`not dead`).
   */
  retryJob(jobId: string, now: number): Promise<RetryResult>;
  finishAttempt(jobId: string, update: JobUpdate): Promise<void>;
  /**
   * After a restart: whatever was `processing` is queued again, and each `running` job counts one
   * more interruption and is pending again, or, at `MAX_JOB_INTERRUPTIONS`, dead (with an attempt
   * saying "the process stopped while this job ran 3 times"). A store shared by replicas does the
   * same to work whose lease ran out (its replica died), here and whenever it claims.
   */
  recover(): Promise<Recovered>;
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
  /** Calls `listener` when another process sharing the store has queued work. */
  onWork(listener: () => void): void;
  /**
   * For a store whose server can fail between calls (PostgreSQL): `report` hears of each failure
   * met outside any call (a server not reached yet, a connection lost while idle, a background
   * check), and at once of one that holds already; `undefined` when a background check works
   * again. The guard takes a failure as it takes a failed call, so readiness fails before a
   * request meets it, and takes `undefined` as the moment to probe (its probe write still decides).
   * Stores inside the process have nothing to report and leave it out.
   */
  watchFailures?(report: (error: Error | undefined) => void): void;
  /** When the oldest notification not yet `done` arrived (its jobs are younger); `undefined` when none. */
  oldestUnfinishedAt(): Promise<number | undefined>;
  /**
   * Writes about 64 KiB that must reach storage, the size of a large notification (and nothing
   * anyone reads). While the store is unhealthy, the guard calls it now and then to learn when it
   * could keep a notification again.
   */
  probeWrite(): Promise<void>;
  /** A page of the history, newest first, bounded by count and by bytes (see `HistoryQuery`). */
  listNotifications(query: HistoryQuery): Promise<HistoryPage>;
  getNotification(id: string): Promise<NotificationRecord | undefined>;
  close(): Promise<void>;
}

/** How much a store keeps: what `delivery.max_pending` and `delivery.history_limit` set. */
export interface StoreLimits {
  /** Unfinished notifications accepted before `add` refuses. */
  readonly maxPending: number;
  /** Finished notifications kept for the history. */
  readonly historyLimit: number;
}
