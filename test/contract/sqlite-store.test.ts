import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { DeliveryStore } from '../../src/store/ports/delivery-store.js';
import type { SqliteStoreOptions } from '../../src/store/sqlite/sqlite-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { ThreadedSqliteStore } from '../../src/store/sqlite/threaded-sqlite-store.js';
import { deliveryStoreContract } from './delivery-store.contract.js';

const dirs = new Map<DeliveryStore, string>();
afterAll(() => {
  for (const dir of dirs.values()) rmSync(dir, { recursive: true, force: true });
});

// The same contract in the event loop's thread and on a thread of its own (`delivery.sqlite_thread`),
// where every call crosses to the store's thread and back.
for (const [name, openStore] of [
  ['sqlite', async (options: SqliteStoreOptions) => new SqliteStore(options)],
  ['sqlite on its own thread', (options: SqliteStoreOptions) => ThreadedSqliteStore.open(options)],
] as const) {
  const openIn = async (dataDir: string, limits = {}): Promise<DeliveryStore> => {
    const store = await openStore({ maxPending: 100, historyLimit: 100, ...limits, dataDir });
    dirs.set(store, dataDir);
    return store;
  };
  deliveryStoreContract(name, () => ({
    open: async (limits) => openIn(mkdtempSync(path.join(tmpdir(), 'alertpipe-store-')), limits),
    // A restart on the same data directory.
    async successor(previous) {
      await previous.close();
      return openIn(dirs.get(previous) as string);
    },
  }));
}
