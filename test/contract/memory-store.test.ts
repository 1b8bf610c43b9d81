import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { deliveryStoreContract } from './delivery-store.contract.js';

deliveryStoreContract('memory', () => ({
  open: async (limits) => new MemoryStore({ maxPending: 100, historyLimit: 100, ...limits }),
}));
