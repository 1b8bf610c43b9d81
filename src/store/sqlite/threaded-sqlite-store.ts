import { Worker } from 'node:worker_threads';
import type { EnrichedNotification, Notification } from '../../model/model.js';
import type { Logger } from '../../observability/logger.js';
import type { DedupClaim } from '../ports/dedup.js';
import type { DeliveryStore } from '../ports/delivery-store.js';
import { StoreUnavailableError } from '../ports/errors.js';
import type { FirstPostClaimOutcome } from '../ports/first-post-claims.js';
import type { DueStep, FireStep } from '../ports/escalation-timers.js';
import type { HistoryPage, HistoryQuery } from '../ports/history.js';
import type { Incident, IncidentChange, IncidentChangeResult, IncidentQuery, OpenIncident } from '../ports/incidents.js';
import type { MessageRef } from '../ports/message-refs.js';
import type { RateLimit } from '../ports/rate-limits.js';
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
} from '../ports/records.js';
import type { SqliteStoreOptions } from './sqlite-store.js';
import {
  decodeError,
  encodeError,
  type OpenOutcome,
  type SqliteThreadOptions,
  type StoreAnswer,
  type StoreCall,
  type StoreLog,
} from './sqlite-thread-protocol.js';

/**
 * The SQLite store on a thread of its own (`delivery.sqlite_thread`): every call is a message to
 * the thread (sqlite-thread-entry.ts), which runs it on `SqliteStore` exactly as in one thread, group
 * commits included, and answers. The event loop that answers requests then never runs a statement
 * or a commit; it waits for them as it waits for PostgreSQL. `open` rejects with
 * `StoreCorruptError` for a damaged file, as `SqliteStore`'s constructor throws it.
 *
 * If the thread dies, every call from then on fails with a lasting `StoreUnavailableError`
 * (readiness fails, ingest answers 503): what was committed is in the file for the next start.
 */
export class ThreadedSqliteStore implements DeliveryStore {
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  private nextId = 1;
  private stopped: StoreUnavailableError | undefined;

  /** Opens the store on a new thread; rejects with `StoreCorruptError` for a damaged file. */
  static async open(options: SqliteStoreOptions): Promise<ThreadedSqliteStore> {
    const entry = threadEntry();
    const worker = new Worker(entry.code, {
      eval: entry.eval,
      workerData: {
        dataDir: options.dataDir,
        synchronous: options.synchronous ?? 'normal',
        maxPending: options.maxPending,
        historyLimit: options.historyLimit,
      } satisfies SqliteThreadOptions,
    });
    const outcome = await new Promise<OpenOutcome>((resolve) => {
      const failed = (error: Error): void => resolve({ ok: false, error: encodeError(error) });
      const exited = (code: number): void =>
        resolve({ ok: false, error: { name: 'Error', message: `the SQLite thread exited (code ${code}) before it opened the store` } });
      worker.once('message', (first: OpenOutcome) => {
        worker.off('error', failed).off('exit', exited);
        resolve(first);
      });
      worker.once('error', failed).once('exit', exited);
    });
    if (!outcome.ok) {
      await worker.terminate();
      throw decodeError(outcome.error);
    }
    return new ThreadedSqliteStore(worker, outcome.unfinished, options.logger);
  }

  private constructor(
    private readonly worker: Worker,
    private unfinished: number,
    logger: Logger | undefined,
  ) {
    worker.on('message', (message: StoreAnswer | StoreLog) => this.receive(message, logger));
    worker.on('error', (error) => this.stop(`the SQLite thread failed: ${error.message}`, logger));
    worker.on('exit', (code) => this.stop(`the SQLite thread exited (code ${code})`, logger));
  }

