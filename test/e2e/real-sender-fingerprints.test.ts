import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../src/http/ingest/fingerprint.js';
import { normalize } from '../../src/http/ingest/normalize.js';
import { binariesAvailable } from '../support/binaries.js';
import { startAlertmanager, webhookAlertmanagerConfig, type RealAlertmanager } from '../support/real-alertmanager.js';
import { startPrometheus, type RealPrometheus } from '../support/real-prometheus.js';
import { startTestService, type TestService } from '../support/test-service.js';

const tools = binariesAvailable('prometheus-alertmanager', 'prometheus');
const LONG_QUERY = `sum(rate(http_requests_total{path=~"${Array.from({ length: 500 }, (_, i) => `/api/v${i}`).join('|')}"}[5m]))`;

interface AmAlert {
  fingerprint: string;
  labels: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

describe.skipIf(!tools.available)('fingerprints and times as a real Alertmanager 0.25 and Prometheus 2.42 make them', () => {
  let app: TestService;
  let am: RealAlertmanager;
  let prometheus: RealPrometheus | undefined;

  beforeAll(async () => {
    app = await startTestService('');
    am = await startAlertmanager(webhookAlertmanagerConfig(`${app.url}/alert`, { groupBy: ['alertname'] }));
  });
  afterAll(async () => {
    await prometheus?.stop();
    await am?.stop();
    await app?.stop();
  });

  async function postToAlertmanager(alerts: object[]): Promise<AmAlert[]> {
    const response = await fetch(`${am.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
    });
    expect(response.status).toBe(200);
    return (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as AmAlert[];
  }

  it('Alertmanager removeEmptyLabels: the same fingerprint for an alert with an empty label', async () => {
    const sent = { labels: { alertname: 'EmptyTeam', job: 'node', team: '' }, startsAt: new Date(Date.now() - 60_000).toISOString() };
    const reported = (await postToAlertmanager([sent])).find((a) => a.labels.alertname === 'EmptyTeam')!;
    expect(reported.labels).toEqual({ alertname: 'EmptyTeam', job: 'node' });
    const ours = normalize([sent]).alerts[0]!;
    expect(ours.fingerprint).toBe(reported.fingerprint);
    expect(ours.labels).toEqual(reported.labels);
  });

  it('Alertmanager postAlertsHandler: an alert sent with only endsAt starts at its end', async () => {
    // Alertmanager lists only unresolved alerts, so the end is a minute ahead; the rule is the same.
    const sent = { labels: { alertname: 'OnlyEnd', job: 'node' }, endsAt: new Date(Date.now() + 60_000).toISOString() };
    const reported = (await postToAlertmanager([sent])).find((a) => a.labels.alertname === 'OnlyEnd')!;
    expect(reported.startsAt).toBe(reported.endsAt);
    const ours = normalize([sent]).alerts[0]!;
    expect(ours.startsAt.getTime()).toBe(Date.parse(reported.startsAt));
  });

  it('a label value over 4 KiB and __proto__/constructor labels: Alertmanager takes them, alertpipe answers its webhook 200 with the same fingerprints', async () => {
    const long = { labels: { alertname: 'BigLabels', query: LONG_QUERY } };
    const proto = { labels: JSON.parse('{"alertname":"BigLabels","__proto__":"p","constructor":"c"}') as Record<string, string> };
    const reported = (await postToAlertmanager([long, proto])).filter((a) => a.labels.alertname === 'BigLabels');
    expect(reported).toHaveLength(2);
    const line = await app.waitForLog((l) => l.message === 'alert notification' && l.groupKey === '{}:{alertname="BigLabels"}', 15_000);
    const received = line.alerts as Array<{ fingerprint: string; notes?: string[] }>;
    expect(received.map((a) => a.fingerprint).sort()).toEqual(reported.map((a) => a.fingerprint).sort());
    expect(received.map((a) => a.fingerprint).sort()).toEqual([fingerprintOf(long.labels), fingerprintOf(proto.labels)].sort());
    expect(received.flatMap((a) => a.notes ?? [])).toEqual([expect.stringContaining('label "query" cut from')]);
    const metrics = await (await fetch(`${am.url}/metrics`)).text();
    expect(metrics).toMatch(/alertmanager_notifications_failed_total\{integration="webhook"\} 0/);
  });

  it('a real Prometheus pushing an alert with a label over 4 KiB straight to alertpipe gets it accepted', async () => {
    const host = new URL(app.url).host;
    // `for: 10s` lets Prometheus discover its target first: an alert firing before that is dropped
    // and only resent a minute later.
    const rules = [
      'groups:',
      '  - name: big',
      '    rules:',
      '      - alert: PromBigLabel',
      '        expr: vector(1)',
      '        for: 10s',
      '        labels:',
      `          query: ${JSON.stringify(LONG_QUERY)}`,
      '',
    ].join('\n');
    prometheus = await startPrometheus({ targets: [host], rules, alertmanager: host });
    const line = await app
      .waitForLog((l) => l.message === 'alert notification' && JSON.stringify(l.alerts).includes('PromBigLabel'), 45_000)
      .catch((error: Error) => {
        throw new Error(`${error.message}\nprometheus said: ${prometheus?.output.slice(-5).join('\n')}`);
      });
    const alert = (line.alerts as Array<{ fingerprint: string; labels: Record<string, string>; notes?: string[] }>)[0]!;
    expect(alert.fingerprint).toBe(fingerprintOf({ alertname: 'PromBigLabel', query: LONG_QUERY }));
    expect(alert.notes).toEqual([expect.stringContaining('label "query" cut from')]);
    expect(app.logs.some((l) => l.message === 'request failed')).toBe(false);
  }, 60_000);
});
