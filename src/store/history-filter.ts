import { matchesAll } from '../model/matchers.js';
import type { Job, NotificationRecord } from './ports/records.js';
import type { HistoryFilter, Outcome } from './ports/history-filter.js';

/**
 * A filtered page reads at most this many stored notifications, matching or not, and then hands
 * back where it stopped: a rare filter over 100,000 stored costs ten short pages, never one long
 * request that holds the store (SQLite answers every caller from one thread).
 */
export const FILTER_SCAN_ROWS = 10_000;

/**
 * Nor more than this many bytes of stored bodies, matching or not: each is decoded to be checked,
 * and 10,000 notifications of 1,000 alerts would be gigabytes. Past it the page hands back where it
 * stopped, as at the row bound; a page always reads at least one row, so it always moves on.
 */
export const FILTER_SCAN_BYTES = 16 * 1024 * 1024;

export function isFiltered(filter: HistoryFilter | undefined): filter is HistoryFilter {
  return filter !== undefined && Object.values(filter).some((value) => value !== undefined);
}

/** The whole filter, checked on a record read back (adapters narrow in their query first). */
export function recordMatches(record: NotificationRecord, filter: HistoryFilter): boolean {
  const { notification } = record;
  if (filter.since !== undefined && record.receivedAt < filter.since) return false;
  if (filter.until !== undefined && record.receivedAt >= filter.until) return false;
  if (filter.status !== undefined && notification.status !== filter.status) return false;
  if (filter.receiver !== undefined && notification.receiver !== filter.receiver) return false;
  if (filter.fingerprint !== undefined && !notification.alerts.some((a) => a.fingerprint === filter.fingerprint)) return false;
  const matchers = filter.matchers ?? [];
  if (matchers.length > 0 && !notification.alerts.some((a) => matchesAll(matchers, a.labels))) return false;
  if (filter.outcome === 'duplicate' || filter.outcome === 'rate-limited') {
    const kind = filter.outcome === 'duplicate' ? 'deduplicated' : 'rate-limited';
    return record.events.some((e) => e.kind === kind && (filter.action === undefined || e.action === filter.action));
  }
  if (filter.action === undefined && filter.outcome === undefined) return true;
  return record.jobs.some(
    (job) =>
      (filter.action === undefined || job.action === filter.action) && (filter.outcome === undefined || jobHasOutcome(job, filter.outcome)),
  );
}

/** Job outcomes the job states say directly (the other two come from events). */
export function jobHasOutcome(job: Job, outcome: Outcome): boolean {
  switch (outcome) {
    case 'delivered':
      return job.state === 'succeeded';
    case 'retrying':
      return (job.state === 'pending' || job.state === 'running') && job.attempts.length > 0;
    case 'dead':
      return job.state === 'dead';
    case 'failed':
      return job.state === 'failed';
    default:
      return false;
  }
}
