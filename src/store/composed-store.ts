import type { EnrichedNotification, Notification } from '../model/model.js';
import { coalescedCalls } from './coalesced-calls.js';
import type { DedupClaim, DedupStore } from './ports/dedup.js';
import type { DeliveryStore } from './ports/delivery-store.js';
import type { FirstPostClaimOutcome, FirstPostClaimStore } from './ports/first-post-claims.js';
import type { DueStep, EscalationTimerStore, FireStep } from './ports/escalation-timers.js';
import type { HistoryPage, HistoryQuery, HistoryStore } from './ports/history.js';
import type { Incident, IncidentChange, IncidentChangeResult, IncidentQuery, IncidentStore, OpenIncident } from './ports/incidents.js';
import type { MessageRef, MessageRefStore } from './ports/message-refs.js';
import type { QueueStore } from './ports/queue.js';
import type { RateLimit, RateLimitStore } from './ports/rate-limits.js';
import type {
  AttemptOutcome,
  ClaimedJob,
  HistoryEvent,
  JobUpdate,
  NewJob,
  NotificationRecord,
  Recovered,
  RetryResult,
  RoutedPlan,
} from './ports/records.js';
import { RateLimiter } from './rate-limiter.js';

/** What a store is made of: one part per port, each built by the adapter over its own storage. */
export interface StoreParts {
  readonly queue: QueueStore;
  readonly history: HistoryStore;
  readonly dedup: DedupStore;
  readonly rateLimits: RateLimitStore;
  readonly messageRefs: MessageRefStore;
  readonly firstPostClaims: FirstPostClaimStore;
  readonly incidents: IncidentStore;
  readonly escalationTimers: EscalationTimerStore;
}

/**
 * A delivery store that hands each port's calls to its part: the delegation written once, for
 * every adapter. An adapter extends it with its parts and what only it knows (its write probe, how
 * it closes, how it reports a lost connection).
 *
 * The writes of the delivery path that come in rounds, a notification's dedup claims, its saved
 * plan and its jobs' outcomes, are gathered over a turn of the event loop and handed to the
 * part's batch (`coalescedCalls`): the notifications of an enrichment round make one dedup
 * statement and one save between them, and attempts that end together one outcome statement,
 * whoever calls.
 */
export abstract class ComposedStore implements DeliveryStore {
  private readonly dedupClaims: (claim: DedupClaim) => Promise<Set<string>>;
  private readonly routedSaves: (plan: RoutedPlan) => Promise<void>;
  private readonly outcomes: (outcome: AttemptOutcome) => Promise<void>;

  constructor(private readonly parts: StoreParts) {
    this.dedupClaims = coalescedCalls((claims) => parts.dedup.claimDedupKeysBatch(claims));
    this.routedSaves = coalescedCalls(async (plans) => {
      await parts.queue.saveRoutedBatch(plans);
      return plans.map(() => undefined);
    });
    this.outcomes = coalescedCalls(async (outcomes) => {
      await parts.queue.finishAttemptBatch(outcomes);
      return outcomes.map(() => undefined);
    });
  }

  abstract probeWrite(): Promise<void>;
  abstract close(): Promise<void>;

  add(notification: Notification): Promise<void> {
    return this.parts.queue.add(notification);
  }

  claimNotifications(limit: number): Promise<Notification[]> {
    return this.parts.queue.claimNotifications(limit);
  }

  saveRouted(enriched: EnrichedNotification, jobs: readonly NewJob[], events?: readonly HistoryEvent[]): Promise<void> {
    return this.routedSaves({ enriched, jobs, ...(events === undefined ? {} : { events }) });
  }

  saveRoutedBatch(plans: readonly RoutedPlan[]): Promise<void> {
    return this.parts.queue.saveRoutedBatch(plans);
  }

  claimDueJobs(now: number, limit: number): Promise<ClaimedJob[]> {
    return this.parts.queue.claimDueJobs(now, limit);
  }

  nextDueAt(): Promise<number | undefined> {
    return this.parts.queue.nextDueAt();
  }

  recordBeforeAck(notificationId: string, job: NewJob, update: JobUpdate): Promise<void> {
    return this.parts.queue.recordBeforeAck(notificationId, job, update);
  }

