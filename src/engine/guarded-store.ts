import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { DeliveryStore } from '../store/ports/delivery-store.js';
import { QueueFullError, StoreUnavailableError } from '../store/ports/errors.js';
import { storeBackoffMs } from './store-backoff.js';

export type StoreHealth = { ok: true } | { ok: false; reason: string };

/** A store that says whether it works: what readiness asks. */
export interface GuardedStore extends DeliveryStore {
  health(): StoreHealth;
}

const LOG_EVERY_MS = 10_000;
// What proves that the store can keep a notification again: one kept, or the probe's write of
// the size of one. Smaller writes (a job's outcome) still fit on a nearly full disk, and taking
// them as proof made readiness flap; claims often write nothing at all.
const WRITES = new Set(['add', 'probeWrite']);

/**
 * Wraps any adapter so that no store failure goes unseen: each is counted in
 * `alertpipe_store_errors_total{operation}` and turned into a `StoreUnavailableError` (ingest: 503
 * with `Retry-After`; history: 503 with the reason), and marks the store unhealthy with its reason
 * until a notification is kept again. While unhealthy it probes with a write the size of a large
 * notification (100 ms doubling to 5 s), so readiness comes back without waiting for traffic that a failing readiness keeps away.
 * A lasting failure (a damaged or replaced file) refuses every call until a restart. What an
 * adapter meets between calls (PostgreSQL's connection, see `watchFailures`) counts the same way:
 * this is the one place any store's health is kept.
 */
