import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Notification } from '../pipeline/model.js';
import type { ClaimedJob, DeliveryStore, JobUpdate } from './delivery-store.js';
import type { Plan } from './plan-deliveries.js';

export interface DispatcherDeps {
  readonly store: DeliveryStore;
  readonly plan: (notification: Notification) => Promise<Plan>;
  readonly runJob: (claimed: ClaimedJob) => Promise<JobUpdate>;
  /** How long a claimed job must still wait (a destination's rate limit); 0 to run it now. */
  readonly delayFor: (claimed: ClaimedJob, now: number) => number | Promise<number>;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Notifications enriched and routed at once. */
  readonly planConcurrency: number;
  /** Action attempts at once. */
  readonly jobConcurrency: number;
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
}

// A safety net: work is found through kick() and due times, but a missed wake-up costs at most this.
const IDLE_POLL_MS = 1_000;
// After the grace period, aborted attempts get this long to record their outcome before the store closes.
const ABORT_SETTLE_MS = 2_000;

function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void work.finally(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Moves work through the store: claims queued notifications and plans them into jobs, claims due
 * jobs and runs them, and sleeps until something is queued, a job falls due, or a slot frees up.
 */
export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { store, logger } = deps;
  const running = new Set<Promise<void>>();
  let planning = 0;
  let attempting = 0;
  let stopping = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  // A kick that arrives while the loop is busy (not sleeping) must not be lost.
  let kicked = false;

  function kick(): void {
    kicked = true;
    wake?.();
  }

  function track(work: Promise<void>): void {
    running.add(work);
    void work.finally(() => {
      running.delete(work);
      kick();
    });
  }

  async function planOne(notification: Notification): Promise<void> {
    try {
      const { enriched, jobs } = await deps.plan(notification);
      await store.saveRouted(enriched, jobs);
    } catch (error) {
      // Planning catches enricher failures itself; reaching here is a bug or a store failure.
      logger.error('could not plan a notification; it stays queued', { notification: notification.id, error: String(error) });
    } finally {
      planning--;
    }
  }

  async function attemptOne(claimed: ClaimedJob): Promise<void> {
    try {
      await store.finishAttempt(claimed.job.id, await deps.runJob(claimed));
    } catch (error) {
      logger.error('could not record a job attempt', { job: claimed.job.id, error: String(error) });
    } finally {
      attempting--;
    }
  }

  async function fill(): Promise<void> {
    if (planning < deps.planConcurrency) {
      for (const notification of await store.claimNotifications(deps.planConcurrency - planning)) {
        planning++;
        track(planOne(notification));
      }
    }
    if (attempting < deps.jobConcurrency) {
      const now = Date.now();
      for (const claimed of await store.claimDueJobs(now, deps.jobConcurrency - attempting)) {
        const delay = await deps.delayFor(claimed, now);
        if (delay > 0) {
          await store.releaseJob(claimed.job.id, now + delay);
          continue;
        }
        attempting++;
        track(attemptOne(claimed));
      }
    }
    deps.metrics.queueDepth.set(store.unfinishedCount());
  }

  async function sleep(): Promise<void> {
    if (kicked) return;
    // With every job slot taken, a due job waits for a slot (whose end kicks), not for its time.
    // A store that cannot answer (its database is down) must not end the loop: poll again after the idle wait.
    const due = attempting < deps.jobConcurrency ? await store.nextDueAt().catch(() => undefined) : undefined;
    const delay = Math.max(0, Math.min(IDLE_POLL_MS, due === undefined ? IDLE_POLL_MS : due - Date.now()));
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
      } catch (error) {
        logger.error('delivery loop failed; retrying', { error: String(error) });
      }
      if (!stopping) await sleep();
    }
  }

  return {
    start() {
      if (loop === undefined) loop = run();
    },
    kick,
    async stop(graceMs, abort) {
      stopping = true;
      kick();
      await loop;
      if (!(await settlesWithin(Promise.all(running), graceMs))) {
        abort?.();
        await settlesWithin(Promise.all(running), ABORT_SETTLE_MS);
      }
      return { unfinished: store.unfinishedCount() };
    },
  };
}
