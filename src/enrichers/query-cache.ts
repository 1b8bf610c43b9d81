/**
 * Remembers query results for a short time and joins identical queries in flight. Failures are
 * not remembered: the next caller asks again.
 */
export class QueryCache {
  private readonly entries = new Map<string, { expires: number; promise: Promise<unknown> }>();

  constructor(private readonly ttlMs: number) {}

  get<T>(key: string, load: () => Promise<T>): { promise: Promise<T>; hit: boolean } {
    const now = Date.now();
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.expires > now) return { promise: entry.promise as Promise<T>, hit: true };
    if (this.ttlMs <= 0) return { promise: load(), hit: false };
    if (this.entries.size > 1000) this.evictExpired(now);
    const promise = load();
    this.entries.set(key, { expires: now + this.ttlMs, promise });
    promise.catch(() => {
      if (this.entries.get(key)?.promise === promise) this.entries.delete(key);
    });
    return { promise, hit: false };
  }

  private evictExpired(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expires <= now) this.entries.delete(key);
  }
}
