import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MessageRef, MessageRefStore } from '../../../../src/store/ports/message-refs.js';
import type { NotificationRecord } from '../../../../src/store/ports/records.js';
import { attemptContext, chatAction, enrichedGroup, failureOf } from '../../../support/chat-platforms.js';
import { startFakeOpsgenie, opsgenieThrottled, type FakeOpsgenie } from '../../../support/fake-opsgenie.js';
import {
  expectRefusedOnce,
  FIXTURE_GROUP_KEY_HASH as ALIAS,
  groupBody as group,
  jobOf,
  QUICK_DELIVERY,
} from '../../../support/paging-receivers.js';
import { startTestService, type TestService } from '../../../support/test-service.js';

const API_KEY = 'eb243592-faa2-4ba2-a551-1afdf565c889';

let opsgenie: FakeOpsgenie;
beforeAll(async () => {
  opsgenie = await startFakeOpsgenie(API_KEY);
});
afterAll(() => opsgenie.close());
beforeEach(() => {
  opsgenie.failWith(undefined);
  opsgenie.alerts.clear();
  opsgenie.accepted.length = 0;
  opsgenie.standIn.requests.length = 0;
});

/** An `opsgenie_configs` entry as alertmanager.yml has it, `type: opsgenie` added, indented under `actions:`. */
function pastedConfig(apiKey = API_KEY, extra = ''): string {
  return `${QUICK_DELIVERY}actions:
  oncall:
    type: opsgenie
    api_key: ${apiKey}
    api_url: ${opsgenie.url}
    message: '{{ commonLabels.alertname }} in {{ commonLabels.namespace }}'
    priority: P2
    tags: kubernetes,{{ commonLabels.namespace }}
    entity: '{{ commonLabels.namespace }}'
    note: Paged by alertpipe
    details:
      runbook: https://runbooks.example.com/crashloop
    responders:
      - name: platform
        type: team
      - name: sre,payments
        type: teams
      - username: oncall@example.com
        type: user
    send_resolved: true
${extra}`;
}

const job = (record: NotificationRecord) => jobOf(record, 'oncall');

describe('opsgenie action, configured as Alertmanager configures it', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService(pastedConfig());
  });
  afterAll(() => service.stop());

  it('creates one alert for the group, aliased by its key, repeats count on it, and the resolve closes it', async () => {
    const firing = await service.post('/alert', group('firing'));
    expect(job(await service.untilDone(String(firing.body.id))).state).toBe('succeeded');
    const request = opsgenie.standIn.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/v2/alerts');
    expect(request.headers.authorization).toBe(`GenieKey ${API_KEY}`);
    const alert = opsgenie.alerts.get(ALIAS)!;
    expect(alert.created).toMatchObject({
      message: 'KubePodCrashLooping in shop',
      priority: 'P2',
      tags: ['kubernetes', 'shop'],
      entity: 'shop',
      note: 'Paged by alertpipe',
      source: 'alertpipe',
      responders: [
        { name: 'platform', type: 'team' },
        { name: 'sre', type: 'team' },
        { name: 'payments', type: 'team' },
        { username: 'oncall@example.com', type: 'user' },
      ],
    });
    // Alertmanager's details: the common labels, and the configured ones beside them.
    expect(alert.created.details).toMatchObject({
      runbook: 'https://runbooks.example.com/crashloop',
      namespace: 'shop',
      severity: 'critical',
    });
    expect(alert.created.description).toContain('🔥 FIRING: KubePodCrashLooping (2)');
    expect(alert.created.description).toContain('pod cart-7d9f8b6c5-x2x9z');

    const again = await service.post('/alert', group('firing'));
    await service.untilDone(String(again.body.id));
    expect(opsgenie.alerts.size).toBe(1);
    expect(alert.count).toBe(2);

    const resolved = await service.post('/alert', group('resolved'));
    const record = await service.untilDone(String(resolved.body.id));
    expect(job(record).state).toBe('succeeded');
    expect(opsgenie.accepted.at(-1)).toBe(`POST /v2/alerts/${ALIAS}/close`);
    expect(opsgenie.standIn.requests.at(-1)!.url).toBe(`/v2/alerts/${ALIAS}/close?identifierType=alias`);
    expect(alert.status).toBe('closed');
  });

  it('waits out the period its 429 names (X-RateLimit-Period-In-Sec), then delivers once', async () => {
    opsgenie.failWith(opsgenieThrottled(1));
    const { body } = await service.post('/alert', group('firing'));
    await opsgenie.standIn.waitForRequests(1);
    opsgenie.failWith(undefined);
    const record = await service.untilDone(String(body.id));
    expect(job(record).attempts.map((a) => a.outcome)).toEqual(['retry', 'success']);
    expect(job(record).attempts[0]!.error).toContain('Opsgenie answered 429');
    const [throttled, second] = opsgenie.standIn.requests;
    // The stand-in's period is one second; the shared backoff alone would have retried after 100 ms.
    expect(second!.at - throttled!.at).toBeGreaterThanOrEqual(1000);
    expect(opsgenie.alerts.get(ALIAS)?.count).toBe(1);
  });

  it('keeps the API key out of the log and the history', async () => {
    const { body } = await service.post('/alert', group('firing'));
    await service.untilDone(String(body.id));
    expect(JSON.stringify(service.logs)).not.toContain(API_KEY);
    const history = await fetch(`${service.url}/api/notifications/${String(body.id)}`).then((r) => r.text());
    expect(history).toContain('sent the alert');
    expect(history).not.toContain(API_KEY);
  });
});

