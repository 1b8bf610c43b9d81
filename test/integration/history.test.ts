import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureText } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/test-service.js';

let app: TestService;
beforeAll(async () => {
  app = await startTestService();
});
afterAll(() => app.stop());

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${app.url}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function untilDone(id: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 100; i++) {
    const { body } = await get(`/api/notifications/${id}`);
    const notification = body.notification as Record<string, unknown>;
    if (notification.state === 'done') return notification;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`notification ${id} did not finish`);
}

describe('history API', () => {
  it('shows a notification with its alerts, fingerprints, enrichment and every action outcome', async () => {
    const { body } = await app.post('/alert', fixtureText('alertmanagerGroup'));
    const notification = await untilDone(String(body.id));
    expect(notification).toMatchObject({
      id: body.id,
      groupKey: '{}:{alertname="KubePodCrashLooping", namespace="shop"}',
      receiver: 'pipe',
      status: 'firing',
    });
    const alerts = notification.alerts as Array<Record<string, unknown>>;
    expect(alerts.map((a) => a.fingerprint)).toEqual(['5fab0dffa4d7754b', '771f81db41980164']);
    expect(alerts[0]).toMatchObject({ enrichment: {}, notes: [], startsAt: '2026-11-22T12:04:34.053Z', endsAt: null });
    const actions = notification.actions as Array<Record<string, unknown>>;
    expect(actions).toEqual([
      {
        id: `${String(notification.id)}:log`,
        action: 'log',
        state: 'succeeded',
        alerts: ['5fab0dffa4d7754b', '771f81db41980164'],
        attempts: [{ at: expect.any(String), durationMs: expect.any(Number), outcome: 'success', detail: 'logged 2 alerts' }],
      },
    ]);
  });

  it('lists the newest first, limited', async () => {
    await app.post('/alert', fixtureText('singleAlert'));
    const { body } = await get('/api/notifications?limit=1');
    const list = body.notifications as Array<Record<string, unknown>>;
    expect(list).toHaveLength(1);
    expect((list[0]!.alerts as Array<{ labels: Record<string, string> }>)[0]!.labels.cluster).toBe('cluster-main');
  });

  it('filters by the Alertmanager receiver that sent the group, given once', async () => {
    const pipe = await app.post('/alert', fixtureText('alertmanagerGroup'));
    await untilDone(String(pipe.body.id));
    const other = JSON.stringify({ ...(JSON.parse(fixtureText('alertmanagerGroup')) as object), receiver: 'team-db' });
    const db = await app.post('/alert', other);
    await untilDone(String(db.body.id));
    const listed = async (query: string) =>
      ((await get(`/api/notifications?${query}`)).body.notifications as Array<{ id: string; receiver: string }>).map((n) => n.receiver);
    expect(await listed('receiver=team-db')).toEqual(['team-db']);
    expect(new Set(await listed('receiver=pipe'))).toEqual(new Set(['pipe']));
    expect(await listed('receiver=nobody')).toEqual([]);
    expect((await get('/api/notifications?receiver=a&receiver=b')).status).toBe(400);
  });

  it('answers 400 for a bad limit and 404 for an unknown id', async () => {
    expect((await get('/api/notifications?limit=0')).status).toBe(400);
    expect((await get('/api/notifications?limit=abc')).status).toBe(400);
    expect((await get('/api/notifications?limit=100000')).status).toBe(400);
    const missing = await get('/api/notifications/does-not-exist');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toContain('does-not-exist');
  });
});