  releaseJob(jobId: string, nextAttemptAt: number, event?: HistoryEvent): Promise<void> {
    return this.parts.queue.releaseJob(jobId, nextAttemptAt, event);
  }

  retryJob(jobId: string, now: number): Promise<RetryResult> {
    return this.parts.queue.retryJob(jobId, now);
  }

  finishAttempt(jobId: string, update: JobUpdate): Promise<void> {
    return this.outcomes({ jobId, update });
  }

  finishAttemptBatch(outcomes: readonly AttemptOutcome[]): Promise<void> {
    return this.parts.queue.finishAttemptBatch(outcomes);
  }

  recover(): Promise<Recovered> {
    return this.parts.queue.recover();
  }

  unfinishedCount(): number {
    return this.parts.queue.unfinishedCount();
  }

  onWork(listener: () => void): void {
    this.parts.queue.onWork(listener);
  }

  oldestUnfinishedAt(): Promise<number | undefined> {
    return this.parts.queue.oldestUnfinishedAt();
  }

  listNotifications(query: HistoryQuery): Promise<HistoryPage> {
    return this.parts.history.listNotifications(query);
  }

  getNotification(id: string): Promise<NotificationRecord | undefined> {
    return this.parts.history.getNotification(id);
  }

  recordEvent(notificationId: string, event: HistoryEvent): Promise<void> {
    return this.parts.history.recordEvent(notificationId, event);
  }

  claimDedupKeys(notificationId: string, keys: readonly string[], now: number, windowMs: number): Promise<Set<string>> {
    return this.dedupClaims({ notificationId, keys, now, windowMs });
  }

  claimDedupKeysBatch(claims: readonly DedupClaim[]): Promise<Set<string>[]> {
    return this.parts.dedup.claimDedupKeysBatch(claims);
  }

  rateDelay(limit: RateLimit, alerts: number, now: number): Promise<number> {
    return this.parts.rateLimits.rateDelay(limit, alerts, now);
  }

  holdDestination(key: string, ms: number, now: number): Promise<void> {
    return this.parts.rateLimits.holdDestination(key, ms, now);
  }

  getMessageRef(id: string): Promise<MessageRef | undefined> {
    return this.parts.messageRefs.getMessageRef(id);
  }

  putMessageRef(ref: MessageRef): Promise<void> {
    return this.parts.messageRefs.putMessageRef(ref);
  }

  claimFirstPost(id: string, holder: string, leaseMs: number): Promise<FirstPostClaimOutcome> {
    return this.parts.firstPostClaims.claimFirstPost(id, holder, leaseMs);
  }

  releaseFirstPost(id: string, holder: string): Promise<void> {
    return this.parts.firstPostClaims.releaseFirstPost(id, holder);
  }

  openIncident(open: OpenIncident): Promise<{ incident: Incident; opened: boolean }> {
    return this.parts.incidents.openIncident(open);
  }

  getIncident(id: string): Promise<Incident | undefined> {
    return this.parts.incidents.getIncident(id);
  }

  listIncidents(query: IncidentQuery): Promise<Incident[]> {
    return this.parts.incidents.listIncidents(query);
  }

  changeIncident(id: string, change: IncidentChange, now: number): Promise<IncidentChangeResult> {
    return this.parts.incidents.changeIncident(id, change, now);
  }

  claimDueSteps(now: number, limit: number, leaseMs: number): Promise<DueStep[]> {
    return this.parts.escalationTimers.claimDueSteps(now, limit, leaseMs);
  }

  nextStepDueAt(): Promise<number | undefined> {
    return this.parts.escalationTimers.nextStepDueAt();
  }

  fireStep(fire: FireStep): Promise<boolean> {
    return this.parts.escalationTimers.fireStep(fire);
  }

  stopSteps(incidentId: string, step: number, now: number): Promise<Incident | undefined> {
    return this.parts.escalationTimers.stopSteps(incidentId, step, now);
  }
}

/**
 * Rate limits for a store one process owns (memory, SQLite): its buckets live in memory, and its
 * own ingest wakes its dispatcher.
 */
export function inProcessRateLimits(): RateLimitStore {
  const limiter = new RateLimiter();
  return {
    rateDelay: async (limit, alerts, now) => limiter.delayFor(limit, now, alerts),
    holdDestination: async (key, ms, now) => limiter.hold(key, now + ms),
  };
}
