import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../src/config/load-config.js';
import type { NotificationRecord } from '../../../../src/store/ports/records.js';
import { attemptContext, chatAction, enrichedGroup, failureOf } from '../../../support/chat-platforms.js';
import { startFakeVictorOps, type FakeVictorOps } from '../../../support/fake-victorops.js';
import {
  expectRefusedOnce,
  expectRetriedAfterThrottle,
  FIXTURE_GROUP_KEY_HASH as ENTITY_ID,
  groupBody as group,
  jobOf,
  QUICK_DELIVERY,
} from '../../../support/paging-receivers.js';
import { startTestService, type TestService } from '../../../support/test-service.js';

const API_KEY = '5a2b3c4d-0000-4e1f-9a8b-victoropskey';

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

/** A `victorops_configs` entry as alertmanager.yml has it, `type: victorops` added. */
const pasted = (apiKey = API_KEY) => `${QUICK_DELIVERY}actions:
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

const job = (record: NotificationRecord) => jobOf(record, 'splunk');

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
    const throttled = { status: 429, headers: { 'retry-after': '1' }, body: { result: 'failure', message: 'Too many requests' } };
    await expectRetriedAfterThrottle(service, victorops, { action: 'splunk', throttled, atLeastMs: 1000 });
    expect(victorops.accepted).toHaveLength(1);
  });

  it('does not retry an unknown key, and keeps both keys out of the error, the log and the history', async () => {
    await expectRefusedOnce(pasted('wrong-key-0000'), {
      action: 'splunk',
      reason: 'Splunk On-Call answered 404',
      secret: 'wrong-key-0000',
    });
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
