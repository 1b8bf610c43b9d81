import type { EnrichedNotification, Notification } from '../pipeline/model.js';

type Stored = Notification | EnrichedNotification;

/**
 * Notifications as text for a durable store. JSON keeps everything but the dates, which come back
 * as strings; `decode` turns them into Dates again so nothing past the store can tell. The request
 * as received (`originalBody`) is stored apart, once, by the store (see sqlite-schema.ts), so it
 * is left out here and given back to `decode`.
 */
export function encodeNotification(notification: Stored): string {
  const { originalBody: _kept, ...rest } = notification;
  return JSON.stringify(rest);
}

export function decodeNotification<T extends Stored = Stored>(text: string, originalBody: string): T {
  const raw = JSON.parse(text) as T & { receivedAt: string; alerts: Array<{ startsAt: string; endsAt: string | null }> };
  return {
    ...raw,
    originalBody,
    receivedAt: new Date(raw.receivedAt),
    alerts: raw.alerts.map((alert) => ({
      ...alert,
      startsAt: new Date(alert.startsAt),
      endsAt: alert.endsAt === null ? null : new Date(alert.endsAt),
    })),
  } as T;
}
