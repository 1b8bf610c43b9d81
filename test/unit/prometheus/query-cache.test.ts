import { describe, expect, it } from 'vitest';
import { QueryCache, type Loaded } from '../../../src/prometheus/query-cache.js';

const answer = (value: string, bytes: number) => async (): Promise<Loaded<string>> => ({ value, bytes });

describe('query cache', () => {
  it('evicts the least recently used answers once their bytes pass the limit', async () => {
    const cache = new QueryCache({ ttlMs: 60_000, maxBytes: 300, maxEntries: 100 });
    await cache.get('a', answer('A', 100)).promise;
    await cache.get('b', answer('B', 100)).promise;
    await cache.get('c', answer('C', 100)).promise;
    expect(cache.get('a', answer('A2', 100)).hit).toBe(true); // a is now the most recent
    await cache.get('d', answer('D', 100)).promise; // 400 bytes: b, the least recent, goes
    expect(cache.size()).toEqual({ entries: 3, bytes: 300 });
    expect(cache.get('b', answer('B2', 100)).hit).toBe(false);
    expect(await cache.get('a', answer('A3', 100)).promise).toBe('A');
  });

  it('bounds the number of entries too, and never keeps an answer larger than the whole budget', async () => {
    const cache = new QueryCache({ ttlMs: 60_000, maxBytes: 1000, maxEntries: 2 });
    for (const key of ['a', 'b', 'c']) await cache.get(key, answer(key, 1)).promise;
    expect(cache.size()).toEqual({ entries: 2, bytes: 2 });
    await cache.get('huge', answer('huge', 5000)).promise;
    expect(cache.size()).toEqual({ entries: 2, bytes: 2 });
  });

  it('aborts a shared request once every caller waiting on it has given up, not before', async () => {
    const cache = new QueryCache({ ttlMs: 60_000, maxBytes: 1000, maxEntries: 10 });
    let loadSignal: AbortSignal | undefined;
    const load = (signal: AbortSignal) => {
      loadSignal = signal;
      return new Promise<Loaded<string>>(() => {});
    };
    const first = new AbortController();
    const second = new AbortController();
    const a = cache.get('q', load, first.signal).promise.catch((error: unknown) => error);
    const b = cache.get('q', load, second.signal).promise.catch((error: unknown) => error);
    first.abort(new Error('first gave up'));
    expect(await a).toMatchObject({ message: 'first gave up' });
    expect(loadSignal!.aborted).toBe(false);
    second.abort(new Error('second gave up'));
    expect(await b).toMatchObject({ message: 'second gave up' });
    expect(loadSignal!.aborted).toBe(true);
    // The abandoned request is forgotten: the next caller asks afresh.
    expect(cache.get('q', answer('fresh', 1)).hit).toBe(false);
  });

  it('joins identical queries in flight even with remembering turned off', async () => {
    const cache = new QueryCache({ ttlMs: 0, maxBytes: 1000, maxEntries: 10 });
    let calls = 0;
    const load = async (): Promise<Loaded<string>> => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return { value: 'v', bytes: 1 };
    };
    const [x, y] = [cache.get('q', load), cache.get('q', load)];
    expect(y.hit).toBe(true);
    expect(await Promise.all([x.promise, y.promise])).toEqual(['v', 'v']);
    expect(calls).toBe(1);
    expect(cache.size().entries).toBe(0);
  });
});
