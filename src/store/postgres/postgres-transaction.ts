import type pg from 'pg';
import type { PostgresConnection } from './postgres-connection.js';

/**
 * Runs `work` in one transaction on one client of the pool: committed when it returns, rolled back
 * when it throws. For changes that read a row (under `FOR UPDATE`) before deciding how to write it.
 */
export async function inTransaction<T>(db: PostgresConnection, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  db.requireReady();
  const client = await db.pool.connect().catch((error: unknown) => {
    throw new Error(`PostgreSQL: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  });
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
