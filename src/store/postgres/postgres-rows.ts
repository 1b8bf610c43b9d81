import type { AttemptRecord, HistoryEvent, Job, JobState, NotificationRecord, NotificationState } from '../ports/records.js';
import { decodeNotification } from '../notification-codec.js';
import type { PostgresConnection } from './postgres-connection.js';
import { SQL } from './postgres-statements.js';

/** Rows as pg returns them: jsonb parsed, bigint read as numbers (see postgres-connection.ts). */
export interface JobRow {
  id: string;
  notification_id: string;
  action: string;
  fingerprints: string[];
  state: JobState;
  created_at: number;
  next_attempt_at: number;
  attempts: AttemptRecord[];
  result: Record<string, unknown> | null;
}

export interface NotificationRow {
  position: number;
  id: string;
  state: NotificationState;
  received_at: number;
  body: string;
  /** Absent from history pages. */
  original?: string;
}

export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    notificationId: row.notification_id,
    action: row.action,
    fingerprints: row.fingerprints,
    state: row.state,
    createdAt: row.created_at,
    nextAttemptAt: row.next_attempt_at,
    attempts: row.attempts,
    ...(row.result === null ? {} : { result: row.result }),
  };
}

/** History records for these notifications, their jobs and their events read in one query each. */
export async function toRecords(db: PostgresConnection, rows: NotificationRow[]): Promise<NotificationRecord[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const [jobs, events] = await Promise.all([
    db.query<JobRow>(SQL.jobsOf, [ids]),
    db.query<{ notification_id: string; body: HistoryEvent }>(SQL.eventsOf, [ids]),
  ]);
  return rows.map((row) => ({
    id: row.id,
    position: row.position,
    state: row.state,
    receivedAt: row.received_at,
    notification: decodeNotification(row.body, row.original ?? ''),
    jobs: jobs.filter((job) => job.notification_id === row.id).map(toJob),
    events: events.filter((event) => event.notification_id === row.id).map((event) => event.body),
  }));
}
