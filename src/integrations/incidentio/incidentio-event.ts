import type { EnrichedAlert, EnrichedNotification } from '../../model/model.js';
import { fieldsAsRecord } from '../chat/build-message.js';
import type { Message } from '../chat/message-model.js';
import { cut } from '../chat/message-model.js';
import { plainTextMessage } from '../chat/plain-text-message.js';

/**
 * incident.io takes an alert event of at most 512 KB (Alertmanager keeps to it too). The title and
 * description are what its alert shows first: kept to a screen's worth, the rest is in `alerts`.
 */
export const INCIDENTIO_LIMITS = { bodyBytes: 512 * 1024, title: 1_000, description: 10_000 } as const;

// Alertmanager writes "not ended" as Go's zero time; an Alertmanager alert source reads it so.
const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * The event for a group: Alertmanager's webhook message as its incidentio_configs send it (the
 * group's data, `version`, `groupKey`, `truncatedAlerts`), each alert with its enrichment and
 * notes, plus what an HTTP alert source requires (`status`, `title`, `deduplication_key`, a
 * markdown `description`): the message model's title and the whole message as text.
 */
export function incidentioEvent(
  notification: EnrichedNotification,
  message: Message,
  deduplicationKey: string,
  maxAlerts: number,
): Record<string, unknown> {
  const kept = maxAlerts > 0 ? notification.alerts.slice(0, maxAlerts) : notification.alerts;
  const build = (alerts: readonly EnrichedAlert[]) => ({
    version: '1',
    groupKey: notification.groupKey,
    truncatedAlerts: notification.truncatedAlerts + notification.alerts.length - alerts.length,
    status: notification.status,
    receiver: notification.receiver,
    groupLabels: notification.groupLabels,
    commonLabels: notification.commonLabels,
    commonAnnotations: notification.commonAnnotations,
    externalURL: notification.externalURL,
    alerts: alerts.map(alertOf),
    deduplication_key: deduplicationKey,
    title: cut(message.title, INCIDENTIO_LIMITS.title),
    description: plainTextMessage(message, INCIDENTIO_LIMITS.description),
    ...(message.externalURL ? { source_url: message.externalURL } : {}),
  });
  // Past the size limit, alerts go from the end (counted in truncatedAlerts): incident.io makes one
  // alert of the group, so the first alerts carry what it needs, as Alertmanager keeps the first.
  let count = kept.length;
  let event = build(kept);
  while (count > 1 && bytesOf(event) > INCIDENTIO_LIMITS.bodyBytes) {
    count = Math.max(1, Math.floor(count / 2));
    event = build(kept.slice(0, count));
  }
  return event;
}

function alertOf(alert: EnrichedAlert): Record<string, unknown> {
  const enrichment = Object.fromEntries(Object.entries(alert.enrichment).map(([name, found]) => [name, fieldsAsRecord(found.fields)]));
  return {
    status: alert.status,
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt: alert.startsAt.toISOString(),
    endsAt: alert.endsAt?.toISOString() ?? GO_ZERO_TIME,
    generatorURL: alert.generatorURL,
    fingerprint: alert.fingerprint,
    ...(Object.keys(enrichment).length > 0 ? { enrichment } : {}),
    ...(alert.notes.length > 0 ? { notes: alert.notes } : {}),
  };
}

export function bytesOf(event: unknown): number {
  return Buffer.byteLength(JSON.stringify(event));
}

/** The documented limit, checked on a finished body (what `alertpipe render` reports). */
export function checkIncidentioEvent(event: unknown): string[] {
  const bytes = bytesOf(event);
  return bytes > INCIDENTIO_LIMITS.bodyBytes ? [`${bytes} bytes (incident.io takes ${INCIDENTIO_LIMITS.bodyBytes})`] : [];
}
