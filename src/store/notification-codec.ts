import type { EnrichedNotification, Notification } from '../model/model.js';
import { unenriched } from '../model/unenriched.js';

type Stored = Notification | EnrichedNotification;

/**
 * Notifications as text for a durable store. JSON keeps everything but the dates, which are
 * written as milliseconds since the epoch: `JSON.stringify` of a Date goes through `toISOString`,
 * which cost as much as the rest of an alert, and every alert of a storm's group has two.
 * `decode` turns them into Dates again (rows written as ISO strings before read back the same), so
 * nothing past the store can tell. The request as received (`originalBody`) is stored apart, once,
 * by the store (see sqlite-schema.ts), so it is left out here and given back to `decode`.
 */
export function encodeNotification(notification: Stored): string {
  const { originalBody: _kept, receivedAt, alerts, ...rest } = notification;
  return JSON.stringify({
    ...rest,
    receivedAt: receivedAt.getTime(),
    alerts: alerts.map((alert) => ({
      ...alert,
      startsAt: alert.startsAt.getTime(),
      endsAt: alert.endsAt === null ? null : alert.endsAt.getTime(),
    })),
  });
}

/**
 * The enriched notification's text, or `undefined` when enrichment added nothing to what ingest
 * stored (no enrichers, or none found anything): the store then keeps the body it has instead of
 * writing the same alerts again, and `decodeEnriched` fills in the empty enrichment.
 */
export function encodeEnriched(enriched: EnrichedNotification): string | undefined {
  // Notes from ingest (a cut field) also count: rare, and then the body is simply written again.
  const addsNothing = enriched.alerts.every((alert) => alert.notes.length === 0 && isEmpty(alert.enrichment));
  return addsNothing ? undefined : encodeNotification(enriched);
}

function isEmpty(record: object): boolean {
  for (const _ in record) return false;
  return true;
}

/** A stored body as the enriched notification, whether or not enrichment was written over it. */
export function decodeEnriched(text: string, originalBody: string): EnrichedNotification {
  const decoded = decodeNotification<Notification | EnrichedNotification>(text, originalBody);
  return unenriched(decoded);
}

export function decodeNotification<T extends Stored = Stored>(text: string, originalBody: string): T {
  const raw = JSON.parse(text) as T & {
    receivedAt: string | number;
    alerts: Array<{ startsAt: string | number; endsAt: string | number | null }>;
  };
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
