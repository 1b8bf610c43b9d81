import type { HistoryPage, HistoryQuery, HistoryStore } from '../ports/history.js';
import type { HistoryEvent, NotificationRecord } from '../ports/records.js';
import { isFiltered } from '../history-filter.js';
import { decodeEnriched, decodeNotification } from '../notification-codec.js';
import { readFilteredPage } from './sqlite-history-query.js';
import { toJob, type JobRow, type NotificationRow } from './sqlite-rows.js';
import type { Statements } from './sqlite-statements.js';
import type { SqliteWriter } from './sqlite-writer.js';

/**
 * The SQLite store's history: pages of notifications newest first, one notification, and the
 * events added from outside the queue. Reads run at once, outside the write order.
 */
export class SqliteHistory implements HistoryStore {
  constructor(private readonly writer: SqliteWriter) {}

  /** The statements of the connection open now (a write-back reopens it). */
  private get sql(): Statements {
    return this.writer.sql;
  }

  listNotifications(query: HistoryQuery): Promise<HistoryPage> {
    if (isFiltered(query.filter)) {
      const filter = query.filter;
      return this.writer.read(() =>
        readFilteredPage({ db: this.writer.db, sql: this.sql, toRecord: (row) => this.toRecord(row) }, query, filter),
      );
    }
    return this.writer.read((): HistoryPage => {
      const records: NotificationRecord[] = [];
      const before = query.before ?? Number.MAX_SAFE_INTEGER;
      const maxBytes = query.maxBytes ?? Number.POSITIVE_INFINITY;
      let bytes = 0;
      // Row by row, so a page of large bodies stops reading at its budget instead of holding them all.
      for (const row of this.sql.historyPage.iterate(before, query.limit) as IterableIterator<NotificationRow>) {
        bytes += row.body.length;
        if (records.length > 0 && bytes > maxBytes) {
          return { records, more: true };
        }
        records.push(this.toRecord(row));
      }
      const last = records.at(-1);
      return { records, more: last !== undefined && this.sql.olderExists.get(last.position) !== undefined };
    });
  }

  getNotification(id: string): Promise<NotificationRecord | undefined> {
    return this.writer.read(() => {
      const row = this.sql.oneNotification.get(id) as NotificationRow | undefined;
      return row === undefined ? undefined : this.toRecord(row);
    });
  }

  recordEvent(notificationId: string, event: HistoryEvent): Promise<void> {
    return this.writer.write(() => {
      this.sql.insertEventIfKept.run(event.kind, event.action ?? null, JSON.stringify(event), notificationId);
    });
  }

  private toRecord(row: NotificationRow): NotificationRecord {
    return {
      id: row.id,
      position: row.position,
      state: row.state,
      receivedAt: row.received_at,
      // Once routed, a body enrichment added nothing to was not written again: read it as enriched.
      notification:
        row.state === 'delivering' || row.state === 'done'
          ? decodeEnriched(row.body, row.original ?? '')
          : decodeNotification(row.body, row.original ?? ''),
      jobs: (this.sql.jobsOf.all(row.id) as JobRow[]).map(toJob),
      events: (this.sql.eventsOf.all(row.id) as Array<{ body: string }>).map((e) => JSON.parse(e.body) as HistoryEvent),
    };
  }
}
