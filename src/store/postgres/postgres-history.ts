import type { HistoryPage, HistoryQuery, HistoryStore } from '../ports/history.js';
import type { HistoryEvent, NotificationRecord } from '../ports/records.js';
import { isFiltered } from '../history-filter.js';
import type { PostgresConnection } from './postgres-connection.js';
import { readFilteredPage } from './postgres-history-query.js';
import { toRecords, type NotificationRow } from './postgres-rows.js';
import { SQL } from './postgres-statements.js';

/**
 * The PostgreSQL store's history, which every replica reads: pages of notifications newest first
 * (a filtered one in postgres-history-query.ts), one notification, and the events added from
 * outside the queue.
 */
export class PostgresHistory implements HistoryStore {
  constructor(private readonly db: PostgresConnection) {}

  listNotifications(query: HistoryQuery): Promise<HistoryPage> {
    return isFiltered(query.filter) ? readFilteredPage(this.db, query, query.filter) : this.page(query);
  }

  async getNotification(id: string): Promise<NotificationRecord | undefined> {
    const [record] = await toRecords(this.db, await this.db.query<NotificationRow>(SQL.oneNotification, [id]));
    return record;
  }

  async recordEvent(notificationId: string, event: HistoryEvent): Promise<void> {
    await this.db.query(SQL.insertEvent, [notificationId, JSON.stringify(event)]);
  }

  /** A page of the history (see `SQL.historyPage`): the rows within count and budget, and whether more remain. */
  private async page(query: HistoryQuery): Promise<HistoryPage> {
    const rows = await this.db.query<NotificationRow & { keep: boolean }>(SQL.historyPage, [
      query.before ?? Number.MAX_SAFE_INTEGER,
      query.limit,
      query.maxBytes ?? null,
    ]);
    const page = rows.slice(0, query.limit);
    const kept = page.findIndex((row) => !row.keep);
    const records = await toRecords(this.db, kept === -1 ? page : page.slice(0, kept));
    return { records, more: rows.length > records.length };
  }
}
