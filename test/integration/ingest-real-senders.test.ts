import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../src/http/ingest/fingerprint.js';
import { fixtureText } from '../support/fixtures.js';
import { startHttpStandIn, type HttpStandIn } from '../support/http-stand-in.js';
import { startTestService, type TestService } from '../support/test-service.js';

let app: TestService;
let receiver: HttpStandIn;

interface DeliveredAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  notes: string[];
}

beforeAll(async () => {
  receiver = await startHttpStandIn();
  const yaml = [
    'server:',
    '  body_limit: 5mb',
    'routes:',
    `  - matchers: ['constructor=~".+"']`,
    '    actions: [object_keys]',
    `  - matchers: ['severity="critical"']`,
    '    actions: [critical]',
    '  - actions: [log]',
    'delivery:',
    '  dedup_window: 0',
    'actions:',
    `  object_keys: { type: webhook, url: "${receiver.url}/object-keys" }`,
    `  critical: { type: webhook, url: "${receiver.url}/critical" }`,
  ].join('\n');
  app = await startTestService(yaml);
});
afterAll(async () => {
  await app?.stop();
  await receiver?.close();
});

/** The alerts one webhook action received for a notification. */
async function delivered(id: string, path: string): Promise<DeliveredAlert[]> {
  await app.untilDone(id);
  const request = receiver.requests.find(
    (r) => r.url === path && (JSON.parse(r.body) as { alertpipe: { notificationId: string } }).alertpipe.notificationId === id,
  );
  if (!request) throw new Error(`nothing delivered to ${path}`);
  return (JSON.parse(request.body) as { alerts: DeliveredAlert[] }).alerts;
}

async function metric(name: string): Promise<string[]> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  return text.split('\n').filter((line) => line.startsWith(name));
}

describe('groups real senders emit are accepted with a 200, never lost to a 4xx', () => {
  it('issue 11 "a label named __proto__": kept through storage, routing, history and the webhook action', async () => {
    const answer = await app.post('/alert', fixtureText('alertmanager-proto-constructor-labels.json'));
    expect(answer.status).toBe(200);
    const id = String(answer.body.id);
    const [alert] = await delivered(id, '/object-keys');
    const expected = JSON.parse('{"__proto__":"polluted","alertname":"ObjectKeys","constructor":"web","severity":"critical"}');
    expect(Object.keys(alert!.labels)).toEqual(Object.keys(expected));
    expect(alert!.fingerprint).toBe(fingerprintOf(expected));
    // Routed on `constructor=~".+"`: its own label, not Object's constructor.
    const record = await app.untilDone(id);
    expect(record.jobs.map((j) => j.action)).toEqual(['object_keys']);
    const history = (await (await fetch(`${app.url}/api/notifications/${id}`)).json()) as { notification: { alerts: DeliveredAlert[] } };
    expect(Object.keys(history.notification.alerts[0]!.labels)).toEqual(['__proto__', 'alertname', 'constructor', 'severity']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not route an alert without a constructor label on constructor=~".+" (Object\'s own constructor is no label)', async () => {
    const answer = await app.post('/alert', { labels: { alertname: 'Plain', severity: 'info' } });
    const record = await app.untilDone(String(answer.body.id));
    expect(record.jobs.map((j) => j.action)).toEqual(['log']);
  });

  it('issue 11 "a label value over 4 KiB": the cut reaches the action as a note, and is counted', async () => {
    const answer = await app.post('/alert', fixtureText('alertmanager-long-query-label.json'));
    expect(answer.status).toBe(200);
    expect(answer.body.alerts).toBe(2);
    await app.untilDone(String(answer.body.id));
    const line = await app.waitForLog((l) => l.message === 'alert notification' && l.notification === answer.body.id);
    const alerts = line.alerts as Array<{ notes?: string[] }>;
    expect(alerts[0]!.notes).toEqual([expect.stringContaining('label "query" cut from 4703 to 4096 characters')]);
    expect(await metric('alertpipe_alert_fields_truncated_total{field="label_value"}')).toEqual([
      'alertpipe_alert_fields_truncated_total{field="label_value"} 1',
    ]);
  });

  it('issue 11 "an annotation over 64 KiB" and "129+ labels": 200, cut, counted', async () => {
    expect((await app.post('/alert', fixtureText('alertmanager-long-annotation.json'))).status).toBe(200);
    expect((await app.post('/api/v2/alerts', fixtureText('prometheus-push-130-labels.json'))).status).toBe(200);
    expect(await metric('alertpipe_alert_fields_truncated_total{field="annotation_value"}')).toEqual([expect.stringMatching(/ 1$/)]);
    expect(await metric('alertpipe_alert_fields_truncated_total{field="labels"}')).toEqual([expect.stringMatching(/ 1$/)]);
  });

  it('issue 11 "a group of 10,001 alerts" within the body limit: 200 with all 10,001', async () => {
    const alerts = Array.from({ length: 10_001 }, (_, i) => ({ labels: { alertname: 'Flood', pod: `p-${i}` } }));
    const answer = await app.post('/alert', { alerts });
    expect(answer.status).toBe(200);
    expect(answer.body.alerts).toBe(10_001);
  });

  it('issue 11 "annotations: null" (Go nil maps) and Grafana\'s extra fields: 200', async () => {
    for (const file of ['go-sender-null-maps.json', 'grafana-webhook-extra-fields.json']) {
      expect((await app.post('/alert', fixtureText(file))).status, file).toBe(200);
    }
  });

  it('issue 10 break 10: a critical and a warning alert under one fingerprint get a 400 naming both, and nothing is delivered', async () => {
    const before = receiver.requests.length;
    const answer = await app.post('/alert', fixtureText('duplicate-fingerprint-severities.json'));
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([
      { path: 'alerts.1.fingerprint', message: expect.stringContaining('as alerts.0 but different labels') },
    ]);
    expect(receiver.requests.length).toBe(before);
  });

  it('the same alert twice in one Prometheus batch reaches the action once', async () => {
    const critical = { labels: { alertname: 'DiskFull', severity: 'critical' }, startsAt: '2026-11-20T09:00:00Z' };
    const answer = await app.post('/api/v2/alerts', [critical, { labels: { alertname: 'DiskFull', severity: 'warning' } }, critical]);
    expect(answer.status).toBe(200);
    const alerts = await delivered(String(answer.body.id), '/critical');
    expect(alerts.map((a) => a.labels.severity)).toEqual(['critical']);
  });
});
