import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { startTestService, type TestService } from '../support/test-service.js';

let app: TestService;
let slack: FakeSlack;
let deadJob: string;
let fingerprint: string;

const alertBody = (alertname: string, labels: Record<string, string>) => ({
  labels: { alertname, ...labels },
  annotations: { summary: `${alertname} summary` },
  startsAt: '2026-11-22T12:00:00Z',
});

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${app.url}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function retry(id: string, headers: Record<string, string>, body = '{}') {
  return fetch(`${app.url}/api/jobs/${encodeURIComponent(id)}/retry`, { method: 'POST', headers, body });
}

beforeAll(async () => {
  slack = await startFakeSlack();
  // Slack refuses a revoked webhook with a 404 (no_service): not retryable, so the job fails at once.
  slack.failWith({ status: 404, body: 'no_service' });
  app = await startTestService(
    [
      'routes:',
      '  - matchers: [\'team="db"\']',
      '    actions: [slack]',
      'actions:',
      `  slack: { type: slack, webhook_url: "${slack.url}" }`,
    ].join('\n'),
  );
  const db = await app.post('/alert', alertBody('DiskFull', { team: 'db' }));
  await app.post('/alert', alertBody('Other', { team: 'web' }));
  const record = await app.untilDone(String(db.body.id));
  deadJob = record.jobs[0]!.id;
  fingerprint = record.notification.alerts[0]!.fingerprint;
  await app.untilDone(String((await app.post('/alert', alertBody('Third', { team: 'web' }))).body.id));
}, 30_000);
afterAll(async () => {
  await app.stop();
  await slack.close();
});

describe('the console API', () => {
  it('filters the history by matcher and outcome, and says what it cannot read', async () => {
    const byMatcher = await get(`/api/notifications?matcher=${encodeURIComponent('{team="db"}')}`);
    expect(
      (byMatcher.body.notifications as Array<{ alerts: Array<{ labels: Record<string, string> }> }>).map(
        (n) => n.alerts[0]!.labels.alertname,
      ),
    ).toEqual(['DiskFull']);
    const failed = await get('/api/notifications?outcome=failed&action=slack');
    expect((failed.body.notifications as unknown[]).length).toBe(1);
    const unrouted = await get(`/api/notifications?matcher=${encodeURIComponent('team="web"')}`);
    const events = (unrouted.body.notifications as Array<{ events: Array<{ kind: string }> }>)[0]!.events;
    expect(events.map((e) => e.kind)).toEqual(['unrouted']);
    for (const bad of ['matcher=team%3D~%22(%3F%3Dx)%22', 'status=maybe', 'outcome=lost', 'since=yesterday']) {
      expect((await get(`/api/notifications?${bad}`)).status).toBe(400);
    }
  });

  it('gives one alert its timeline: received, routed, queued, the attempt, failed', async () => {
    const answer = await get(`/api/alerts/${fingerprint}/timeline`);
    expect(answer.status).toBe(200);
    expect((answer.body.timeline as Array<{ kind: string }>).map((e) => e.kind)).toEqual([
      'received',
      'routed',
      'queued',
      'attempt',
      'failed',
    ]);
    expect(answer.body.nextCursor).toBeNull();
  });

  it('refuses a retry sent as a form, without its header, or from another origin, and changes nothing', async () => {
    const json = { 'content-type': 'application/json', 'x-alertpipe-console': '1' };
    expect((await retry(deadJob, { 'content-type': 'application/x-www-form-urlencoded', 'x-alertpipe-console': '1' }, 'a=1')).status).toBe(
      415,
    );
    expect((await retry(deadJob, { 'content-type': 'text/plain' }, '{}')).status).toBe(415);
    expect((await retry(deadJob, { 'content-type': 'application/json' })).status).toBe(403);
    expect((await retry(deadJob, { ...json, origin: 'https://evil.example' })).status).toBe(403);
    expect((await retry(deadJob, { ...json, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const record = await app.service.store.getNotification(deadJob.split(':')[0]!);
    expect(record!.jobs[0]!.state).toBe('failed');
    expect(record!.events.some((e) => e.kind === 'retried')).toBe(false);
  });

  it('retries a failed job once asked properly, records it, and delivers it', async () => {
    slack.failWith(undefined);
    const answer = await retry(deadJob, { 'content-type': 'application/json', 'x-alertpipe-console': '1', origin: app.url });
    expect(answer.status).toBe(200);
    const record = await app.untilDone(deadJob.split(':')[0]!);
    expect(record.jobs[0]!.state).toBe('succeeded');
    expect(record.events.map((e) => e.kind)).toContain('retried');
    expect(slack.accepted.length).toBe(1);
    expect((await retry(deadJob, { 'content-type': 'application/json', 'x-alertpipe-console': '1' })).status).toBe(400);
    expect((await retry('nope:slack', { 'content-type': 'application/json', 'x-alertpipe-console': '1' })).status).toBe(404);
  });

  it('records an alert skipped as a duplicate, and finds it by that outcome', async () => {
    const again = await app.post('/alert', alertBody('DiskFull', { team: 'db' }));
    const record = await app.untilDone(String(again.body.id));
    expect(record.jobs).toEqual([]);
    expect(record.events.map((e) => [e.kind, e.action ?? ''])).toEqual([
      ['routed', ''],
      ['deduplicated', 'slack'],
    ]);
    const found = await get('/api/notifications?outcome=duplicate&action=slack');
    expect((found.body.notifications as Array<{ id: string }>).map((n) => n.id)).toEqual([again.body.id]);
    const kinds = ((await get(`/api/alerts/${fingerprint}/timeline`)).body.timeline as Array<{ kind: string }>).map((e) => e.kind);
    expect(kinds.slice(-3)).toEqual(['received', 'routed', 'deduplicated']);
  });

  it('tests routes for a payload without sending it', async () => {
    const before = slack.accepted.length;
    const answer = await fetch(`${app.url}/api/route-test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-alertpipe-console': '1' },
      body: JSON.stringify({ payload: alertBody('Probe', { team: 'db' }) }),
    });
    const body = (await answer.json()) as { actions: Array<{ name: string; route: string; preview: { body: { text: string } } }> };
    expect(body.actions.map((a) => [a.name, a.route])).toEqual([['slack', '{team="db"}']]);
    expect(body.actions[0]!.preview.body.text).toContain('Probe');
    expect(slack.accepted.length).toBe(before);
  });
});
