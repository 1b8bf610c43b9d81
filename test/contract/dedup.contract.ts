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
}
