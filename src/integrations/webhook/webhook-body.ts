import type { EnrichedNotification } from '../../model/model.js';

// Alertmanager writes "not ended" as Go's zero time; receivers written for it expect that.
const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * The `enriched` webhook body: Alertmanager's webhook format (version 4), so a receiver written for
 * Alertmanager keeps working, with each alert's enrichment and notes added beside its fields.
 */
export function enrichedWebhookBody(notification: EnrichedNotification): Record<string, unknown> {
  return {
    version: '4',
    groupKey: notification.groupKey,
    truncatedAlerts: notification.truncatedAlerts,
    status: notification.status,
    receiver: notification.receiver,
    groupLabels: notification.groupLabels,
    commonLabels: notification.commonLabels,
    commonAnnotations: notification.commonAnnotations,
    externalURL: notification.externalURL,
    alerts: notification.alerts.map((alert) => ({
      status: alert.status,
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: alert.startsAt.toISOString(),
      endsAt: alert.endsAt?.toISOString() ?? GO_ZERO_TIME,
      generatorURL: alert.generatorURL,
      fingerprint: alert.fingerprint,
      enrichment: alert.enrichment,
      notes: alert.notes,
    })),
    alertpipe: { notificationId: notification.id, receivedAt: notification.receivedAt.toISOString() },
  };
}
