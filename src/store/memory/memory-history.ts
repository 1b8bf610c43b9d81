import type { HistoryPage, HistoryQuery, HistoryStore } from '../ports/history.js';
import type { HistoryEvent, Job, NotificationRecord } from '../ports/records.js';
import { isFiltered, recordMatches } from '../history-filter.js';
import type { MemoryTables } from './memory-tables.js';

/** The memory store's history, read from the tables its queue keeps. */
export class MemoryHistory implements HistoryStore {
  constructor(private readonly tables: MemoryTables) {}

  async listNotifications(query: HistoryQuery): Promise<HistoryPage> {
    const before = query.before ?? Number.POSITIVE_INFINITY;
    const { filter } = query;
    // Memory holds at most the history limit, so a filter reads it all rather than by stretches.
    const older = [...this.tables.entries.values()]
      .filter(
        (entry) =>
          entry.position < before &&
          (!isFiltered(filter) || recordMatches(this.record(entry.notification.id) as NotificationRecord, filter)),
      )
      .reverse();
    const records: NotificationRecord[] = [];
    let bytes = 0;
    for (const entry of older.slice(0, query.limit)) {
      // What the SQLite store would have read; memory holds it anyway, so the estimate may be rough.
      bytes += JSON.stringify(entry.notification).length;
      if (records.length > 0 && bytes > (query.maxBytes ?? Number.POSITIVE_INFINITY)) break;
      records.push(this.record(entry.notification.id) as NotificationRecord);
    }
    return { records, more: records.length < older.length };
  }

  async getNotification(id: string): Promise<NotificationRecord | undefined> {
    return this.record(id);
  }

  async recordEvent(notificationId: string, event: HistoryEvent): Promise<void> {
    this.tables.entries.get(notificationId)?.events.push(event);
  }

  private record(id: string): NotificationRecord | undefined {
    const entry = this.tables.entries.get(id);
    if (entry === undefined) return undefined;
    return {
      id,
      position: entry.position,
      state: entry.state,
      receivedAt: entry.notification.receivedAt.getTime(),
      notification: entry.notification,
      jobs: entry.jobIds.map((jobId) => this.tables.jobs.get(jobId) as Job),
      events: [...entry.events],
    };
  }
}
