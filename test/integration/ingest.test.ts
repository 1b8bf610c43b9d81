import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_PATHS } from '../../src/http/ingest/ingest-routes.js';
import { FIXTURES, fixtureText, type FixtureName } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/test-service.js';

let app: TestService;

beforeAll(async () => {
  // Every fixture goes to every endpoint: dedup would rightly drop the repeats, so it is off here.
  app = await startTestService('server:\n  body_limit: 64kb\ndelivery:\n  dedup_window: 0\n');
});
afterAll(() => app.stop());

const expectedAlerts: Record<FixtureName, number> = {
  alertmanagerGroup: 2,
  amExecutorPayload: 2,
  amExecutorIntegration: 2,
  amExecutorTrigger: 1,
  prometheusPush: 1,
  singleAlert: 1,
  v3NumericGroupKey: 2,
};

describe('ingest endpoints', () => {
  for (const path of INGEST_PATHS) {
    for (const fixture of Object.keys(FIXTURES) as FixtureName[]) {
      it(`POST ${path} accepts ${FIXTURES[fixture]} and the log action shows it`, async () => {
        const answer = await app.post(path, fixtureText(fixture));
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({ status: 'success', alerts: expectedAlerts[fixture] });
        const line = await app.waitForLog((l) => l.message === 'alert notification' && l.notification === answer.body.id);
        expect((line.alerts as unknown[]).length).toBe(expectedAlerts[fixture]);
      });
    }
  }

  it('keeps a v3 numeric groupKey whole all the way to the action', async () => {
    const answer = await app.post('/alert', fixtureText('v3NumericGroupKey'));
    const line = await app.waitForLog((l) => l.message === 'alert notification' && l.notification === answer.body.id);
    expect(line.groupKey).toBe('11840296893788715932');
  });
});

describe('bad input', () => {
  it('answers 400 with the path of each problem', async () => {
    const answer = await app.post('/alert', { alerts: [{ labels: { alertname: 'A' }, startsAt: 'soon' }] });
    expect(answer.status).toBe(400);
    expect(answer.body.status).toBe('error');
    expect(answer.body.issues).toEqual([{ path: 'alerts.0.startsAt', message: expect.stringContaining('RFC 3339') }]);
  });

  it('answers 400 for broken JSON, saying where it broke', async () => {
    const answer = await app.post('/alert', '{"labels": {"alertname": "A"');
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(/not valid JSON/);
  });

  it('answers 400 for an empty body', async () => {
    expect((await app.post('/alert', '')).status).toBe(400);
  });

  it('takes JSON sent with a form content type, as curl -d sends it', async () => {
    const answer = await app.post('/alert', fixtureText('singleAlert'), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(answer.status).toBe(200);
  });

  it('answers 415 for a form body, naming the content type to send', async () => {
    const answer = await app.post('/alert', 'a=b', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(answer.status).toBe(415);
    expect(answer.body.error).toContain('application/json');
  });

  it('answers 415 for a compressed body', async () => {
    const answer = await app.post('/alert', '{}', { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(answer.status).toBe(415);
  });

  it('answers 413 over the body limit, from Content-Length', async () => {
    const big = JSON.stringify({ labels: { alertname: 'A' }, annotations: { d: 'x'.repeat(70 * 1024) } });
    const answer = await app.post('/alert', big);
    expect(answer.status).toBe(413);
    expect(answer.body.error).toContain('65536');
  });

  it('answers 413 over the body limit when the body is chunked, without waiting for all of it', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${app.url}/alert`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      // 80 KB in chunks, no Content-Length; the answer must come although the body never ends.
      for (let i = 0; i < 80; i++) req.write('x'.repeat(1024));
    });
    expect(status).toBe(413);
  });

  it('answers 404 in JSON for unknown paths', async () => {
    const response = await fetch(`${app.url}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ status: 'error', error: 'no route for GET /nope' });
  });

  it('counts refused requests by reason', async () => {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(text).toMatch(/alertpipe_invalid_requests_total\{reason="400"\} [1-9]/);
    expect(text).toMatch(/alertpipe_invalid_requests_total\{reason="415"\} [1-9]/);
  });

  it('keeps serving after all of that', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect((await app.post('/alert', fixtureText('singleAlert'))).status).toBe(200);
  });
});

