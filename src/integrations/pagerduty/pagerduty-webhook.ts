import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { IncidentCommand } from '../incident-control.js';
import type { IncidentWebhook, IncidentWebhookCommand, IncidentWebhookVerdict } from '../incident-webhook.js';
import { DEDUP_KEY_PREFIX } from './pagerduty-event.js';

/** Where PagerDuty's webhook subscriptions (v3) deliver: one path for every `pagerduty` action. */
export const PAGERDUTY_WEBHOOK_PATH = '/pagerduty/webhooks';

/**
 * How old an event may be when it arrives. PagerDuty delivers within seconds and retries for
 * minutes; an event older than this is a captured delivery replayed (its signature never
 * expires), and acting on it would move an episode by what was true an hour ago.
 */
export const PAGERDUTY_EVENT_MAX_AGE_MS = 60 * 60_000;

// The incident events that move an alertpipe episode; every other event type is answered 2xx and ignored.
const COMMANDS: Readonly<Record<string, IncidentCommand>> = {
  'incident.acknowledged': 'acknowledge',
  'incident.unacknowledged': 'unacknowledge',
  'incident.resolved': 'resolve',
};

// developer.pagerduty.com/docs/webhooks/v3-overview: `{event: {id, event_type, agent, data}}`,
// `data` an incident (for incident.* events) with the `incident_key` the Events API v2 set as dedup_key.
const payloadSchema = z.object({
  event: z.object({
    id: z.string().min(1),
    event_type: z.string(),
    occurred_at: z.iso.datetime({ offset: true }),
    agent: z.object({ id: z.string().optional(), summary: z.string().optional(), type: z.string().optional() }).nullish(),
    data: z.object({ incident_key: z.string().nullish(), number: z.number().optional() }).nullish(),
  }),
});

/**
 * PagerDuty's webhooks v3 for one `pagerduty` action: `X-PagerDuty-Signature` lists `v1=` and the
 * hex HMAC-SHA256 of the raw body with the subscription's secret, one per secret while a secret
 * is rotated ("Verifying Signatures"); any one matching is enough. Acknowledging, unacknowledging
 * or resolving an incident alertpipe opened (its incident_key is `alertpipe-<fingerprint>`)
 * does the same to the episode of the alert's group; any other incident or event is ignored.
 */
export function pagerDutyWebhook(secret: string): IncidentWebhook {
  return {
    path: PAGERDUTY_WEBHOOK_PATH,
    receive({ headers, rawBody, receivedAt }): IncidentWebhookVerdict {
      if (!isSignedByPagerDuty(secret, headers['x-pagerduty-signature'], rawBody))
        return { kind: 'unauthorized', error: 'not signed with the webhook subscription secret (X-PagerDuty-Signature)' };
      let parsed;
      try {
        parsed = payloadSchema.safeParse(JSON.parse(rawBody.toString('utf8')));
      } catch {
        return { kind: 'invalid', error: 'expected a JSON body' };
      }
      if (!parsed.success)
        return { kind: 'invalid', error: 'expected a webhooks v3 payload: {"event": {"id", "event_type", "occurred_at", "data"}}' };
      const { event } = parsed.data;
      if (receivedAt - Date.parse(event.occurred_at) > PAGERDUTY_EVENT_MAX_AGE_MS)
        return { kind: 'invalid', error: 'the event occurred more than 1 h ago (occurred_at): a replay, or too late to act on' };
      const command = Object.hasOwn(COMMANDS, event.event_type) ? COMMANDS[event.event_type] : undefined;
      if (command === undefined) return { kind: 'accepted', commands: [], ignored: `${event.event_type} moves no episode` };
      const key = event.data?.incident_key ?? '';
      if (!key.startsWith(DEDUP_KEY_PREFIX) || key.length === DEDUP_KEY_PREFIX.length)
        return { kind: 'accepted', commands: [], ignored: 'not an incident alertpipe opened (its incident_key)' };
      const by = {
        id: event.agent?.id ?? 'pagerduty',
        name: event.agent?.summary ?? 'PagerDuty',
        via: 'pagerduty',
      };
      const one: IncidentWebhookCommand = { target: { alertFingerprint: key.slice(DEDUP_KEY_PREFIX.length) }, command, by };
      // Twice the age bound: a replay is refused as a repeat until it would be refused as stale.
      const replay = { eventId: `pagerduty:${event.id}`, windowMs: 2 * PAGERDUTY_EVENT_MAX_AGE_MS };
      return { kind: 'accepted', commands: [one], replay };
    },
  };
}

/** Whether one of the `v1=` signatures in the header is the body's HMAC with `secret`, compared in constant time. */
export function isSignedByPagerDuty(secret: string, header: string | undefined, rawBody: Buffer): boolean {
  if (header === undefined) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  let matched = false;
  for (const part of header.split(',')) {
    const signature = /^v1=([0-9a-f]{64})$/i.exec(part.trim())?.[1];
    if (signature === undefined) continue;
    // Every listed signature is compared, so the time taken does not tell which one matched.
    if (timingSafeEqual(expected, Buffer.from(signature, 'hex'))) matched = true;
  }
  return matched;
}
