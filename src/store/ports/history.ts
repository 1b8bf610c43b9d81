import type { HistoryFilter } from './history-filter.js';
import type { HistoryEvent, NotificationRecord } from './records.js';

/** One page of the history, newest first. */
export interface HistoryQuery {
  readonly limit: number;
  /** Only notifications older than this position (the last one of the previous page). */
  readonly before?: number;
  /**
   * Stop once the stored notifications read pass this many bytes; the first one is always read,
   * so a page always moves on. Without it, `limit` alone bounds the page.
   */
  readonly maxBytes?: number;
  /** Only notifications that match (see history-filter.ts); a filtered page reads a bounded stretch. */
  readonly filter?: HistoryFilter;
}

export interface HistoryPage {
  readonly records: readonly NotificationRecord[];
  /** Older notifications remain past the last record. */
  readonly more: boolean;
  /**
   * Set when a filtered page stopped at its scanning bound before `limit` matches: the next page
   * reads on below this position, not below the last record (which may be far newer, or absent).
   */
  readonly resumeBefore?: number;
}

/** The history: what came in, what was planned for it, and every attempt. */
export interface HistoryStore {
  /** A page of the history, newest first, bounded by count and by bytes (see `HistoryQuery`). */
  listNotifications(query: HistoryQuery): Promise<HistoryPage>;
  getNotification(id: string): Promise<NotificationRecord | undefined>;
  /**
   * Adds something that happened outside the queue (an acknowledgement) to a notification's
   * history, after what is there; a notification no longer kept is left alone.
   */
  recordEvent(notificationId: string, event: HistoryEvent): Promise<void>;
}