describe('health and metrics', () => {
  it('answers /healthz and /readyz', async () => {
    expect(await (await fetch(`${app.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${app.url}/readyz`)).json()).toEqual({ status: 'ready' });
  });

  it('exports alertpipe_ metrics in the Prometheus text format', async () => {
    const response = await fetch(`${app.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/alertpipe_notifications_received_total\{endpoint="\/alert",shape="single-alert"\} [1-9]/);
    expect(text).toMatch(/alertpipe_action_outcomes_total\{action="log",type="log",outcome="success"\} [1-9]/);
    expect(text).toContain('alertpipe_queue_depth');
  });
});

describe('what real senders send', () => {
  const firing = (name: string) => ({ labels: { alertname: name, instance: 'db1' }, startsAt: '2026-12-02T06:31:04Z' });

  it('keeps the valid alerts of a Prometheus push with an invalid one, and answers 400 naming it, as Alertmanager does', async () => {
    const body = [firing('Kept0'), { labels: { alertname: 'Bad' }, startsAt: 'soon' }, firing('Kept1'), { labels: {} }];
    const answer = await app.post('/api/v2/alerts', body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ status: 'error', alerts: 2, id: expect.any(String) });
    expect(answer.body.error).toMatch(/^2 of 4 alerts invalid and left out \(first: 1\.startsAt: .*RFC 3339.*\); the other 2 accepted/);
    expect((answer.body.issues as { path: string }[]).map((i) => i.path)).toEqual(['1.startsAt', '3.labels']);
    const record = await app.untilDone(String(answer.body.id));
    expect(record.notification.alerts.map((a) => a.labels.alertname)).toEqual(['Kept0', 'Kept1']);
  });

  it('keeps the valid alerts of an Alertmanager group the same way', async () => {
    const answer = await app.post('/alert', {
      status: 'firing',
      alerts: [firing('Grouped'), { labels: { alertname: 'X' }, status: 'broken' }],
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ alerts: 1 });
    expect((answer.body.issues as { path: string }[]).map((i) => i.path)).toEqual(['alerts.1.status']);
    expect((await app.untilDone(String(answer.body.id))).notification.alerts).toHaveLength(1);
  });

  it('refuses the whole body, keeping nothing, when no alert is valid or a problem is outside the alerts', async () => {
    const before = await (await fetch(`${app.url}/api/notifications?limit=1`)).json();
    const none = await app.post('/api/v2/alerts', [{ labels: {} }, { labels: { alertname: 'A' }, endsAt: 'later' }]);
    expect(none.status).toBe(400);
    expect(none.body.id).toBeUndefined();
    const outside = await app.post('/alert', { commonLabels: { team: 7 }, alerts: [firing('Fine'), { labels: {} }] });
    expect(outside.status).toBe(400);
    expect(outside.body.id).toBeUndefined();
    expect(await (await fetch(`${app.url}/api/notifications?limit=1`)).json()).toEqual(before);
  });

  it('reads timestamps without a zone, as a Python sender writes datetime.isoformat(), as UTC, and says so on the alert', async () => {
    const answer = await app.post('/api/v2/alerts', [
      {
        labels: { alertname: 'Naive', severity: 'warning' },
        annotations: { summary: 'from a script' },
        startsAt: '2026-12-02T06:31:04.448123',
      },
    ]);
    expect(answer.status).toBe(200);
    const [alert] = (await app.untilDone(String(answer.body.id))).notification.alerts;
    expect(new Date(alert!.startsAt).toISOString()).toBe('2026-12-02T06:31:04.448Z');
    expect(alert!.notes).toEqual(['startsAt 2026-12-02T06:31:04.448123 has no time zone: read as UTC']);
  });

  it('takes an empty group or alert status from the alerts', async () => {
    const answer = await app.post('/alert', { status: '', alerts: [{ ...firing('EmptyStatus'), status: '' }] });
    expect(answer.status).toBe(200);
    const { notification } = await app.untilDone(String(answer.body.id));
    expect([notification.status, notification.alerts[0]!.status]).toEqual(['firing', 'firing']);
  });
});
