import { afterEach, describe } from 'vitest';
import type { DeliveryStore, StoreLimits } from '../../src/store/ports/delivery-store.js';
import { dedupContract } from './dedup.contract.js';
import { firstPostClaimsContract } from './first-post-claims.contract.js';
import { escalationTimersContract } from './escalation-timers.contract.js';
import { historyContract } from './history.contract.js';
import { incidentsContract } from './incidents.contract.js';
import { messageRefsContract } from './message-refs.contract.js';
import { queueContract } from './queue.contract.js';
import { rateLimitsContract } from './rate-limits.contract.js';
import type { ContractStores, StoreAdapter } from './store-contract.js';

export type { StoreAdapter } from './store-contract.js';

/**
 * What every delivery store does, whatever keeps its rows: each port's contract, in a file of its
 * own. Each adapter's test file calls this once; the tests are the same for all of them, so an
 * adapter cannot drift from the others.
 */
export function deliveryStoreContract(kind: string, adapter: () => StoreAdapter): void {
  describe(`the ${kind} store`, () => {
    const opened: DeliveryStore[] = [];
    const kept = async (store: Promise<DeliveryStore>): Promise<DeliveryStore> => {
      opened.push(await store);
      return opened.at(-1) as DeliveryStore;
    };
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
    });
    const { successor, sibling } = adapter();
    const stores: ContractStores = {
      kind,
      open: (limits?: Partial<StoreLimits>) => kept(adapter().open(limits)),
      ...(successor === undefined ? {} : { successor: (previous: DeliveryStore) => kept(adapter().successor!(previous)) }),
      ...(sibling === undefined ? {} : { sibling: (first: DeliveryStore) => kept(adapter().sibling!(first)) }),
    };

    describe('queue', () => queueContract(stores));
    describe('history', () => historyContract(stores));
    describe('deduplication', () => dedupContract(stores));
    describe('rate limits', () => rateLimitsContract(stores));
    describe('message references', () => messageRefsContract(stores));
    describe('first-post claims', () => firstPostClaimsContract(stores));
    describe('incidents', () => incidentsContract(stores));
    describe('escalation timers', () => escalationTimersContract(stores));
  });
}
