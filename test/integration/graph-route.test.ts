import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/test-service.js';

const TOKEN = 'graph-route-token';

describe('GET /api/notifications/:id/graphs/:fingerprint.png', () => {
  let app: TestService;
  let id: string;
  const auth = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    app = await startTestService(`server:\n  auth: { bearer_token: ${TOKEN} }\ndelivery: { queue: memory }`);
    const accepted = await app.post(
      '/alert',
      { labels: { alertname: 'KubePodCrashLooping', namespace: 'shop', pod: 'cart-1' } },
      { 'content-type': 'application/json', ...auth },
    );
    id = String(accepted.body.id);
    await app.untilDone(id);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('asks for the history credentials, as a browser opening the link from a chat message can give them', async () => {
    const answer = await fetch(`${app.url}/api/notifications/${id}/graphs/abc.png`);
    expect(answer.status).toBe(401);
    // A browser offers a sign-in only for Basic; the token is the password of user `alertpipe`.
    expect(answer.headers.get('www-authenticate')).toContain('Basic');
    const basic = { authorization: `Basic ${Buffer.from(`alertpipe:${TOKEN}`).toString('base64')}` };
    expect((await fetch(`${app.url}/api/notifications/${id}/graphs/abc.png`, { headers: basic })).status).toBe(404);
    expect((await fetch(`${app.url}/api/notifications/${id}/graphs/abc.png`, { headers: auth })).status).toBe(404);
  });

  it('answers 404 with the reason for an unknown notification, an unknown alert, or an alert without a graph', async () => {
    const record = await app.service.store.getNotification(id);
    const fingerprint = record?.notification.alerts[0]?.fingerprint;
    const cases: [string, RegExp][] = [
      ['no-such-id/graphs/abc.png', /no notification with id no-such-id/],
      [`${id}/graphs/0000000000000000.png`, /has no alert with fingerprint 0000000000000000/],
      [`${id}/graphs/${fingerprint}.png`, /no graph for alert/],
      [`${id}/graphs/${fingerprint}.svg`, /served as \.png/],
    ];
    for (const [path, reason] of cases) {
      const answer = await fetch(`${app.url}/api/notifications/${path}`, { headers: auth });
      expect(answer.status).toBe(404);
      expect(((await answer.json()) as { error: string }).error).toMatch(reason);
    }
  });
});
