import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Notification } from '../model/model.js';
import type { DeliveryStore } from '../store/ports/delivery-store.js';
import type { ClaimedJob, JobUpdate } from '../store/ports/records.js';
import { InFlightWork } from '../lib/in-flight-work.js';
import type { Plan } from '../pipeline/plan-deliveries.js';
import { pause, storeBackoffMs } from './store-backoff.js';

export interface DispatcherDeps {
  readonly store: DeliveryStore;
  readonly plan: (notification: Notification) => Promise<Plan>;
  readonly runJob: (claimed: ClaimedJob) => Promise<JobUpdate>;
  /** How long a claimed job must still wait (a destination's rate limit); 0 to run it now. */
  readonly delayFor: (claimed: ClaimedJob, now: number) => number | Promise<number>;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Notifications enriched and routed at once; asked at each claim (a config reload may change it). */
  readonly planConcurrency: number | (() => number);
  /** Action attempts at once. */
  readonly jobConcurrency: number;
  /** Called each time an attempt ends, whatever its outcome (the watchdog's sign of progress). */
  readonly onJobFinished?: () => void;
}

export interface Dispatcher {
  start(): void;
  /** Something new is queued: look now rather than at the next tick. */
  kick(): void;
  /**
   * Stops taking work and waits up to `graceMs` for what is running; then calls `abort` (which
   * cancels the running attempts) and waits briefly for them to record themselves. What is left
   * stays queued.
   */
  stop(graceMs: number, abort?: () => void): Promise<{ unfinished: number }>;
  /** Attempts running now. */
  jobsRunning(): number;
}

// A safety net: work is found through kick() and due times, but a missed wake-up costs at most this.
const IDLE_POLL_MS = 1_000;
const LOOP_LOG_EVERY_MS = 10_000;

/**
 * Moves work through the store: claims queued notifications and plans them into jobs, claims due
 * jobs and runs them, and sleeps until something is queued, a job falls due, or a slot frees up.
 */
