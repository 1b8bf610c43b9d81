import { interruptedTooOften, MAX_JOB_INTERRUPTIONS, type Recovered } from '../ports/records.js';
import type { PostgresConnection } from './postgres-connection.js';
import { SQL } from './postgres-statements.js';

/**
 * What a replica that went away was working on, taken over once its leases ran out: the
 * PostgreSQL store's `recover`, run at start and on claims. Notifications being planned are
 * queued again; each job counts one interruption and is pending again, or dead at
 * `MAX_JOB_INTERRUPTIONS`. A lease runs out only when its replica stopped renewing it (killed,
 * or cut off longer than the lease), so a lease expiry is an interruption exactly as a restart
 * is for SQLite; a slow attempt keeps its lease renewed and never counts. A notification whose
 * last open job is dead-lettered finishes in the same statement; `finished` hears how many did.
 */
export async function takeOverExpired(db: PostgresConnection, finished: (count: number) => Promise<void>): Promise<Recovered> {
  const notifications = await db.query(SQL.takeOverNotifications);
  const jobs = await db.query<{ action: string; state: string; done: number }>(SQL.takeOverJobs, [
    MAX_JOB_INTERRUPTIONS,
    JSON.stringify(interruptedTooOften(Date.now())),
  ]);
  const dead = jobs.filter((job) => job.state === 'dead');
  await finished(jobs[0]?.done ?? 0);
  return { notifications: notifications.length, jobs: jobs.length - dead.length, deadLettered: dead.map((job) => job.action) };
}
