/**
 * How long to wait after the `failures`-th store failure in a row: 100 ms doubling to 5 s. A store
 * that fails at once (a full disk) must not be retried in a tight loop, nor left alone for long
 * once it may work again.
 */
export function storeBackoffMs(failures: number): number {
  return Math.min(5_000, 100 * 2 ** Math.min(16, Math.max(0, failures - 1)));
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
