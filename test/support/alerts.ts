import type { Alert, AlertStatus, EnrichedAlert, EnrichedNotification, Notification } from '../../src/model/model.js';
import { fingerprintOf } from '../../src/http/ingest/fingerprint.js';

/** A firing alert with these labels, for tests that do not care about the rest. */
export function alertWith(labels: Record<string, string>, status: AlertStatus = 'firing', annotations: Record<string, string> = {}): Alert {
  return {
    fingerprint: fingerprintOf(labels),
    status,
    labels,
    annotations,
    startsAt: new Date('2026-11-22T12:00:00Z'),
    endsAt: status === 'resolved' ? new Date('2026-11-22T12:30:00Z') : null,
    generatorURL: '',
  };
}

/** A notification of these alerts, with common labels computed as Alertmanager does. */
export function notificationOf(alerts: readonly Alert[], id = 'n-test'): Notification {
  const [first, ...rest] = alerts;
  const commonLabels = Object.fromEntries(Object.entries(first?.labels ?? {}).filter(([k, v]) => rest.every((a) => a.labels[k] === v)));
  return {
    id,
    receivedAt: new Date('2026-11-22T12:31:00Z'),
    shape: 'alertmanager',
    receiver: 'test',
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    groupKey: `{}:{alertname=${JSON.stringify(commonLabels.alertname ?? '')}}`,
    groupLabels: commonLabels.alertname === undefined ? {} : { alertname: commonLabels.alertname },
    commonLabels,
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    truncatedAlerts: 0,
    alerts,
    originalBody: '{}',
  };
}

export function enriched(notification: Notification): EnrichedNotification {
  return { ...notification, alerts: notification.alerts.map((a): EnrichedAlert => ({ ...a, enrichment: {}, notes: [] })) };
}
