/** What a load produces: the value, and what it weighs (the answer's size in bytes). */
export interface Loaded<T> {
  readonly value: T;
  readonly bytes: number;
}

export interface QueryCacheLimits {
  /** How long an answer is reused; 0 turns remembering off (identical queries in flight still share one request). */
  readonly ttlMs: number;
  /** Answers remembered at most, by total size of the answers as received. */
  readonly maxBytes: number;
  readonly maxEntries: number;
}

interface InFlight {
  readonly promise: Promise<Loaded<unknown>>;
  readonly controller: AbortController;
  waiters: number;
}

/**
 * Remembers query answers for a short time and joins identical queries in flight. Bounded by bytes
 * and by entries, least recently used first out, so one burst of large answers cannot hold the
 * heap. A request in flight is aborted (its socket closed) once every caller waiting on it has
 * given up; a caller that gives up while others wait only stops waiting. Failures are not
 * remembered: the next caller asks again.
 */
export class QueryCache {
  // Map order is recency order: a hit moves its entry to the end, eviction takes from the front.
  private readonly answers = new Map<string, { expires: number; loaded: Loaded<unknown> }>();
  private readonly inFlight = new Map<string, InFlight>();
  private bytes = 0;

  constructor(private readonly limits: QueryCacheLimits) {}

  /** The answer for `key`, from memory, from a request in flight, or from `load`; `hit` when no new request was made. */
  get<T>(key: string, load: (signal: AbortSignal) => Promise<Loaded<T>>, signal?: AbortSignal): { promise: Promise<T>; hit: boolean } {
    const now = Date.now();
    const remembered = this.answers.get(key);
    if (remembered !== undefined && remembered.expires > now) {
      this.answers.delete(key);
      this.answers.set(key, remembered);
      return { promise: Promise.resolve(remembered.loaded.value as T), hit: true };
    }
    if (remembered !== undefined) this.forget(key);
    const joined = this.inFlight.get(key);
    if (joined !== undefined) return { promise: this.wait(key, joined, signal) as Promise<T>, hit: true };

    const controller = new AbortController();
    const promise = load(controller.signal);
    const flight: InFlight = { promise, controller, waiters: 0 };
    this.inFlight.set(key, flight);
    promise.then(
      (loaded) => {
        if (this.inFlight.get(key) === flight) this.inFlight.delete(key);
        this.remember(key, loaded);
      },
      () => {
        if (this.inFlight.get(key) === flight) this.inFlight.delete(key);
      },
    );
    return { promise: this.wait(key, flight, signal) as Promise<T>, hit: false };
  }

  /** Entries and bytes held, for tests and for reasoning about memory. */
  size(): { entries: number; bytes: number } {
    return { entries: this.answers.size, bytes: this.bytes };
  }

  private wait(key: string, flight: InFlight, signal: AbortSignal | undefined): Promise<unknown> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    flight.waiters++;
    return new Promise((resolve, reject) => {
      let done = false;
      const leave = (): boolean => {
        if (done) return false;
        done = true;
        flight.waiters--;
        signal?.removeEventListener('abort', onAbort);
        return true;
      };
      const onAbort = (): void => {
        if (!leave()) return;
        if (flight.waiters === 0) {
          // Nobody wants this answer any more: stop reading it, and let the next caller start afresh.
          if (this.inFlight.get(key) === flight) this.inFlight.delete(key);
          flight.controller.abort(signal?.reason);
        }
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (loaded) => {
          if (leave()) resolve(loaded.value);
        },
        (error: unknown) => {
          if (leave()) reject(error);
        },
      );
    });
  }

  private remember(key: string, loaded: Loaded<unknown>): void {
    if (this.limits.ttlMs <= 0 || loaded.bytes > this.limits.maxBytes) return;
    this.forget(key);
    this.answers.set(key, { expires: Date.now() + this.limits.ttlMs, loaded });
    this.bytes += loaded.bytes;
    for (const oldest of this.answers.keys()) {
      if (this.bytes <= this.limits.maxBytes && this.answers.size <= this.limits.maxEntries) break;
      this.forget(oldest);
    }
  }

  private forget(key: string): void {
    const entry = this.answers.get(key);
    if (entry === undefined) return;
    this.answers.delete(key);
    this.bytes -= entry.loaded.bytes;
  }
}