describe('opsgenie action, answers a retry cannot change', () => {
  it('does not retry a key Opsgenie refuses (401), and records why', async () => {
    const secret = '0f0f0f0f-wrong-key-0000-000000000000';
    await expectRefusedOnce(pastedConfig(secret), {
      action: 'oncall',
      reason: 'Opsgenie answered 401: {"message":"Could not authenticate"',
      secret,
    });
    expect(opsgenie.alerts.size).toBe(0);
  });

  it('does not retry a 422, and keeps the key out of an error that quotes it', async () => {
    opsgenie.failWith({
      status: 422,
      body: { message: `Request body is not processable. key GenieKey ${API_KEY}`, took: 0.001, requestId: 'r' },
    });
    const error = await failureOf(chatAction('opsgenie', { api_key: API_KEY, api_url: opsgenie.url }), enrichedGroup());
    expect(error).toMatchObject({ retryable: false, status: 422 });
    expect(error.message).not.toContain(API_KEY);
  });
});

describe('opsgenie action, the message', () => {
  it('carries the enrichment in details and the whole message in the description', async () => {
    await chatAction('opsgenie', { api_key: API_KEY, api_url: opsgenie.url }).handle(enrichedGroup(), attemptContext());
    const alert = opsgenie.alerts.get(ALIAS)!.created;
    expect(alert.message).toBe('🔥 FIRING: KubePodCrashLooping (2)');
    expect(alert.details).toMatchObject({
      'cart-7d9f8b6c5-x2x9z cart: CPU': '0.42 cores · 84% of limit 0.5 cores · request 0.25 cores · ▁▂▃▅▇',
    });
    expect(alert.description).toContain('CPU: 0.42 cores · 84% of limit 0.5 cores · request 0.25 cores · ▁▂▃▅▇');
    expect(alert.description).toContain('⚠ pod-resources: no cAdvisor metrics');
    expect(alert.description).toMatch(/Silence: http:\/\/alertmanager:9093\/#\/silences\/new\?filter=/);
  });

  it('keeps 300 long alerts within the documented limits, folding the rest', async () => {
    const n = enrichedGroup();
    const alerts = Array.from({ length: 300 }, (_, i) => ({
      ...n.alerts[0]!,
      fingerprint: String(i),
      labels: { ...n.alerts[0]!.labels, pod: `p-${i}` },
      annotations: { description: 'y'.repeat(5000) },
    }));
    const action = chatAction('opsgenie', { api_key: API_KEY, api_url: opsgenie.url, max_alerts: 15, tags: 'x'.repeat(80) });
    expect(action.preview!({ ...n, alerts }).problems).toEqual([]);
    await action.handle({ ...n, alerts }, attemptContext());
    const created = opsgenie.alerts.get(ALIAS)!.created;
    expect(created.description!.length).toBeLessThanOrEqual(15_000);
    expect(created.description).toMatch(/…and \d+ more alerts/);
    expect(created.tags).toEqual(['x'.repeat(49) + '…']);
  });

  it('with update_alerts, replaces the open alert’s message and description', async () => {
    const action = chatAction('opsgenie', { api_key: API_KEY, api_url: opsgenie.url, update_alerts: true, message: 'first' });
    await action.handle(enrichedGroup(), attemptContext());
    const changed = chatAction('opsgenie', { api_key: API_KEY, api_url: opsgenie.url, update_alerts: true, message: 'second' });
    await changed.handle(enrichedGroup(), attemptContext());
    expect(opsgenie.accepted.slice(-3)).toEqual([
      'POST /v2/alerts',
      `PUT /v2/alerts/${ALIAS}/message`,
      `PUT /v2/alerts/${ALIAS}/description`,
    ]);
    expect(opsgenie.alerts.get(ALIAS)).toMatchObject({ message: 'second', count: 2 });
  });
});

describe('opsgenie action, acknowledged elsewhere', () => {
  it('acknowledges the alert the clicked alerts went into, after a restart too', async () => {
    const refs = new Map<string, MessageRef>();
    const store: MessageRefStore = {
      getMessageRef: (id) => Promise.resolve(refs.get(id)),
      putMessageRef: (ref) => Promise.resolve(void refs.set(ref.id, ref)),
    };
    const fields = { api_key: API_KEY, api_url: opsgenie.url };
    await chatAction('opsgenie', fields, 'oncall').handle(enrichedGroup(), { ...attemptContext(), messageRefs: store });
    // A new process: nothing in memory; its first attempt brings the store.
    const restarted = chatAction('opsgenie', fields, 'oncall');
    const other = { ...enrichedGroup(), groupKey: '{}:{alertname="Other"}', alerts: [] };
    await restarted.handle(other, { ...attemptContext(), messageRefs: store });
    const line = await restarted.capabilities!.acknowledge!(['5fab0dffa4d7754b', 'unknown0'], AbortSignal.timeout(5000));
    expect(line).toBe('🔔 Opsgenie (oncall): 1 alert acknowledged (1 alert not sent to it by this action)');
    expect(opsgenie.alerts.get(ALIAS)?.acknowledged).toBe(true);
    expect(opsgenie.standIn.requests.at(-1)!.url).toBe(`/v2/alerts/${ALIAS}/acknowledge?identifierType=alias`);
  });
});
