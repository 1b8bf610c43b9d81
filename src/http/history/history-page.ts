import type { HistoryPage } from '../../store/ports/history.js';
import type { NotificationRecord } from '../../store/ports/records.js';
import { maskDeep, type SecretMasker } from '../../observability/mask-secrets.js';
import { encodeCursor } from './history-cursor.js';

/** A page's answer as JSON text, and how many bytes it came to. */
export interface SerializedPage {
  readonly text: string;
  readonly bytes: number;
}

/**
 * Writes a page of the history as the answer's JSON, each notification presented, masked and
 * encoded once, and stops before the one that would take the answer past `maxBytes` (the first
 * always goes in, so a cursor always moves on). What is left is reached with `nextCursor`.
 */
export function serializePage(page: HistoryPage, mask: SecretMasker, maxBytes: number): SerializedPage {
  const parts: string[] = [];
  let bytes = 0;
  let last: NotificationRecord | undefined;
  let more = page.more;
  for (const record of page.records) {
    const part = JSON.stringify(maskDeep(presentRecord(record), mask));
    const size = Buffer.byteLength(part) + 1;
    if (last !== undefined && bytes + size > maxBytes) {
      more = true;
      break;
    }
    parts.push(part);
    bytes += size;
    last = record;
  }
  // A filtered page that stopped at its scanning bound reads on from there, not from its last match.
  const resume = more && last === page.records.at(-1) ? page.resumeBefore : undefined;
  const position = resume ?? last?.position;
  const nextCursor = more && position !== undefined ? JSON.stringify(encodeCursor(position)) : 'null';
  const text = `{"status":"success","notifications":[${parts.join(',')}],"nextCursor":${nextCursor}}`;
  return { text, bytes: Buffer.byteLength(text) };
}

/** One notification as the history API shows it. */
export function presentRecord(record: NotificationRecord): Record<string, unknown> {
  const { notification } = record;
  return {
    id: record.id,
    state: record.state,
    receivedAt: new Date(record.receivedAt).toISOString(),
    groupKey: notification.groupKey,
    // What names the group for a reader (the console), where the raw key says little.
    groupLabels: notification.groupLabels,
    commonLabels: notification.commonLabels,
    shape: notification.shape,
    receiver: notification.receiver,
    status: notification.status,
    alerts: notification.alerts.map((alert) => ({
      fingerprint: alert.fingerprint,
      status: alert.status,
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: alert.startsAt.toISOString(),
      endsAt: alert.endsAt?.toISOString() ?? null,
      ...('enrichment' in alert ? { enrichment: alert.enrichment, notes: alert.notes } : alert.notes ? { notes: alert.notes } : {}),
    })),
    actions: record.jobs.map((job) => ({
      id: job.id,
      action: job.action,
      state: job.state,
      alerts: job.fingerprints,
      // The message each attempt sent (up to 64 KiB) is read one notification at a time, from the
      // console's messages endpoint: in a page of 50 it would weigh megabytes.
      attempts: job.attempts.map(({ message: _message, ...a }) => ({ ...a, at: new Date(a.at).toISOString() })),
      ...(job.state === 'pending' ? { nextAttemptAt: new Date(job.nextAttemptAt).toISOString() } : {}),
      ...(job.result ? { result: job.result } : {}),
    })),
    events: record.events.map((event) => ({
      ...event,
      at: new Date(event.at).toISOString(),
      ...(event.until === undefined ? {} : { until: new Date(event.until).toISOString() }),
    })),
  };
}
