import { randomUUID } from 'node:crypto';
import type { DedupStore } from '../store/ports/dedup.js';

/**
 * Claims `key` in the store's dedup keys (shared by replicas) for `windowMs`: `first` is false when
 * it was claimed before within its window (a redelivered or replayed event). Each call is a holder
 * of its own, so a second claim of the key is a duplicate; `giveUp` frees it again (the holder
 * claiming once more with no window), for an event whose change was not kept.
 */
export async function claimOnce(
  store: Pick<DedupStore, 'claimDedupKeys'>,
  key: string,
  windowMs: number,
): Promise<{ readonly first: boolean; giveUp(): Promise<void> }> {
  const holder = randomUUID();
  const claimed = await store.claimDedupKeys(holder, [key], Date.now(), windowMs);
  return { first: claimed.size === 0, giveUp: async () => void (await store.claimDedupKeys(holder, [key], Date.now(), 0)) };
}
