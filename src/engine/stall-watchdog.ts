import type { Logger } from '../observability/logger.js';

export interface WatchdogDeps {
  /** `delivery.watchdog`: how long work may be due with no job finishing; 0 turns the watchdog off. */
  readonly thresholdMs: number;
  readonly jobsRunning: () => number;
  /** When the earliest pending job falls due (the store's `nextDueAt`). */
  readonly nextDueAt: () => Promise<number | undefined>;
  readonly logger: Logger;
  readonly now?: () => number;
}

export interface Watchdog {
  /** An attempt ended: delivery moves. */
  jobFinished(): void;
  /** One look; the timer calls it, tests call it with their own clock. */
  check(): Promise<void>;
  start(): void;
  stop(): void;
  /** For readiness: failing, with the reason, while stalled. */
  state(): { ok: true } | { ok: false; reason: string };
}

/**
 * Notices the stall nobody foresaw: work is due (a job runs, or one's time has come) and no job
 * has finished for `thresholdMs`. Hung attempts holding every slot, a dispatcher loop that
 * stopped, an event loop blocked by something: each looks the same from here, and each would
 * otherwise stop delivery without a word. It logs an error, fails readiness and shows in
 * `alertpipe_watchdog_stalled` until a job finishes.
 */
export function createWatchdog(deps: WatchdogDeps): Watchdog {
  const clock = deps.now ?? Date.now;
  let lastFinishedAt = clock();
  let dueSince: number | undefined;
  let stalled: string | undefined;
  let timer: NodeJS.Timeout | undefined;

  async function workIsDue(now: number): Promise<boolean> {
    if (deps.jobsRunning() > 0) return true;
    // A store that cannot answer has its own signal (alertpipe_store_errors_total, readiness).
    const next = await deps.nextDueAt().catch(() => undefined);
    return next !== undefined && next <= now;
  }

  return {
    jobFinished() {
      lastFinishedAt = clock();
      if (stalled === undefined) return;
      deps.logger.warn('delivery moves again: a job finished', { after: stalled });
      stalled = undefined;
    },
    async check() {
      if (deps.thresholdMs <= 0) return;
      const now = clock();
      if (!(await workIsDue(now))) {
        dueSince = undefined;
        return;
      }
      dueSince ??= now;
      const quietMs = now - Math.max(dueSince, lastFinishedAt);
      if (quietMs < deps.thresholdMs || stalled !== undefined) return;
      stalled = `work is due and no job has finished for ${Math.round(quietMs / 1000)} s (delivery.watchdog is ${deps.thresholdMs / 1000} s); ${deps.jobsRunning()} running`;
      deps.logger.error('delivery stalled', { reason: stalled, jobsRunning: deps.jobsRunning() });
    },
    start() {
      if (deps.thresholdMs <= 0 || timer !== undefined) return;
      timer = setInterval(() => void this.check(), Math.max(50, Math.min(5_000, deps.thresholdMs / 4)));
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
    state: () => (stalled === undefined ? { ok: true } : { ok: false, reason: stalled }),
  };
}
