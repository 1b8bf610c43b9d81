import { Gauge, type Registry } from 'prom-client';

export interface StallSources {
  /** When the oldest unfinished notification arrived; `undefined` when none. Throws when the store cannot say. */
  readonly oldestUnfinishedAt: () => Promise<number | undefined>;
  readonly jobsRunning: () => number;
  readonly watchdogStalled: () => boolean;
}

/**
 * The gauges that show a stall from outside, read at each scrape (never stale):
 * `alertpipe_oldest_unfinished_seconds` (NaN when the store cannot be read: unknown is not 0),
 * `alertpipe_jobs_running` and `alertpipe_watchdog_stalled`.
 */
export function registerStallMetrics(registry: Registry, sources: StallSources): void {
  const registers = [registry];
  new Gauge({
    name: 'alertpipe_oldest_unfinished_seconds',
    help: 'Age of the oldest notification not yet finished (its jobs included); 0 when none, NaN when the store cannot be read.',
    registers,
    async collect() {
      try {
        const at = await sources.oldestUnfinishedAt();
        this.set(at === undefined ? 0 : Math.max(0, (Date.now() - at) / 1000));
      } catch {
        this.set(Number.NaN);
      }
    },
  });
  new Gauge({
    name: 'alertpipe_jobs_running',
    help: 'Action attempts running now.',
    registers,
    collect() {
      this.set(sources.jobsRunning());
    },
  });
  new Gauge({
    name: 'alertpipe_watchdog_stalled',
    help: '1 while work is due and no job has finished for delivery.watchdog, else 0.',
    registers,
    collect() {
      this.set(sources.watchdogStalled() ? 1 : 0);
    },
  });
}
