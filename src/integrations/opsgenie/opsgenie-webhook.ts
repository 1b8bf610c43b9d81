import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { IncidentCommand } from '../incident-control.js';
import type { IncidentWebhook, IncidentWebhookVerdict } from '../incident-webhook.js';

/** Where an Opsgenie Webhook integration posts: one path for every `opsgenie` action. */
export const OPSGENIE_WEBHOOK_PATH = '/opsgenie/webhooks';
/** The header (a custom header of the Webhook integration) that carries the shared secret; `?secret=` in the URL works too. */
export const OPSGENIE_SECRET_HEADER = 'x-webhook-secret';

// The alert actions that move an alertpipe episode; Create, AddNote, Escalate and the rest are ignored.
const COMMANDS: Readonly<Record<string, IncidentCommand>> = {
  Acknowledge: 'acknowledge',
  UnAcknowledge: 'unacknowledge',
  Close: 'resolve',
};

// The Webhook integration's payload: `{action, alert: {alertId, alias, username, userId, ...}, source, integrationName}`.
const payloadSchema = z.object({
  action: z.string(),
  alert: z.object({
    alias: z.string().optional(),
    username: z.string().optional(),
    userId: z.string().optional(),
  }),
});

/**
 * Opsgenie's outgoing Webhook integration for one `opsgenie` action. It signs nothing, so the
 * request must carry the action's `webhook_secret`, in the `X-Webhook-Secret` header (a custom
 * header of the integration) or in the URL's `secret` query parameter; without it, 401.
 * `Acknowledge`, `UnAcknowledge` and `Close` of an alert alertpipe created (its alias is the
 * group's `groupKeyHash`) do the same to the group's episode.
 */
export function opsgenieWebhook(secret: string): IncidentWebhook {
  const expected = digest(secret);
  return {
    path: OPSGENIE_WEBHOOK_PATH,
    receive({ headers, query, rawBody }): IncidentWebhookVerdict {
      const given = headers[OPSGENIE_SECRET_HEADER] ?? query.get('secret') ?? undefined;
      // Digests of equal length, compared in constant time: neither the secret nor its length leaks.
      if (given === undefined || !timingSafeEqual(digest(given), expected))
        return { kind: 'unauthorized', error: 'expected the webhook secret in X-Webhook-Secret or ?secret=' };
      let parsed;
      try {
        parsed = payloadSchema.safeParse(JSON.parse(rawBody.toString('utf8')));
      } catch {
        return { kind: 'invalid', error: 'expected a JSON body' };
      }
      if (!parsed.success) return { kind: 'invalid', error: 'expected an Opsgenie webhook payload: {"action", "alert": {"alias"}}' };
      const { action, alert } = parsed.data;
      const command = Object.hasOwn(COMMANDS, action) ? COMMANDS[action] : undefined;
      if (command === undefined) return { kind: 'accepted', commands: [], ignored: `${action} moves no episode` };
      if (!/^[0-9a-f]{64}$/.test(alert.alias ?? ''))
        return { kind: 'accepted', commands: [], ignored: 'not an alert alertpipe created (its alias)' };
      const name = alert.username ?? 'Opsgenie';
      const by = { id: alert.userId ?? name, name, via: 'opsgenie' };
      return { kind: 'accepted', commands: [{ target: { groupKeyHash: alert.alias ?? '' }, command, by }] };
    },
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
