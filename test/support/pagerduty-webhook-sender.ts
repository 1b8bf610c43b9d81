import { createHmac, randomUUID } from 'node:crypto';

/**
 * A webhooks v3 delivery as PagerDuty sends it (developer.pagerduty.com, "v3 Overview" and
 * "Verifying Signatures"): one event per body, `data` the incident with the `incident_key` that
 * the Events API's dedup_key set, `agent` the user who acted; `X-PagerDuty-Signature` is
 * `v1=<hex HMAC-SHA256 of the body>` for each of the subscription's secrets, comma-separated
 * (two while a secret is rotated). Each delivery is a new event (its own `id`, `occurred_at` now)
 * unless the options say otherwise.
 */
export function pagerDutyDelivery(
  eventType: string,
  incidentKey: string,
  secrets: readonly string[],
  options: { eventId?: string; occurredAt?: Date; agent?: { id: string; summary: string } | null } = {},
): { body: string; headers: Record<string, string> } {
  const agent = options.agent === undefined ? { id: 'PLH1HKV', summary: 'Alice Oncall' } : options.agent;
  const body = JSON.stringify({
    event: {
      id: options.eventId ?? randomUUID(),
      event_type: eventType,
      resource_type: 'incident',
      occurred_at: (options.occurredAt ?? new Date()).toISOString(),
      agent: agent === null ? null : { ...agent, type: 'user_reference', self: `https://api.pagerduty.com/users/${agent.id}` },
      client: { name: 'PagerDuty' },
      data: {
        id: 'PGR0VU2',
        type: 'incident',
        self: 'https://api.pagerduty.com/incidents/PGR0VU2',
        number: 2,
        status: eventType.replace('incident.', ''),
        incident_key: incidentKey,
        created_at: '2026-12-03T11:40:27Z',
        title: 'KubePodCrashLooping on shop/cart',
        service: { id: 'PF9KMXH', summary: 'API Service', type: 'service_reference' },
        urgency: 'high',
      },
    },
  });
  return { body, headers: { 'x-pagerduty-signature': signPagerDuty(body, secrets), 'user-agent': 'PagerDuty-Webhook/V3.0' } };
}

export function signPagerDuty(body: string, secrets: readonly string[]): string {
  return secrets.map((secret) => `v1=${createHmac('sha256', secret).update(body).digest('hex')}`).join(',');
}
