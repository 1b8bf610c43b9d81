import type { Alert, AlertStatus, EnrichedAlert, EnrichedNotification, Notification } from '../../src/pipeline/model.js';
import { fingerprintOf } from '../../src/ingest/fingerprint.js';

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

export function notificationOf(alerts: readonly Alert[], id = 'n-test'): Notification {
  return {
    id,
    receivedAt: new Date('2026-11-22T12:31:00Z'),
    shape: 'alertmanager',
    receiver: 'test',
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    groupKey: '{}:{alertname="Test"}',
    groupLabels: { alertname: 'Test' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    truncatedAlerts: 0,
    alerts,
    original: {},
  };
}

export function enriched(notification: Notification): EnrichedNotification {
  return { ...notification, alerts: notification.alerts.map((a): EnrichedAlert => ({ ...a, enrichment: {}, notes: [] })) };
}
