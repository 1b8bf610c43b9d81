import type { HistoryPage, HistoryQuery } from '../ports/history.js';
import type { NotificationRecord } from '../ports/records.js';
import { FILTER_SCAN_BYTES, FILTER_SCAN_ROWS, recordMatches } from '../history-filter.js';
import type { HistoryFilter } from '../ports/history-filter.js';
import { NOTIFICATION_COLUMNS } from './postgres-columns.js';
import type { PostgresConnection } from './postgres-connection.js';
import { toRecords, type NotificationRow } from './postgres-rows.js';
import { SQL } from './postgres-statements.js';

const JOB_OUTCOME_SQL: Record<string, string> = {
  delivered: `j.state = 'succeeded'`,
  retrying: `j.state IN ('pending', 'running') AND jsonb_array_length(j.attempts) > 0`,
  dead: `j.state = 'dead'`,
  failed: `j.state = 'failed'`,
};
const EVENT_KIND: Record<string, string> = { duplicate: 'deduplicated', 'rate-limited': 'rate-limited' };
// Rows decoded at a time: a filtered page holds at most this many bodies, whatever their size.
const CHUNK_ROWS = 50;

/**
 * The part of a filter PostgreSQL answers from columns and indexes (the time range, action and
 * outcome through jobs and events, a fingerprint by its quoted text in the body); label matchers
 * (RE2) and the status are checked on the decoded rows, as SQLite does. $1 below, $2 floor, $3 chunk.
 */
function filteredScan(filter: HistoryFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown): string => `$${params.push(value) + 3}`;
  const where = ['n.seq < $1', 'n.seq >= $2'];
  if (filter.since !== undefined) where.push(`n.received_at >= ${param(filter.since)}`);
  if (filter.until !== undefined) where.push(`n.received_at < ${param(filter.until)}`);
  const kind = filter.outcome === undefined ? undefined : EVENT_KIND[filter.outcome];
  const action = filter.action === undefined ? undefined : param(filter.action);
  if (kind !== undefined) {
    where.push(
      `EXISTS (SELECT 1 FROM alertpipe_events e WHERE e.notification_id = n.id AND e.kind = ${param(kind)}${action ? ` AND e.action = ${action}` : ''})`,
    );
  } else if (action !== undefined || filter.outcome !== undefined) {
    const conditions = ['j.notification_id = n.id'];
    if (action !== undefined) conditions.push(`j.action = ${action}`);
    if (filter.outcome !== undefined) conditions.push(JOB_OUTCOME_SQL[filter.outcome] as string);
    where.push(`EXISTS (SELECT 1 FROM alertpipe_jobs j WHERE ${conditions.join(' AND ')})`);
  }
  if (filter.fingerprint !== undefined) where.push(`strpos(n.body, ${param(`"fingerprint":${JSON.stringify(filter.fingerprint)}`)}) > 0`);
  const sql = `SELECT ${NOTIFICATION_COLUMNS}, n.body FROM alertpipe_notifications n
    WHERE ${where.join(' AND ')} ORDER BY n.seq DESC LIMIT $3`;
  return { sql, params };
}

/**
 * A filtered page reads at most `FILTER_SCAN_ROWS` positions below `before` (a rare match costs
 * several short pages, not one scan of the whole history), a few rows at a time so that large
 * bodies are never all held at once; `resumeBefore` says where the next page starts.
 */
export async function readFilteredPage(db: PostgresConnection, query: HistoryQuery, filter: HistoryFilter): Promise<HistoryPage> {
  const [newest] = await db.query<{ position: number | null }>(SQL.newestPosition);
  const top = (newest?.position ?? 0) + 1;
  const before = Math.min(query.before ?? top, top);
  const floor = Math.max(1, before - FILTER_SCAN_ROWS);
  const scan = filteredScan(filter);
  const maxBytes = query.maxBytes ?? Number.POSITIVE_INFINITY;
  const records: NotificationRecord[] = [];
  const olderThan = async (position: number): Promise<boolean> => (await db.query(SQL.olderExists, [position])).length > 0;
  let bytes = 0;
  let scanned = 0;
  for (let cursor = before; ;) {
    const fetched = await db.query<NotificationRow>(scan.sql, [cursor, floor, CHUNK_ROWS, ...scan.params]);
    // The bodies are decoded here, in the service's one thread: only those within the budget (at
    // least one); past it, the next page goes on from there.
    const rows = fetched.filter((row, index) => {
      scanned += row.body.length;
      return index === 0 || scanned <= FILTER_SCAN_BYTES;
    });
    for (const record of await toRecords(db, rows)) {
      if (!recordMatches(record, filter)) continue;
      bytes += rows.find((row) => row.id === record.id)?.body.length ?? 0;
      if (records.length > 0 && bytes > maxBytes) return { records, more: true };
      records.push(record);
      if (records.length >= query.limit) return { records, more: await olderThan(record.position) };
    }
    if (rows.length < fetched.length || (scanned > FILTER_SCAN_BYTES && fetched.length === CHUNK_ROWS))
      return { records, more: true, resumeBefore: (rows.at(-1) as NotificationRow).position };
    if (fetched.length < CHUNK_ROWS) break;
    cursor = (rows.at(-1) as NotificationRow).position;
  }
  return (await olderThan(floor)) ? { records, more: true, resumeBefore: floor } : { records, more: false };
}
