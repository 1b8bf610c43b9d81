import type { EnrichedNotification, Notification } from '../../model/model.js';
import type { HistoryEvent, Job, NotificationState } from '../ports/records.js';

/** A notification as the memory store keeps it, with the ids of its jobs and its history events. */
export interface Entry {
  readonly position: number;
  state: NotificationState;
  notification: Notification | EnrichedNotification;
  jobIds: string[];
  events: HistoryEvent[];
}

/**
 * What the memory store's queue writes and its history reads: every notification kept, in
 * arrival order (Map order), and every job by id.
 */
export interface MemoryTables {
  readonly entries: Map<string, Entry>;
  readonly jobs: Map<string, Job>;
}
