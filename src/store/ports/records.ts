import type { EnrichedNotification, Notification } from '../../model/model.js';
import type { SentMessage } from './sent-message.js';

// What the store keeps of a notification, its jobs and its history, as every port returns it.

export type NotificationState = 'queued' | 'processing' | 'delivering' | 'done';
export type JobState = 'pending' | 'running' | 'succeeded' | 'failed' | 'dead';

/** One try of one job, as kept in the history. */
export interface AttemptRecord {
  readonly at: number;
  readonly durationMs: number;
  readonly outcome: 'success' | 'retry' | 'failed' | 'dead';
  readonly error?: string;
  readonly detail?: string;
  /** What the attempt sent (or tried to), as the action built it; absent for actions that send no message. */
  readonly message?: SentMessage;
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

/** One job's finished attempt, as `finishAttemptBatch` takes it. */
export interface AttemptOutcome {
  readonly jobId: string;
  readonly update: JobUpdate;
}

/** What planning made of one notification, as `saveRouted` keeps it. */
export interface RoutedPlan {
  readonly enriched: EnrichedNotification;
  readonly jobs: readonly NewJob[];
  /** What planning decided, for the history. */
  readonly events?: readonly HistoryEvent[];
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

/** Who did something by hand, and from where (`slack`, `console`, …). */
export interface Actor {
  readonly id: string;
  readonly name: string;
  readonly via: string;
}

/**
 * Something that happened to a notification besides an attempt, kept for the console's timeline:
 * which route took which alerts (or that none did), alerts skipped as duplicates, a job waiting for
 * its destination's rate limit, a dead job retried by hand, alerts acknowledged, silenced or
 * unsilenced by someone, a template that failed so that its default went out, an episode under
 * escalation beginning, walking a step, and ending.
 */
export interface HistoryEvent {
  readonly at: number;
  readonly kind:
    | 'routed'
    | 'unrouted'
    | 'deduplicated'
    | 'rate-limited'
    | 'retried'
    | 'acknowledged'
    /** Episodes under escalation: one began, a step ran, someone unacknowledged it, it resolved (by hand or by the group). */
    | 'incident-opened'
    | 'escalation-step'
    | 'unacknowledged'
    | 'incident-resolved'
    /** The episode's policy is no longer configured (a reload removed it): its chain stopped, the episode stays open. */
    | 'escalation-stopped'
    | 'silenced'
    | 'unsilenced'
    | 'template-fallback';
  /** The action concerned (for `acknowledged`, the one whose message was clicked); absent for `routed` and `unrouted`. */
  readonly action?: string;
  readonly fingerprints: readonly string[];
  /** For `routed`: the route's position in the config and what it matches. */
  readonly route?: { readonly index: number; readonly description: string; readonly actions: readonly string[] };
  /** For `rate-limited`: until when the job waits. */
  readonly until?: number;
  /** For `acknowledged`, `silenced`, `unsilenced`, `unacknowledged` and `incident-resolved` by hand: who did it, and from where. */
  readonly by?: Actor;
  /** For the episode's events: which episode (and, for `escalation-step`, its 1-based step and its policy). */
  readonly incident?: string;
  readonly step?: number;
  readonly policy?: string;
  /** For `unrouted`: the routes tried, in order, none of which matched. */
  readonly tried?: readonly string[];
  /** For `template-fallback`: which template failed and why (its default went out); for `silenced`: the matchers; for `escalation-stopped`: why. */
  readonly detail?: string;
}

/** What `retryJob` found. */
export type RetryResult =
  { readonly retried: true; readonly job: Job } | { readonly retried: false; readonly reason: 'not found' | 'not dead' };

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