  add(notification: Notification): Promise<void> {
    return this.call('add', [notification]);
  }
  claimNotifications(limit: number): Promise<Notification[]> {
    return this.call('claimNotifications', [limit]);
  }
  saveRouted(enriched: EnrichedNotification, jobs: readonly NewJob[], events?: readonly HistoryEvent[]): Promise<void> {
    return this.call('saveRouted', [enriched, jobs, events]);
  }
  saveRoutedBatch(plans: readonly RoutedPlan[]): Promise<void> {
    return this.call('saveRoutedBatch', [plans]);
  }
  claimDueJobs(now: number, limit: number): Promise<ClaimedJob[]> {
    return this.call('claimDueJobs', [now, limit]);
  }
  nextDueAt(): Promise<number | undefined> {
    return this.call('nextDueAt', []);
  }
  recordBeforeAck(notificationId: string, job: NewJob, update: JobUpdate): Promise<void> {
    return this.call('recordBeforeAck', [notificationId, job, update]);
  }
  releaseJob(jobId: string, nextAttemptAt: number, event?: HistoryEvent): Promise<void> {
    return this.call('releaseJob', [jobId, nextAttemptAt, event]);
  }
  retryJob(jobId: string, now: number): Promise<RetryResult> {
    return this.call('retryJob', [jobId, now]);
  }
  finishAttempt(jobId: string, update: JobUpdate): Promise<void> {
    return this.call('finishAttempt', [jobId, update]);
  }
  finishAttemptBatch(outcomes: readonly AttemptOutcome[]): Promise<void> {
    return this.call('finishAttemptBatch', [outcomes]);
  }
  recover(): Promise<Recovered> {
    return this.call('recover', []);
  }
  /** As the thread's last answer left it: each answer carries the count. */
  unfinishedCount(): number {
    return this.unfinished;
  }
  // Nothing to hear of, as in one thread: this process's own ingest wakes its dispatcher.
  onWork(): void {}
  oldestUnfinishedAt(): Promise<number | undefined> {
    return this.call('oldestUnfinishedAt', []);
  }
  listNotifications(query: HistoryQuery): Promise<HistoryPage> {
    return this.call('listNotifications', [query]);
  }
  getNotification(id: string): Promise<NotificationRecord | undefined> {
    return this.call('getNotification', [id]);
  }
  recordEvent(notificationId: string, event: HistoryEvent): Promise<void> {
    return this.call('recordEvent', [notificationId, event]);
  }
  claimDedupKeys(notificationId: string, keys: readonly string[], now: number, windowMs: number): Promise<Set<string>> {
    return this.call('claimDedupKeys', [notificationId, keys, now, windowMs]);
  }
  claimDedupKeysBatch(claims: readonly DedupClaim[]): Promise<Set<string>[]> {
    return this.call('claimDedupKeysBatch', [claims]);
  }
  rateDelay(limit: RateLimit, alerts: number, now: number): Promise<number> {
    return this.call('rateDelay', [limit, alerts, now]);
  }
  holdDestination(key: string, ms: number, now: number): Promise<void> {
    return this.call('holdDestination', [key, ms, now]);
  }
  getMessageRef(id: string): Promise<MessageRef | undefined> {
    return this.call('getMessageRef', [id]);
  }
  putMessageRef(ref: MessageRef): Promise<void> {
    return this.call('putMessageRef', [ref]);
  }
  claimFirstPost(id: string, holder: string, leaseMs: number): Promise<FirstPostClaimOutcome> {
    return this.call('claimFirstPost', [id, holder, leaseMs]);
  }
  releaseFirstPost(id: string, holder: string): Promise<void> {
    return this.call('releaseFirstPost', [id, holder]);
  }
  openIncident(open: OpenIncident): Promise<{ incident: Incident; opened: boolean }> {
    return this.call('openIncident', [open]);
  }
  getIncident(id: string): Promise<Incident | undefined> {
    return this.call('getIncident', [id]);
  }
  listIncidents(query: IncidentQuery): Promise<Incident[]> {
    return this.call('listIncidents', [query]);
  }
  changeIncident(id: string, change: IncidentChange, now: number): Promise<IncidentChangeResult> {
    return this.call('changeIncident', [id, change, now]);
  }
  claimDueSteps(now: number, limit: number, leaseMs: number): Promise<DueStep[]> {
    return this.call('claimDueSteps', [now, limit, leaseMs]);
  }
  nextStepDueAt(): Promise<number | undefined> {
    return this.call('nextStepDueAt', []);
  }
  fireStep(fire: FireStep): Promise<boolean> {
    return this.call('fireStep', [fire]);
  }
  stopSteps(incidentId: string, step: number, now: number): Promise<Incident | undefined> {
    return this.call('stopSteps', [incidentId, step, now]);
  }
  probeWrite(): Promise<void> {
    return this.call('probeWrite', []);
  }

  async close(): Promise<void> {
    if (this.stopped) return;
    await this.call('close', []);
    this.stopped = new StoreUnavailableError('the queue is closed', { lasting: true });
    await this.worker.terminate();
  }

  private call<T>(method: string, args: readonly unknown[]): Promise<T> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ id, method, args } satisfies StoreCall);
    });
  }

  private receive(message: StoreAnswer | StoreLog, logger: Logger | undefined): void {
    if (message.kind === 'log') {
      logger?.[message.level](message.message, message.meta);
      return;
    }
    this.unfinished = message.unfinished;
    const waiter = this.waiting.get(message.id);
    this.waiting.delete(message.id);
    if (message.kind === 'answer') waiter?.resolve(message.value);
    else waiter?.reject(decodeError(message.error));
  }

  private stop(reason: string, logger: Logger | undefined): void {
    if (this.stopped) return;
    this.stopped = new StoreUnavailableError(`${reason}; restart alertpipe (what was committed is in the file)`, { lasting: true });
    logger?.error('the SQLite thread stopped', { reason });
    for (const waiter of this.waiting.values()) waiter.reject(this.stopped);
    this.waiting.clear();
  }
}

/**
 * The thread's code: the built `.js` beside this file, or, when this file runs from its `.ts`
 * source (the test runner), that source through tsx, which the thread registers for itself (a
 * worker does not inherit the loader its parent was started with).
 */
function threadEntry(): { readonly code: string | URL; readonly eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { code: new URL('./sqlite-thread-entry.js', import.meta.url), eval: false };
  const source = new URL('./sqlite-thread-entry.ts', import.meta.url).href;
  return { code: `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`, eval: true };
}
