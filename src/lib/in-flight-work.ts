// After the grace period, aborted work gets this long to record its outcome and answer.
const ABORT_SETTLE_MS = 2_000;

/**
 * Work under way that shutdown must wait for, and then cut short: the dispatcher's plans and
 * attempts, the `before-ack` actions a sender waits on, Slack clicks being handled. Each gets the
 * same treatment: a grace period to finish, then an abort, then a moment to record its outcome
 * and answer, before the store closes. (Before-ack runs tracked apart from the dispatcher's: an
 * idle dispatcher aborted nothing, and a hung command held the process until its timeout.)
 */
export class InFlightWork {
  private readonly running = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    void work.then(
      () => this.running.delete(work),
      () => this.running.delete(work),
    );
    return work;
  }

  /** Waits up to `graceMs` for what is running; then calls `abort` and waits a little more. */
  async stop(graceMs: number, abort: () => void): Promise<void> {
    if (this.running.size === 0) return;
    if (await settlesWithin(Promise.allSettled([...this.running]), graceMs)) return;
    abort();
    await settlesWithin(Promise.allSettled([...this.running]), ABORT_SETTLE_MS);
  }
}

function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void work.finally(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
