import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../src/config/load-config.js';
import type { NotificationRecord } from '../../../../src/store/ports/records.js';
import { attemptContext, chatAction, enrichedGroup, failureOf } from '../../../support/chat-platforms.js';
import { incidentioThrottled, startFakeIncidentio, type FakeIncidentio } from '../../../support/fake-incidentio.js';
import {
  expectRefusedOnce,
  expectRetriedAfterThrottle,
  FIXTURE_GROUP_KEY_HASH as DEDUP_KEY,
  groupBody as group,
  jobOf,
  QUICK_DELIVERY,
} from '../../../support/paging-receivers.js';
import { startTestService, type TestService } from '../../../support/test-service.js';

const TOKEN = 'inc_alert_source_token_0123456789';

let incidentio: FakeIncidentio;
beforeAll(async () => {
  incidentio = await startFakeIncidentio(TOKEN);
});
afterAll(() => incidentio.close());
beforeEach(() => {
  incidentio.failWith(undefined);
  incidentio.accepted.length = 0;
  incidentio.alerts.clear();
  incidentio.standIn.requests.length = 0;
});

/** An `incidentio_configs` entry as alertmanager.yml has it, `type: incidentio` added, and a title template. */
const pasted = (token = TOKEN) => `${QUICK_DELIVERY}actions:
  incidents:
    type: incidentio
    url: ${incidentio.url}
    alert_source_token: ${token}
    max_alerts: 1
    send_resolved: true
    templates:
      title: '{{ commonLabels.alertname }} ({{ alerts.size }}) in {{ commonLabels.namespace }}'
`;

const job = (record: NotificationRecord) => jobOf(record, 'incidents');

describe('incidentio action, configured as Alertmanager configures it', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService(pasted());
  });
  afterAll(() => service.stop());

  it('sends the group on its deduplication key, max_alerts kept, and the resolve resolves the same alert', async () => {
    const firing = await service.post('/alert', group('firing'));
    expect(job(await service.untilDone(String(firing.body.id))).state).toBe('succeeded');
    const event = incidentio.accepted[0]!;
    expect(event).toMatchObject({
      version: '1',
      status: 'firing',
      deduplication_key: DEDUP_KEY,
      groupKey: '{}:{alertname="KubePodCrashLooping", namespace="shop"}',
      truncatedAlerts: 1,
      title: 'KubePodCrashLooping (2) in shop',
      commonLabels: { namespace: 'shop' },
    });
    expect(event.alerts).toHaveLength(1);
    expect(event.description).toContain('pod cart-7d9f8b6c5-x2x9z');
    expect(incidentio.standIn.requests[0]!.headers['content-type']).toBe('application/json');
    const resolved = await service.post('/alert', group('resolved'));
    await service.untilDone(String(resolved.body.id));
    expect(incidentio.accepted.map((e) => e.status)).toEqual(['firing', 'resolved']);
    expect(incidentio.alerts.get(DEDUP_KEY)).toBe('resolved');
  });

  it('retries a 429 no sooner than its Retry-After, and delivers once', async () => {
    await expectRetriedAfterThrottle(service, incidentio, { action: 'incidents', throttled: incidentioThrottled(1), atLeastMs: 1000 });
    expect(incidentio.accepted).toHaveLength(1);
  });

  it('does not retry a token incident.io refuses, and keeps it out of the error, the log and the history', async () => {
    await expectRefusedOnce(pasted('wrong_token_000'), {
      action: 'incidents',
      reason: 'incident.io answered 401: {"type":"authentication_error"',
      secret: 'wrong_token_000',
    });
  });
});

describe('incidentio action, the event', () => {
  it('carries each alert’s enrichment and notes', async () => {
    await chatAction('incidentio', { url: incidentio.url, alert_source_token: TOKEN }).handle(enrichedGroup(), attemptContext());
    const alerts = incidentio.accepted[0]!.alerts as Array<Record<string, unknown>>;
    expect(alerts[0]!.enrichment).toEqual({
      'pod-resources': {
        CPU: '0.42 cores · 84% of limit 0.5 cores · request 0.25 cores · ▁▂▃▅▇',
        Memory: '412 MiB · 81% of limit 512 MiB · request 256 MiB · ▂▃▅▇█',
      },
    });
    expect(alerts[1]!.notes).toEqual(['pod-resources: no cAdvisor metrics for shop/checkout-5c6d7e8f9-abcde in Prometheus']);
    expect(incidentio.accepted[0]!.description).toContain('CPU: 0.42 cores');
  });

  it('keeps a group past 512 KB within it, the alerts left out counted', async () => {
    const n = enrichedGroup();
    const alerts = Array.from({ length: 400 }, (_, i) => ({
      ...n.alerts[0]!,
      fingerprint: String(i),
      annotations: { description: 'y'.repeat(5000) },
    }));
    await chatAction('incidentio', { url: incidentio.url, alert_source_token: TOKEN }).handle({ ...n, alerts }, attemptContext());
    const event = incidentio.accepted[0]!;
    expect(Buffer.byteLength(JSON.stringify(event))).toBeLessThanOrEqual(512 * 1024);
    expect((event.alerts as unknown[]).length + Number(event.truncatedAlerts)).toBe(400);
  });

  it('does not retry a 422, and keeps the URL out of an error that quotes it', async () => {
    incidentio.failWith({
      status: 422,
      body: { type: 'validation_error', status: 422, errors: [{ message: `bad event for ${incidentio.url}` }] },
    });
    const error = await failureOf(chatAction('incidentio', { url: incidentio.url, alert_source_token: TOKEN }), enrichedGroup());
    expect(error).toMatchObject({ retryable: false, status: 422 });
    expect(error.message).not.toContain('01GW2G3V0S59R238FAHPDS1R66');
  });
});

describe('incidentio config', () => {
  it('refuses a missing URL and a negative max_alerts, and says where', () => {
    const load = (fields: string) => () => parseConfigText(`actions:\n  i:\n    type: incidentio\n${fields}`, 'test', {});
    expect(load('    alert_source_token: t\n')).toThrow(/actions\.i\.url/);
    expect(load('    url: https://api.incident.io/v2/alert_events/alertmanager/x\n    max_alerts: -1\n')).toThrow(/actions\.i\.max_alerts/);
  });
});
