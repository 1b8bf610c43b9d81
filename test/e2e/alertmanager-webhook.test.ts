import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../src/http/ingest/fingerprint.js';
import { binariesAvailable } from '../support/binaries.js';
import { startAlertmanager, webhookAlertmanagerConfig, type RealAlertmanager } from '../support/real-alertmanager.js';
import { startTestService, type TestService } from '../support/test-service.js';

const tools = binariesAvailable('prometheus-alertmanager');

describe.skipIf(!tools.available)('a real Alertmanager sending to alertpipe', () => {
  let app: TestService;
  let am: RealAlertmanager;

  beforeAll(async () => {
    app = await startTestService('server:\n  auth:\n    bearer_token: s3cret\n', {}, { secrets: ['s3cret'] });
    am = await startAlertmanager(webhookAlertmanagerConfig(`${app.url}/alert`, { bearer: 's3cret', groupBy: ['alertname', 'namespace'] }));
  });
  afterAll(async () => {
    await am?.stop();
    await app?.stop();
  });

  const labels = [
    { alertname: 'KubePodCrashLooping', namespace: 'shop', pod: 'cart-1', severity: 'critical' },
    { alertname: 'KubePodCrashLooping', namespace: 'shop', pod: 'cart-2', severity: 'critical' },
  ];

  async function postAlerts(endsAt?: string): Promise<void> {
    const body = labels.map((l) => ({ labels: l, annotations: { summary: 'Pod is crash looping.' }, ...(endsAt ? { endsAt } : {}) }));
    const response = await fetch(`${am.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
  }

  it('receives the group, authenticated, with the fingerprints Alertmanager computed', async () => {
    await postAlerts();
    const line = await app.waitForLog((l) => l.message === 'alert notification' && l.status === 'firing', 15_000);
    const alerts = line.alerts as Array<{ fingerprint: string; labels: Record<string, string>; status: string }>;
    expect(alerts).toHaveLength(2);
    for (const alert of alerts) expect(alert.fingerprint).toBe(fingerprintOf(alert.labels));
    expect(line.groupKey).toBe('{}:{alertname="KubePodCrashLooping", namespace="shop"}');
    expect(app.logs.some((l) => l.message === 'request failed')).toBe(false);
  });

  it('receives the resolution of the same alerts', async () => {
    await postAlerts(new Date(Date.now() - 1000).toISOString());
    const line = await app.waitForLog((l) => l.message === 'alert notification' && l.status === 'resolved', 15_000);
    const alerts = line.alerts as Array<{ fingerprint: string; status: string; labels: Record<string, string> }>;
    expect(alerts.map((a) => a.status)).toEqual(['resolved', 'resolved']);
    expect(alerts.map((a) => a.fingerprint).sort()).toEqual(labels.map((l) => fingerprintOf(l)).sort());
  });
});
