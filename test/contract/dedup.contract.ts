import { expect, it } from 'vitest';
import { type ContractStores } from './store-contract.js';

/** What every adapter does as deduplication: run on each by delivery-store.contract.ts. */
export function dedupContract({ open }: ContractStores): void {
  it('finds duplicates from other notifications within the window, never from itself', async () => {
    const store = await open();
    expect(await store.claimDedupKeys('n1', ['k1', 'k2'], 1000, 500)).toEqual(new Set());
    expect(await store.claimDedupKeys('n1', ['k1'], 1100, 500)).toEqual(new Set());
    expect(await store.claimDedupKeys('n2', ['k1', 'k3'], 1200, 500)).toEqual(new Set(['k1']));
    expect(await store.claimDedupKeys('n3', ['k1'], 1700, 500)).toEqual(new Set());
  });

  it('claims a batch as one claim after another: the first of two takes a shared key, unless the second holds it already', async () => {
    const store = await open();
    expect(await store.claimDedupKeys('held', ['k9'], 1000, 500)).toEqual(new Set());
    const claims = [
      { notificationId: 'n1', keys: ['k1', 'k2', 'k1'], now: 1000, windowMs: 500 },
      { notificationId: 'n2', keys: ['k1', 'k3'], now: 1001, windowMs: 500 },
      { notificationId: 'n3', keys: ['k9'], now: 1001, windowMs: 500 },
      { notificationId: 'held', keys: ['k9'], now: 1002, windowMs: 500 },
      { notificationId: 'n4', keys: [], now: 1002, windowMs: 500 },
    ];
    expect(await store.claimDedupKeysBatch(claims)).toEqual([new Set(), new Set(['k1']), new Set(['k9']), new Set(), new Set()]);
    // What the batch took is held as a single claim would hold it.
    expect(await store.claimDedupKeys('n5', ['k1', 'k2', 'k3', 'k9'], 1200, 500)).toEqual(new Set(['k1', 'k2', 'k3', 'k9']));
    expect(await store.claimDedupKeysBatch([])).toEqual([]);
  });

  it('gathers the claims made at once into batches and answers each with its own duplicates', async () => {
    const store = await open();
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) => store.claimDedupKeys(`n${i}`, [`own${i}`, 'shared'], 1000, 500)),
    );
    expect(answers.filter((duplicates) => duplicates.has('shared'))).toHaveLength(299);
    expect(answers.every((duplicates) => !duplicates.has('own0') && duplicates.size <= 1)).toBe(true);
  });

  it('the holder claiming again with no window gives the key up to the next claimant', async () => {
    const store = await open();
    expect(await store.claimDedupKeys('h1', ['event'], 1000, 60_000)).toEqual(new Set());
    expect(await store.claimDedupKeys('h2', ['event'], 1100, 60_000)).toEqual(new Set(['event']));
    expect(await store.claimDedupKeys('h1', ['event'], 1200, 0)).toEqual(new Set());
    expect(await store.claimDedupKeys('h3', ['event'], 1200, 60_000)).toEqual(new Set());
    expect(await store.claimDedupKeys('h4', ['event'], 1300, 60_000)).toEqual(new Set(['event']));
  });
}
