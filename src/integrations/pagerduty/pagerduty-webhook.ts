import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { IncidentCommand } from '../incident-control.js';
import type { IncidentWebhook, IncidentWebhookCommand, IncidentWebhookVerdict } from '../incident-webhook.js';
import { DEDUP_KEY_PREFIX } from './pagerduty-event.js';

/** Where PagerDuty's webhook subscriptions (v3) deliver: one path for every `pagerduty` action. */
export const PAGERDUTY_WEBHOOK_PATH = '/pagerduty/webhooks';

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
    id: z.string(),
    event_type: z.string(),
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
    receive({ headers, rawBody }): IncidentWebhookVerdict {
      if (!isSignedByPagerDuty(secret, headers['x-pagerduty-signature'], rawBody))
        return { kind: 'unauthorized', error: 'not signed with the webhook subscription secret (X-PagerDuty-Signature)' };
      let parsed;
      try {
        parsed = payloadSchema.safeParse(JSON.parse(rawBody.toString('utf8')));
      } catch {
        return { kind: 'invalid', error: 'expected a JSON body' };
      }
      if (!parsed.success) return { kind: 'invalid', error: 'expected a webhooks v3 payload: {"event": {"id", "event_type", "data"}}' };
      const { event } = parsed.data;
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
      return { kind: 'accepted', commands: [one] };
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
