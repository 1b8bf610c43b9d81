import type { Logger } from '../../observability/logger.js';
import type { HistoryStore } from '../../store/ports/history.js';
import type { Incident, IncidentState } from '../../store/ports/incidents.js';
import type { HistoryEvent } from '../../store/ports/records.js';

/** The states of an episode still open: its chain walks or waits. */
export const OPEN_STATES: readonly IncidentState[] = ['triggered', 'acknowledged'];

/**
 * Adds an episode's event to the history of its latest notification, on the alerts that fire in
 * it, so that each alert's timeline shows it. The move is made already: a history that cannot take
 * the event is logged, not thrown, or the caller would report as failed a change that holds.
 */
export async function recordIncidentEvent(
  store: Pick<HistoryStore, 'getNotification' | 'recordEvent'>,
  incident: Incident,
  event: Omit<HistoryEvent, 'fingerprints' | 'incident'>,
  logger: Logger,
): Promise<void> {
  try {
    const record = await store.getNotification(incident.notificationId);
    const fingerprints = (record?.notification.alerts ?? []).filter((a) => a.status === 'firing').map((a) => a.fingerprint);
    await store.recordEvent(incident.notificationId, { ...event, fingerprints, incident: incident.id });
  } catch (error) {
    logger.error('could not record an episode event in the history', { incident: incident.id, kind: event.kind, error: String(error) });
  }
}
