import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VERSION } from '../../../../src/lib/version.js';
import { fixtureText } from '../../../support/fixtures.js';
import { startHttpStandIn, type HttpStandIn, type RecordedRequest } from '../../../support/http-stand-in.js';
import { startTestService, type TestService } from '../../../support/test-service.js';

let controller: HttpStandIn;
let service: TestService;

beforeAll(async () => {
  controller = await startHttpStandIn(() => ({ status: 202, body: 'queued' }));
});
afterAll(() => controller.close());
beforeEach(() => {
  controller.requests.length = 0;
  controller.respondWith(() => ({ status: 202, body: 'queued' }));
});

async function serviceFor(): Promise<TestService> {
  const yaml = [
    'routes:',
    '  - matchers: [\'container="cart"\']',
    '    actions: [enriched, original, basic]',
    '  - actions: [enriched]',
    'delivery:',
    '  dedup_window: 0',
    '  initial_backoff: 100ms',
    '  max_backoff: 200ms',
    'actions:',
    `  enriched: { type: webhook, url: "${controller.url}/reconcile?kind=enriched", headers: { X-Team: sre }, auth: { bearer_token: t0ken } }`,
    `  original: { type: webhook, url: "${controller.url}/reconcile?kind=original", body: original, method: PUT }`,
    `  basic: { type: webhook, url: "${controller.url}/reconcile?kind=basic", auth: { basic: { username: am, password: pa55 } } }`,
  ].join('\n');
  return startTestService(yaml);
}

const byKind = (kind: string): RecordedRequest[] => controller.requests.filter((r) => r.url.endsWith(`kind=${kind}`));

describe('webhook action', () => {
  beforeAll(async () => {
    service = await serviceFor();
  });
  afterAll(() => service.stop());

  it("sends the enriched body in Alertmanager's format with only this action's alerts, once", async () => {
    await service.post('/alert', fixtureText('alertmanagerGroup'));
    await controller.waitForRequests(3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(controller.requests).toHaveLength(3);
    // cart goes to all three actions, checkout only to `enriched`: one call each, enriched with both.
    const enriched = byKind('enriched');
    const bodies = enriched.map((r) => JSON.parse(r.body) as { version: string; alerts: Array<Record<string, unknown>>; groupKey: string });
    expect(bodies[0]!.alerts.map((a) => (a.labels as Record<string, string>).container)).toEqual(['cart', 'checkout']);
    expect(JSON.parse(byKind('basic')[0]!.body).alerts.map((a: { labels: Record<string, string> }) => a.labels.container)).toEqual([
      'cart',
    ]);
    expect(bodies[0]!.version).toBe('4');
    expect(bodies[0]!.groupKey).toBe('{}:{alertname="KubePodCrashLooping", namespace="shop"}');
    expect(bodies[0]!.alerts[0]).toMatchObject({ endsAt: '0001-01-01T00:00:00Z', enrichment: {}, notes: [], status: 'firing' });
    expect(enriched[0]!.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': `alertpipe/${VERSION}`,
      'x-team': 'sre',
      authorization: 'Bearer t0ken',
    });
    expect(enriched[0]!.method).toBe('POST');
  });

  it('forwards the original body byte for byte, with every alert', async () => {
    controller.requests.length = 0;
    const text = fixtureText('v3NumericGroupKey').replace('"job": "node"}', '"job": "node", "container": "cart"}');
    await service.post('/alert', text);
    await controller.waitForRequests(3);
    const [original] = byKind('original');
    expect(original!.method).toBe('PUT');
    expect(original!.body).toBe(text);
    expect(original!.body).toContain('"groupKey": 11840296893788715932');
  });

  it('sends basic auth as configured', async () => {
    await service.post('/alert', fixtureText('alertmanagerGroup'));
    await controller.waitForRequests(3);
    expect(byKind('basic')[0]!.headers.authorization).toBe(`Basic ${Buffer.from('am:pa55').toString('base64')}`);
  });
});

describe('webhook failures', () => {
  beforeAll(async () => {
    service = await serviceFor();
  });
  afterAll(() => service.stop());

  it('retries a 500 and delivers once the controller recovers', async () => {
    let calls = 0;
    controller.respondWith(() => (++calls <= 2 ? { status: 500, body: 'busy' } : { status: 200, body: 'ok' }));
    const { body } = await service.post('/alert', fixtureText('singleAlert'));
    const record = await service.untilDone(String(body.id));
    expect(record.jobs[0]!.attempts.map((a) => a.outcome)).toEqual(['retry', 'retry', 'success']);
  });

  it('does not retry a 404', async () => {
    controller.respondWith(() => ({ status: 404, body: 'no such endpoint' }));
    const { body } = await service.post('/alert', fixtureText('singleAlert'));
    const record = await service.untilDone(String(body.id));
    expect(record.jobs[0]!.state).toBe('failed');
    expect(record.jobs[0]!.attempts).toHaveLength(1);
    expect(record.jobs[0]!.attempts[0]!.error).toBe('webhook enriched answered 404: no such endpoint');
  });
});
