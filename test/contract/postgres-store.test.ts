import { afterAll, beforeAll, describe } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createLogger } from '../../src/observability/logger.js';
import { postgresAvailable, startPostgres, type RealPostgres } from '../support/real-postgres.js';
import { deliveryStoreContract } from './delivery-store.contract.js';

const postgres = postgresAvailable();
// Short, so that the contract's "went away" case waits a fraction of a second, not the default 30 s.
const LEASE_MS = 600;

describe.skipIf(!postgres.available)('PostgreSQL', () => {
  let server: RealPostgres;
  const urls = new Map<PostgresStore, string>();
  const logger = createLogger({ level: 'error', format: 'json' });

  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server?.remove());

  async function openAt(url: string, limits = {}): Promise<PostgresStore> {
    const store = new PostgresStore({ maxPending: 100, historyLimit: 100, ...limits, url, poolSize: 4, leaseMs: LEASE_MS, logger });
    await store.ready();
    urls.set(store, url);
    return store;
  }

  deliveryStoreContract('postgres', () => ({
    open: async (limits) => openAt(await server.createDatabase(), limits),
    // Another replica on the same database, started once the leases of the first have run out
    // (a replica restarted after a kill, or another one), so that its `recover` takes them over.
    async successor(previous) {
      await previous.close();
      await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 300));
      return openAt(urls.get(previous as PostgresStore) as string);
    },
    sibling: async (first) => openAt(urls.get(first as PostgresStore) as string),
  }));
});