export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { store, logger } = deps;
  // Plans and attempts under way: shutdown gives them the grace period, then aborts them.
  const running = new InFlightWork();
  let planning = 0;
  let attempting = 0;
  let inFlight = 0;
  let stopping = false;
  const stopped = new AbortController();
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  // A kick that arrives while the loop is busy (not sleeping) must not be lost.
  let kicked = false;
  // Store failures in a row: the loop backs off on them instead of spinning.
  let failures = 0;

  function kick(): void {
    kicked = true;
    wake?.();
  }

  function track(work: Promise<void>): void {
    void running.track(work).finally(kick);
  }

  /**
   * Keeps a change the store refused (a full disk) and tries again with backoff, rather than drop
   * it: a plan or an outcome dropped leaves its notification or job claimed until a restart. At
   * shutdown it gives up; recovery at the next start redoes the work.
   */
  async function persist(what: string, meta: Record<string, string>, write: () => Promise<void>): Promise<void> {
    for (let tries = 1; ; tries++) {
      try {
        await write();
        return;
      } catch (error) {
        if (stopping) {
          logger.error(`could not record ${what}; left for recovery at the next start`, { ...meta, error: String(error) });
          return;
        }
        // The first failure only: the store's own guard logs the rest at a bounded rate.
        if (tries === 1)
          logger.error(`could not record ${what}; retrying`, { ...meta, error: String(error), retryInMs: storeBackoffMs(tries) });
        await pause(storeBackoffMs(tries), stopped.signal);
      }
    }
  }

  // The loop's failures are logged when they start and then at most every 10 s, with a count.
  let loopLoggedAt = 0;
  let loopUnlogged = 0;
  function loopFailure(error: unknown): void {
    const now = Date.now();
    if (failures > 1 && now - loopLoggedAt < LOOP_LOG_EVERY_MS) {
      loopUnlogged++;
      return;
    }
    logger.error('delivery loop failed; backing off', {
      error: String(error),
      retryInMs: storeBackoffMs(failures),
      failuresNotLogged: loopUnlogged,
    });
    loopLoggedAt = now;
    loopUnlogged = 0;
  }

  async function planOne(notification: Notification): Promise<void> {
    try {
      // Planning writes too (its dedup claims): a store failure there is retried like the plan's
      // save, or the notification would stay claimed until a restart (or, shared, a lease). A
      // plan made is kept across the retries: only what failed is done again.
      let plan: Plan | undefined;
      await persist('a plan', { notification: notification.id }, async () => {
        plan ??= await deps.plan(notification);
        await store.saveRouted(plan.enriched, plan.jobs, plan.events ?? []);
      });
    } catch (error) {
      // Planning catches enricher failures itself; reaching here is a bug.
      logger.error('could not plan a notification; it is planned again at the next start', {
        notification: notification.id,
        error: String(error),
      });
    } finally {
      planning--;
    }
  }

  async function attemptOne(claimed: ClaimedJob): Promise<void> {
    try {
      inFlight++;
      let update: JobUpdate;
      try {
        update = await deps.runJob(claimed);
      } finally {
        inFlight--;
      }
      deps.onJobFinished?.();
      await persist('a job attempt', { job: claimed.job.id }, () => store.finishAttempt(claimed.job.id, update));
    } catch (error) {
      logger.error('job attempt failed unexpectedly; it runs again at the next start', { job: claimed.job.id, error: String(error) });
    } finally {
      attempting--;
    }
  }

  async function fill(): Promise<void> {
    const planConcurrency = typeof deps.planConcurrency === 'function' ? deps.planConcurrency() : deps.planConcurrency;
    if (planning < planConcurrency) {
      for (const notification of await store.claimNotifications(planConcurrency - planning)) {
        planning++;
        track(planOne(notification));
      }
    }
    if (attempting < deps.jobConcurrency) {
      const now = Date.now();
      for (const claimed of await store.claimDueJobs(now, deps.jobConcurrency - attempting)) {
        const delay = await deps.delayFor(claimed, now);
        if (delay > 0) {
          track(
            persist('a rate-limited job put back', { job: claimed.job.id }, () =>
              store.releaseJob(claimed.job.id, now + delay, {
                at: now,
                kind: 'rate-limited',
                action: claimed.job.action,
                fingerprints: claimed.job.fingerprints,
                until: now + delay,
              }),
            ),
          );
          continue;
        }
        attempting++;
        track(attemptOne(claimed));
      }
    }
  }

  async function sleep(): Promise<void> {
    if (kicked) return;
    let delay = storeBackoffMs(failures);
    if (failures === 0) {
      try {
        // With every job slot taken, a due job waits for a slot (whose end kicks), not for its time.
        const due = attempting < deps.jobConcurrency ? await store.nextDueAt() : undefined;
        delay = Math.max(0, Math.min(IDLE_POLL_MS, due === undefined ? IDLE_POLL_MS : due - Date.now()));
      } catch (error) {
        failures++;
        loopFailure(error);
        delay = storeBackoffMs(failures);
      }
    }
    // A kick that came while the store answered (a turn of the event loop) found no one to wake.
    if (kicked) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    wake = undefined;
  }

  async function run(): Promise<void> {
    while (!stopping) {
      kicked = false;
      try {
        await fill();
        failures = 0;
      } catch (error) {
        failures++;
        loopFailure(error);
      }
      deps.metrics.queueDepth.set(store.unfinishedCount());
      if (!stopping) await sleep();
    }
  }

  return {
    start() {
      if (loop === undefined) loop = run();
    },
    kick,
    jobsRunning: () => inFlight,
    async stop(graceMs, abort) {
      stopping = true;
      stopped.abort();
      kick();
      await loop;
      await running.stop(graceMs, () => abort?.());
      return { unfinished: store.unfinishedCount() };
    },
  };
}
