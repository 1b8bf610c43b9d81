import type { EnrichedNotification, Notification } from '../../model/model.js';
import type { AttemptOutcome, ClaimedJob, HistoryEvent, JobUpdate, NewJob, Recovered, RetryResult, RoutedPlan } from './records.js';

/**
 * The queue: a notification is stored before its 2xx goes out; processing enriches and routes it
 * into jobs, one per (notification, action); jobs are attempted until they succeed, fail for good,
 * or grow too old.
 */
export interface QueueStore {
  /** Stores a newly accepted notification as `queued`. Throws `QueueFullError` at capacity. */
  add(notification: Notification): Promise<void>;
  /** Up to `limit` queued notifications, oldest first, now `processing`. */
  claimNotifications(limit: number): Promise<Notification[]>;
  /** Keeps the enriched notification, the jobs routing made for it and what planning decided (`events`), in one step. */
  saveRouted(enriched: EnrichedNotification, jobs: readonly NewJob[], events?: readonly HistoryEvent[]): Promise<void>;
  /** `saveRouted` for several notifications (an enrichment round's plans) in one step. */
  saveRoutedBatch(plans: readonly RoutedPlan[]): Promise<void>;
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
  /** `finishAttempt` for several jobs (attempts that ended together) in one step. */
  finishAttemptBatch(outcomes: readonly AttemptOutcome[]): Promise<void>;
  /**
   * After a restart: whatever was `processing` is queued again, and each `running` job counts one
   * more interruption and is pending again, or, at `MAX_JOB_INTERRUPTIONS`, dead (with an attempt
   * saying "the process stopped while this job ran 3 times"). A store shared by replicas does the
   * same to work whose lease ran out (its replica died), here and whenever it claims.
   */
  recover(): Promise<Recovered>;
  /**
   * Notifications not yet `done`: the queue depth the limit applies to. Synchronous because the
   * readiness check and the queue-depth gauge read it on every call; a store shared by several
   * processes answers from a count it refreshes in the background (see postgres-queue.ts).
   */
  unfinishedCount(): number;
  /** Calls `listener` when another process sharing the store has queued work. */
  onWork(listener: () => void): void;
  /** When the oldest notification not yet `done` arrived (its jobs are younger); `undefined` when none. */
  oldestUnfinishedAt(): Promise<number | undefined>;
}
