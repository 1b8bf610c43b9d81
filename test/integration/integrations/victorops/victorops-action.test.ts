import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../src/config/load-config.js';
import type { Job, NotificationRecord } from '../../../../src/store/ports/records.js';
import { attemptContext, chatAction, enrichedGroup, failureOf } from '../../../support/chat-platforms.js';
import { startFakeVictorOps, type FakeVictorOps } from '../../../support/fake-victorops.js';
import { fixtureText } from '../../../support/fixtures.js';
import { startTestService, type TestService } from '../../../support/test-service.js';

const API_KEY = '5a2b3c4d-0000-4e1f-9a8b-victoropskey';
const ENTITY_ID = createHash('sha256').update('{}:{alertname="KubePodCrashLooping", namespace="shop"}').digest('hex');

let victorops: FakeVictorOps;
beforeAll(async () => {
  victorops = await startFakeVictorOps(API_KEY);
});
afterAll(() => victorops.close());
beforeEach(() => {
  victorops.failWith(undefined);
  victorops.accepted.length = 0;
  victorops.incidents.clear();
  victorops.standIn.requests.length = 0;
});

function group(status: 'firing' | 'resolved'): string {
  const body = JSON.parse(fixtureText('alertmanagerGroup')) as { status: string; alerts: Array<Record<string, unknown>> };
  if (status === 'resolved') {
    body.status = 'resolved';
    for (const alert of body.alerts) Object.assign(alert, { status: 'resolved', endsAt: '2026-11-22T12:30:00Z' });
  }
  return JSON.stringify(body);
}

/** A `victorops_configs` entry as alertmanager.yml has it, `type: victorops` added. */
const pasted = (apiKey = API_KEY) => `delivery:
  dedup_window: 0
  initial_backoff: 100ms
  max_backoff: 300ms
actions:
  splunk:
    type: victorops
    api_key: ${apiKey}
    api_url: ${victorops.url}
    routing_key: '{{ commonLabels.namespace }}-team'
    message_type: CRITICAL
    entity_display_name: '{{ commonLabels.alertname }} in {{ commonLabels.namespace }}'
    monitoring_tool: prometheus
    custom_fields:
      severity: '{{ commonLabels.severity }}'
`;

const job = (record: NotificationRecord): Job => record.jobs.find((j) => j.action === 'splunk')!;

describe('victorops action, configured as Alertmanager configures it', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService(pasted());
  });
  afterAll(() => service.stop());

  it('opens an incident on the group’s entity_id, and RECOVERY resolves it', async () => {
    const firing = await service.post('/alert', group('firing'));
    expect(job(await service.untilDone(String(firing.body.id))).state).toBe('succeeded');
    expect(victorops.standIn.requests[0]!.url).toBe(`/integrations/generic/20131114/alert/${API_KEY}/shop-team`);
    expect(victorops.accepted[0]!.event).toMatchObject({
      message_type: 'CRITICAL',
      entity_id: ENTITY_ID,
      entity_display_name: 'KubePodCrashLooping in shop',
      monitoring_tool: 'prometheus',
      severity: 'critical',
    });
    expect(victorops.accepted[0]!.event.state_message).toContain('🔥 FIRING: KubePodCrashLooping (2)');
    const resolved = await service.post('/alert', group('resolved'));
    await service.untilDone(String(resolved.body.id));
    expect(victorops.accepted.map((a) => a.event.message_type)).toEqual(['CRITICAL', 'RECOVERY']);
    expect(victorops.incidents.get(ENTITY_ID)).toBe('resolved');
  });

  it('retries a 429 no sooner than its Retry-After, and delivers once', async () => {
    victorops.failWith({ status: 429, headers: { 'retry-after': '1' }, body: { result: 'failure', message: 'Too many requests' } });
    const { body } = await service.post('/alert', group('firing'));
    await victorops.standIn.waitForRequests(1);
    victorops.failWith(undefined);
    const record = await service.untilDone(String(body.id));
    expect(job(record).attempts.map((a) => a.outcome)).toEqual(['retry', 'success']);
    const [first, second] = victorops.standIn.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000);
    expect(victorops.accepted).toHaveLength(1);
  });

  it('does not retry an unknown key, and keeps both keys out of the error, the log and the history', async () => {
    const bad = await startTestService(pasted('wrong-key-0000'));
    try {
      const { body } = await bad.post('/alert', group('firing'));
      const record = await bad.untilDone(String(body.id));
      expect(job(record).state).toBe('failed');
      expect(job(record).attempts).toHaveLength(1);
      expect(job(record).attempts[0]!.error).toContain('Splunk On-Call answered 404');
      const history = await fetch(`${bad.url}/api/notifications/${String(body.id)}`).then((r) => r.text());
      expect(`${history}${JSON.stringify(bad.logs)}`).not.toContain('wrong-key-0000');
    } finally {
      await bad.stop();
    }
  });
});

describe('victorops action, the message', () => {
  it('carries the enrichment as fields and in state_message', async () => {
    await chatAction('victorops', { api_key: API_KEY, api_url: victorops.url, routing_key: 'ops' }).handle(
      enrichedGroup(),
      attemptContext(),
    );
    const event = victorops.accepted[0]!.event;
    expect(event['cart-7d9f8b6c5-x2x9z cart CPU']).toBe('0.42 cores · 84% of limit 0.5 cores · request 0.25 cores · ▁▂▃▅▇');
    expect(event.state_message).toContain('⚠ pod-resources: no cAdvisor metrics');
    expect(event.entity_display_name).toBe('🔥 FIRING: KubePodCrashLooping (2)');
  });

  it('keeps a huge group within the 20,480 characters of state_message', async () => {
    const n = enrichedGroup();
    const alerts = Array.from({ length: 300 }, (_, i) => ({
      ...n.alerts[0]!,
      fingerprint: String(i),
      annotations: { description: 'y'.repeat(5000) },
    }));
    await chatAction('victorops', { api_key: API_KEY, api_url: victorops.url, routing_key: 'ops' }).handle(
      { ...n, alerts },
      attemptContext(),
    );
    expect(victorops.accepted[0]!.event.state_message!.length).toBeLessThanOrEqual(20_480);
  });

  it('does not retry a body the endpoint refuses', async () => {
    victorops.failWith({ status: 400, body: { result: 'failure', message: `Missing fields: message_type for ${API_KEY}` } });
    const error = await failureOf(
      chatAction('victorops', { api_key: API_KEY, api_url: victorops.url, routing_key: 'ops' }),
      enrichedGroup(),
    );
    expect(error).toMatchObject({ retryable: false, status: 400 });
    expect(error.message).not.toContain(API_KEY);
  });
});

describe('victorops config', () => {
  it('refuses a custom field the endpoint reads for itself, and a missing routing key', () => {
    const load = (fields: string) => () => parseConfigText(`actions:\n  s:\n    type: victorops\n    api_key: k\n${fields}`, 'test', {});
    expect(load('    routing_key: r\n    custom_fields: { entity_id: x }\n')).toThrow(/actions\.s\.custom_fields: may not set routing_key/);
    expect(load('')).toThrow(/actions\.s\.routing_key/);
  });
});