export function guardStore(store: DeliveryStore, deps: { metrics: Metrics; logger: Logger }): GuardedStore {
  let failure: { reason: string; error: StoreUnavailableError; since: number; failures: number; loggedAt: number } | undefined;
  let probe: NodeJS.Timeout | undefined;
  let closed = false;

  function healthy(): void {
    if (failure === undefined) return;
    deps.logger.warn('queue store works again', { after: failure.reason, failedForMs: Date.now() - failure.since });
    failure = undefined;
    clearTimeout(probe);
    probe = undefined;
  }

  function unhealthy(operation: string, error: StoreUnavailableError): void {
    const now = Date.now();
    const previous = failure;
    failure = {
      reason: error.message,
      error,
      since: previous?.since ?? now,
      failures: (previous?.failures ?? 0) + 1,
      loggedAt: previous?.loggedAt ?? 0,
    };
    // Logged when it starts, then at most every 10 s while it lasts: a failing store must not flood the log.
    if (previous === undefined || now - failure.loggedAt >= LOG_EVERY_MS) {
      deps.logger.error('queue store failing', { operation, reason: error.message, lasting: error.lasting, failures: failure.failures });
      failure.loggedAt = now;
    }
    // What cannot be read is not 0: a damaged store's depth reads NaN, not an empty queue.
    if (error.lasting) deps.metrics.queueDepth.set(Number.NaN);
    else if (probe === undefined && !closed) scheduleProbe();
  }

  function scheduleProbe(): void {
    probe = setTimeout(
      () => {
        probe = undefined;
        if (failure === undefined || failure.error.lasting || closed) return;
        void guarded.probeWrite().catch(() => {});
      },
      storeBackoffMs(failure?.failures ?? 1),
    );
    probe.unref();
  }

  function failed(operation: string, error: unknown): StoreUnavailableError {
    deps.metrics.storeErrors.inc({ operation });
    const unavailable =
      error instanceof StoreUnavailableError
        ? error
        : new StoreUnavailableError(`the queue store failed (${operation}): ${error instanceof Error ? error.message : String(error)}`, {
            cause: error,
          });
    unhealthy(operation, unavailable);
    return unavailable;
  }

  async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      if (failure?.error.lasting) throw failure.error;
      const value = await run();
      if (WRITES.has(operation)) healthy();
      return value;
    } catch (error) {
      if (error instanceof QueueFullError) throw error;
      throw failed(operation, error);
    }
  }

  // Failures between calls: counted and kept like a failed call; the probe learns when they end,
  // and probes at once when the adapter's own check works again rather than at its backoff.
  store.watchFailures?.((error) => {
    if (closed) return;
    if (error !== undefined) failed('connection', error);
    else if (failure !== undefined && !failure.error.lasting) {
      clearTimeout(probe);
      probe = undefined;
      void guarded.probeWrite().catch(() => {});
    }
  });

  const guarded: GuardedStore = {
    add: (notification) => call('add', () => store.add(notification)),
    claimNotifications: (limit) => call('claimNotifications', () => store.claimNotifications(limit)),
    saveRouted: (enriched, jobs, events) => call('saveRouted', () => store.saveRouted(enriched, jobs, events)),
    saveRoutedBatch: (plans) => call('saveRouted', () => store.saveRoutedBatch(plans)),
    claimDueJobs: (now, limit) => call('claimDueJobs', () => store.claimDueJobs(now, limit)),
    nextDueAt: () => call('nextDueAt', () => store.nextDueAt()),
    recordBeforeAck: (id, job, update) => call('recordBeforeAck', () => store.recordBeforeAck(id, job, update)),
    releaseJob: (id, at, event) => call('releaseJob', () => store.releaseJob(id, at, event)),
    retryJob: (id, now) => call('retryJob', () => store.retryJob(id, now)),
    finishAttempt: (id, update) => call('finishAttempt', () => store.finishAttempt(id, update)),
    finishAttemptBatch: (outcomes) => call('finishAttempt', () => store.finishAttemptBatch(outcomes)),
    recover: () => call('recover', () => store.recover()),
    claimDedupKeys: (id, keys, now, windowMs) => call('claimDedupKeys', () => store.claimDedupKeys(id, keys, now, windowMs)),
    claimDedupKeysBatch: (claims) => call('claimDedupKeys', () => store.claimDedupKeysBatch(claims)),
    unfinishedCount: () => (failure?.error.lasting ? Number.NaN : store.unfinishedCount()),
    rateDelay: (limit, alerts, now) => call('rateDelay', () => store.rateDelay(limit, alerts, now)),
    holdDestination: (key, ms, now) => call('holdDestination', () => store.holdDestination(key, ms, now)),
    onWork: (listener) => store.onWork(listener),
    oldestUnfinishedAt: () => call('oldestUnfinishedAt', () => store.oldestUnfinishedAt()),
    probeWrite: () => call('probeWrite', () => store.probeWrite()),
    listNotifications: (query) => call('listNotifications', () => store.listNotifications(query)),
    getNotification: (id) => call('getNotification', () => store.getNotification(id)),
    recordEvent: (id, event) => call('recordEvent', () => store.recordEvent(id, event)),
    getMessageRef: (id) => call('getMessageRef', () => store.getMessageRef(id)),
    putMessageRef: (ref) => call('putMessageRef', () => store.putMessageRef(ref)),
    claimFirstPost: (id, holder, leaseMs) => call('claimFirstPost', () => store.claimFirstPost(id, holder, leaseMs)),
    releaseFirstPost: (id, holder) => call('releaseFirstPost', () => store.releaseFirstPost(id, holder)),
    openIncident: (open) => call('openIncident', () => store.openIncident(open)),
    getIncident: (id) => call('getIncident', () => store.getIncident(id)),
    listIncidents: (query) => call('listIncidents', () => store.listIncidents(query)),
    changeIncident: (id, change, now) => call('changeIncident', () => store.changeIncident(id, change, now)),
    claimDueSteps: (now, limit, leaseMs) => call('claimDueSteps', () => store.claimDueSteps(now, limit, leaseMs)),
    nextStepDueAt: () => call('nextStepDueAt', () => store.nextStepDueAt()),
    fireStep: (fire) => call('fireStep', () => store.fireStep(fire)),
    stopSteps: (id, step, now) => call('stopSteps', () => store.stopSteps(id, step, now)),
    async close() {
      closed = true;
      clearTimeout(probe);
      await store.close();
    },
    health: () => (failure === undefined ? { ok: true } : { ok: false, reason: failure.reason }),
  };
  return guarded;
}
