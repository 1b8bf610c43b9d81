import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertWith, notificationOf } from '../../../support/alerts.js';
import { startIncidentHookHarness } from '../../../support/incident-hook-harness.js';
import { pagerDutyDelivery, signPagerDuty } from '../../../support/pagerduty-webhook-sender.js';

const SECRET = 'pd-webhook-subscription-secret-1';
const OLD_SECRET = 'pd-webhook-subscription-secret-0';
const YAML = `
actions:
  pd:
    type: pagerduty
    routing_key: R0UTINGKEY0000000000000000000000
    webhook_secret: ${SECRET}
`;
const crash = alertWith({ alertname: 'KubePodCrashLooping', namespace: 'shop', pod: 'cart-1' });
const other = alertWith({ alertname: 'KubePodCrashLooping', namespace: 'shop', pod: 'cart-2' });
const notification = notificationOf([crash, other], 'n-crash');
const keyOf = (fingerprint: string) => `alertpipe-${fingerprint}`;

describe('PagerDuty webhooks v3', () => {
  let harness: Awaited<ReturnType<typeof startIncidentHookHarness>>;
  let episode: string;
  beforeEach(async () => {
    harness = await startIncidentHookHarness(YAML);
    episode = await harness.openEpisode(notification);
  });
  afterEach(() => harness.close());

  it('a signed incident.acknowledged acknowledges the episode of the alert’s group, by the agent, via pagerduty', async () => {
    const { body, headers } = pagerDutyDelivery('incident.acknowledged', keyOf(other.fingerprint), [SECRET]);
    const answer = await harness.post('/pagerduty/webhooks', body, headers);
    expect(answer.status).toBe(200);
    expect(answer.body.results).toEqual([{ outcome: 'done', incident: episode, state: 'acknowledged' }]);
    expect(harness.calls).toEqual([
      { ref: { groupKey: notification.groupKey }, command: 'acknowledge', by: { id: 'PLH1HKV', name: 'Alice Oncall', via: 'pagerduty' } },
    ]);
    expect((await harness.store.getIncident(episode))?.acknowledged?.by.name).toBe('Alice Oncall');
  });

  it('unacknowledged and resolved move the episode back and end it', async () => {
    for (const [type, state] of [
      ['incident.acknowledged', 'acknowledged'],
      ['incident.unacknowledged', 'triggered'],
      ['incident.resolved', 'resolved'],
    ] as const) {
      const { body, headers } = pagerDutyDelivery(type, keyOf(crash.fingerprint), [SECRET]);
      const answer = await harness.post('/pagerduty/webhooks', body, headers);
      expect(answer.status).toBe(200);
      expect((await harness.store.getIncident(episode))?.state).toBe(state);
    }
    expect(harness.calls.map((c) => c.command)).toEqual(['acknowledge', 'unacknowledge', 'resolve']);
  });

  it('while a secret is rotated, either of the listed signatures is enough', async () => {
    const { body } = pagerDutyDelivery('incident.acknowledged', keyOf(crash.fingerprint), []);
    const answer = await harness.post('/pagerduty/webhooks', body, { 'x-pagerduty-signature': signPagerDuty(body, [OLD_SECRET, SECRET]) });
    expect(answer.status).toBe(200);
    expect((await harness.store.getIncident(episode))?.state).toBe('acknowledged');
  });

  it('a forged, missing or other secret’s signature is 401 and changes nothing', async () => {
    const { body, headers } = pagerDutyDelivery('incident.acknowledged', keyOf(crash.fingerprint), [SECRET]);
    const tampered = body.replace('Alice Oncall', 'Mallory');
    const forged = [
      { body: tampered, headers },
      { body, headers: {} },
      { body, headers: { 'x-pagerduty-signature': signPagerDuty(body, ['not-the-secret']) } },
      { body, headers: { 'x-pagerduty-signature': 'v1=zz' } },
      { body, headers: { 'x-pagerduty-signature': signPagerDuty(body, [SECRET]).replace('v1=', 'v0=') } },
    ];
    for (const request of forged) {
      const answer = await harness.post('/pagerduty/webhooks', request.body, request.headers);
      expect(answer.status).toBe(401);
      expect(answer.body.status).toBe('error');
    }
    expect(harness.calls).toEqual([]);
    expect((await harness.store.getIncident(episode))?.state).toBe('triggered');
  });

  it('a redelivered event is answered 200 and changes nothing more (idempotent)', async () => {
    const { body, headers } = pagerDutyDelivery('incident.acknowledged', keyOf(crash.fingerprint), [SECRET]);
    await harness.post('/pagerduty/webhooks', body, headers);
    const acknowledged = await harness.store.getIncident(episode);
    const again = await harness.post('/pagerduty/webhooks', body, headers);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ status: 'success', results: [], ignored: expect.stringMatching(/received before/) });
    expect(harness.calls).toHaveLength(1);
    expect(await harness.store.getIncident(episode)).toEqual(acknowledged);
  });

  it('a captured delivery replayed later, after the episode moved on, is answered 200 and applies nothing', async () => {
    const captured = pagerDutyDelivery('incident.acknowledged', keyOf(crash.fingerprint), [SECRET]);
    expect((await harness.post('/pagerduty/webhooks', captured.body, captured.headers)).status).toBe(200);
    const unacknowledged = pagerDutyDelivery('incident.unacknowledged', keyOf(crash.fingerprint), [SECRET]);
    expect((await harness.post('/pagerduty/webhooks', unacknowledged.body, unacknowledged.headers)).status).toBe(200);
    const replayed = await harness.post('/pagerduty/webhooks', captured.body, captured.headers);
    expect(replayed.status).toBe(200);
    expect(replayed.body.ignored).toMatch(/received before/);
    expect(harness.calls.map((c) => c.command)).toEqual(['acknowledge', 'unacknowledge']);
    expect((await harness.store.getIncident(episode))?.state).toBe('triggered');
  });

  it('an event that occurred more than an hour ago is refused (400) and changes nothing; one within the hour is kept', async () => {
    const HOUR = 3_600_000;
    const stale = pagerDutyDelivery('incident.acknowledged', keyOf(crash.fingerprint), [SECRET], {
      occurredAt: new Date(Date.now() - HOUR - 60_000),
    });
    const refused = await harness.post('/pagerduty/webhooks', stale.body, stale.headers);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/occurred_at/);
    const undated = JSON.parse(stale.body) as { event: Record<string, unknown> };
    delete undated.event.occurred_at;
    const body = JSON.stringify(undated);
    expect((await harness.post('/pagerduty/webhooks', body, { 'x-pagerduty-signature': signPagerDuty(body, [SECRET]) })).status).toBe(400);
    expect(harness.calls).toEqual([]);
    expect((await harness.store.getIncident(episode))?.state).toBe('triggered');
    const late = pagerDutyDelivery('incident.acknowledged', keyOf(crash.fingerprint), [SECRET], {
      occurredAt: new Date(Date.now() - HOUR + 60_000),
    });
    expect((await harness.post('/pagerduty/webhooks', late.body, late.headers)).status).toBe(200);
    expect((await harness.store.getIncident(episode))?.state).toBe('acknowledged');
  });

  it('an incident alertpipe did not open, an unknown alert and other event types are 200 and ignored', async () => {
    const foreign = pagerDutyDelivery('incident.acknowledged', 'd3640fbd41094207a1c11e58e46b1662', [SECRET]);
    expect((await harness.post('/pagerduty/webhooks', foreign.body, foreign.headers)).body.ignored).toMatch(
      /not an incident alertpipe opened/,
    );
    const unknown = pagerDutyDelivery('incident.acknowledged', keyOf('0123456789abcdef'), [SECRET]);
    const answer = await harness.post('/pagerduty/webhooks', unknown.body, unknown.headers);
    expect(answer.status).toBe(200);
    expect(answer.body.results).toEqual([{ outcome: 'ignored', reason: 'no episode of alertpipe matches' }]);
    const annotated = pagerDutyDelivery('incident.annotated', keyOf(crash.fingerprint), [SECRET]);
    expect((await harness.post('/pagerduty/webhooks', annotated.body, annotated.headers)).body.ignored).toMatch(/incident.annotated/);
    expect((await harness.store.getIncident(episode))?.state).toBe('triggered');
  });

  it('a signed body that is not a v3 payload is 400; a non-JSON content type 415', async () => {
    const body = JSON.stringify({ messages: [] });
    expect((await harness.post('/pagerduty/webhooks', body, { 'x-pagerduty-signature': signPagerDuty(body, [SECRET]) })).status).toBe(400);
    const text = 'hello';
    const answer = await fetch(`${harness.url}/pagerduty/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-pagerduty-signature': signPagerDuty(text, [SECRET]) },
      body: text,
    });
    expect(answer.status).toBe(415);
  });

  it('an agent-less event (PagerDuty itself, an integration) is recorded as PagerDuty', async () => {
    const { body, headers } = pagerDutyDelivery('incident.resolved', keyOf(crash.fingerprint), [SECRET], { agent: null });
    await harness.post('/pagerduty/webhooks', body, headers);
    expect(harness.calls[0]?.by).toEqual({ id: 'pagerduty', name: 'PagerDuty', via: 'pagerduty' });
  });

  it('when the change cannot be kept, 503, so that PagerDuty delivers the event again', async () => {
    harness.failControl(true);
    const { body, headers } = pagerDutyDelivery('incident.acknowledged', keyOf(crash.fingerprint), [SECRET]);
    expect((await harness.post('/pagerduty/webhooks', body, headers)).status).toBe(503);
    harness.failControl(false);
    expect((await harness.post('/pagerduty/webhooks', body, headers)).status).toBe(200);
    expect((await harness.store.getIncident(episode))?.state).toBe('acknowledged');
  });
});

describe('without webhook_secret', () => {
  it('the path is not served (404)', async () => {
    const harness = await startIncidentHookHarness(
      'actions:\n  pd:\n    type: pagerduty\n    routing_key: R0UTINGKEY0000000000000000000000\n',
    );
    try {
      const { body, headers } = pagerDutyDelivery('incident.acknowledged', keyOf(crash.fingerprint), [SECRET]);
      expect((await harness.post('/pagerduty/webhooks', body, headers)).status).toBe(404);
    } finally {
      await harness.close();
    }
  });
});
