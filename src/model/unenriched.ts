import type { Alert, EnrichedAlert, EnrichedNotification, Notification } from './model.js';

// Shared by every alert nothing enriched: a storm allocates no empty objects per alert.
const NO_ENRICHMENT: EnrichedAlert['enrichment'] = Object.freeze({});
const NO_NOTES: readonly string[] = Object.freeze([]);

/**
 * An alert as the stages after enrichment read it, when no enricher ran for it (or has not yet):
 * no enrichment, and ingest's own notes ("annotation … cut") kept, since the message shows them.
 */
export function unenrichedAlert(alert: Alert | EnrichedAlert): EnrichedAlert {
  return 'enrichment' in alert ? alert : { ...alert, enrichment: NO_ENRICHMENT, notes: alert.notes ?? NO_NOTES };
}

/** A notification with every alert that no enricher ran for made {@link unenrichedAlert}. */
export function unenriched(notification: Notification | EnrichedNotification): EnrichedNotification {
  return { ...notification, alerts: notification.alerts.map(unenrichedAlert) };
}
