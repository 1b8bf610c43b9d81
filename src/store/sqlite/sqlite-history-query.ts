import type { Database } from 'better-sqlite3';
import type { HistoryPage, HistoryQuery } from '../ports/history.js';
import type { NotificationRecord } from '../ports/records.js';
import { FILTER_SCAN_BYTES, FILTER_SCAN_ROWS, recordMatches } from '../history-filter.js';
import type { HistoryFilter } from '../ports/history-filter.js';
import { NOTIFICATION_COLUMNS, NOTIFICATIONS_WITH_BODIES } from './sqlite-columns.js';
import type { NotificationRow } from './sqlite-rows.js';
import type { Statements } from './sqlite-statements.js';

/** A filtered history scan for SQLite: the statement text and its named parameters. */
export interface FilteredScan {
  readonly sql: string;
  readonly params: Record<string, string | number>;
}

const JOB_OUTCOME_SQL: Record<string, string> = {
  delivered: `j.state = 'succeeded'`,
  retrying: `j.state IN ('pending', 'running') AND j.attempts != '[]'`,
  dead: `j.state = 'dead'`,
  failed: `j.state = 'failed'`,
};
const EVENT_KIND: Record<string, string> = { duplicate: 'deduplicated', 'rate-limited': 'rate-limited' };

/**
 * The part of a filter SQLite can answer from columns and indexes: the time range (received_at),
 * action and outcome (jobs and events, by notification), and a fingerprint (its quoted text in the
 * body: cheap, and checked exactly once decoded). Label matchers (RE2) and the status are checked
 * on the decoded rows. The scan reads positions in [`floor`, `before`), newest first.
 */
export function filteredScan(filter: HistoryFilter): FilteredScan {
  const where = ['n.rowid < @before', 'n.rowid >= @floor'];
  const params: Record<string, string | number> = {};
  if (filter.since !== undefined) {
    where.push('n.received_at >= @since');
    params.since = filter.since;
  }
  if (filter.until !== undefined) {
    where.push('n.received_at < @until');
    params.until = filter.until;
  }
  const kind = filter.outcome === undefined ? undefined : EVENT_KIND[filter.outcome];
  if (filter.action !== undefined) params.action = filter.action;
  if (kind !== undefined) {
    params.kind = kind;
    where.push(
      `EXISTS (SELECT 1 FROM events e WHERE e.notification_id = n.id AND e.kind = @kind${filter.action === undefined ? '' : ' AND e.action = @action'})`,
    );
  } else if (filter.action !== undefined || filter.outcome !== undefined) {
    const conditions = ['j.notification_id = n.id'];
    if (filter.action !== undefined) conditions.push('j.action = @action');
    if (filter.outcome !== undefined) conditions.push(JOB_OUTCOME_SQL[filter.outcome] as string);
    where.push(`EXISTS (SELECT 1 FROM jobs j WHERE ${conditions.join(' AND ')})`);
  }
  if (filter.fingerprint !== undefined) {
    where.push('instr(b.body, @needle) > 0');
    params.needle = `"fingerprint":${JSON.stringify(filter.fingerprint)}`;
  }
  const sql = `SELECT ${NOTIFICATION_COLUMNS} FROM ${NOTIFICATIONS_WITH_BODIES}
    WHERE ${where.join(' AND ')} ORDER BY n.rowid DESC`;
  return { sql, params };
}

export interface FilteredPageDeps {
  readonly db: Database;
  readonly sql: Statements;
  readonly toRecord: (row: NotificationRow) => NotificationRecord;
}

/**
 * A filtered page reads at most `FILTER_SCAN_ROWS` positions below `before`, and at most
 * `FILTER_SCAN_BYTES` of bodies, so a rare match costs several short pages rather than one scan of
 * the whole history (SQLite answers every caller from this thread); `resumeBefore` says where the
 * next one starts.
 */
export function readFilteredPage(deps: FilteredPageDeps, query: HistoryQuery, filter: HistoryFilter): HistoryPage {
  const newest = (deps.sql.newestPosition.get() as { position: number | null }).position ?? 0;
  const before = Math.min(query.before ?? newest + 1, newest + 1);
  const floor = Math.max(1, before - FILTER_SCAN_ROWS);
  const scan = filteredScan(filter);
  const maxBytes = query.maxBytes ?? Number.POSITIVE_INFINITY;
  const records: NotificationRecord[] = [];
  let bytes = 0;
  let scanned = 0;
  for (const row of deps.db.prepare(scan.sql).iterate({ ...scan.params, before, floor }) as IterableIterator<NotificationRow>) {
    if (scanned > FILTER_SCAN_BYTES) return { records, more: true, resumeBefore: row.position + 1 };
    scanned += row.body.length;
    const record = deps.toRecord(row);
    if (!recordMatches(record, filter)) continue;
    bytes += row.body.length;
    if (records.length > 0 && bytes > maxBytes) return { records, more: true };
    records.push(record);
    if (records.length >= query.limit) return { records, more: deps.sql.olderExists.get(record.position) !== undefined };
  }
  const more = deps.sql.olderExists.get(floor) !== undefined;
  return more ? { records, more, resumeBefore: floor } : { records, more };
}
