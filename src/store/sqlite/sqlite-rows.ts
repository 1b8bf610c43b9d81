import type { MessageRef } from '../ports/message-refs.js';
import type { AttemptRecord, Job, JobState, NotificationState } from '../ports/records.js';

/** Rows as the SQLite store's statements return them. */
export interface JobRow {
  id: string;
  notification_id: string;
  action: string;
  fingerprints: string;
  state: JobState;
  created_at: number;
  next_attempt_at: number;
  attempts: string;
  result: string | null;
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
    fingerprints: JSON.parse(row.fingerprints) as string[],
    state: row.state,
    createdAt: row.created_at,
    nextAttemptAt: row.next_attempt_at,
    attempts: JSON.parse(row.attempts) as AttemptRecord[],
    ...(row.result === null ? {} : { result: JSON.parse(row.result) as Record<string, unknown> }),
  };
}

export interface MessageRefRow {
  id: string;
  action: string;
  channel: string;
  group_key: string;
  channel_id: string;
  ts: string;
  state: string;
  updated_at: number;
}

export function toMessageRef(row: MessageRefRow): MessageRef {
  return {
    id: row.id,
    action: row.action,
    channel: row.channel,
    groupKey: row.group_key,
    channelId: row.channel_id,
    ts: row.ts,
    state: JSON.parse(row.state) as Record<string, unknown>,
    updatedAt: row.updated_at,
  };
}
