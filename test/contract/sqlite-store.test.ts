import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { DeliveryStore } from '../../src/store/ports/delivery-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { deliveryStoreContract } from './delivery-store.contract.js';

const dirs = new Map<DeliveryStore, string>();
afterAll(() => {
  for (const dir of dirs.values()) rmSync(dir, { recursive: true, force: true });
});

function openIn(dataDir: string, limits = {}): DeliveryStore {
  const store = new SqliteStore({ maxPending: 100, historyLimit: 100, ...limits, dataDir });
  dirs.set(store, dataDir);
  return store;
}

deliveryStoreContract('sqlite', () => ({
  open: async (limits) => openIn(mkdtempSync(path.join(tmpdir(), 'alertpipe-store-')), limits),
  // A restart on the same data directory.
  async successor(previous) {
    await previous.close();
    return openIn(dirs.get(previous) as string);
  },
}));
