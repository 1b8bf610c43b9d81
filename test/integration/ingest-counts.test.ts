import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/test-service.js';

let app: TestService;

beforeAll(async () => {
  app = await startTestService('delivery:\n  dedup_window: 0\n');
});
afterAll(() => app.stop());

async function received(status: 'firing' | 'resolved'): Promise<number> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  return Number(new RegExp(`^alertpipe_alerts_received_total\\{status="${status}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
}

describe('alertpipe_alerts_received_total', () => {
  it('counts each alert of a group by its own status, whatever the mix', async () => {
    const before = { firing: await received('firing'), resolved: await received('resolved') };
    const alert = (pod: string, endsAt?: string) => ({
      labels: { alertname: 'PodNotReady', pod },
      startsAt: '2026-12-02T06:31:04Z',
      ...(endsAt ? { endsAt } : {}),
    });
    const body = [alert('a'), alert('b'), alert('c'), alert('d', '2026-12-02T06:35:04Z'), alert('e', '2026-12-02T06:36:04Z')];
    expect((await app.post('/api/v2/alerts', JSON.stringify(body))).status).toBe(200);
    expect(await received('firing')).toBe(before.firing + 3);
    expect(await received('resolved')).toBe(before.resolved + 2);
  });

  it('counts nothing for a body it refuses', async () => {
    const before = { firing: await received('firing'), resolved: await received('resolved') };
    expect((await app.post('/alert', JSON.stringify({ alerts: [{ labels: 'not a label set' }] }))).status).toBe(400);
    expect(await received('firing')).toBe(before.firing);
    expect(await received('resolved')).toBe(before.resolved);
  });
});
