import { describe, expect, it } from 'vitest';
import { coalescedCalls } from '../../../src/store/coalesced-calls.js';

/** A batch function that doubles numbers, remembers each batch it was given, and refuses negatives. */
function doubler(): { batches: number[][]; call: (n: number) => Promise<number> } {
  const batches: number[][] = [];
  const call = coalescedCalls<number, number>(async (items) => {
    batches.push([...items]);
    if (items.some((n) => n < 0)) throw new Error(`refused ${items.join(',')}`);
    return items.map((n) => n * 2);
  });
  return { batches, call };
}

describe('coalescedCalls', () => {
  it('hands the calls of one turn to one batch, and each caller its own result', async () => {
    const { batches, call } = doubler();
    expect(await Promise.all([call(1), call(2), call(3)])).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('starts a new batch for calls made after the turn', async () => {
    const { batches, call } = doubler();
    expect(await call(1)).toBe(2);
    expect(await Promise.all([call(2), call(3)])).toEqual([4, 6]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('tries a failed batch item by item, so that only the item refused fails', async () => {
    const { batches, call } = doubler();
    const results = await Promise.allSettled([call(1), call(-1), call(3)]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([2, 'refused -1', 6]);
    expect(batches).toEqual([[1, -1, 3], [1], [-1], [3]]);
  });

  it('bounds a batch, and serves what is left over in the next', async () => {
    const { batches, call } = doubler();
    const results = await Promise.all(Array.from({ length: 600 }, (_, i) => call(i)));
    expect(results).toEqual(Array.from({ length: 600 }, (_, i) => i * 2));
    expect(batches.map((batch) => batch.length)).toEqual([256, 256, 88]);
  });
});
