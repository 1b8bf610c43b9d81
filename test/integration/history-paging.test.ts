import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportFigure } from '../support/figures.js';
import { startTestService, type TestService } from '../support/test-service.js';

const MiB = 1024 * 1024;
const STORED = 40;
let app: TestService;
const posted: string[] = [];

/** About 1 MB: 16 alerts, each with a 60 KiB description, well under the 5 MB body limit. */
function largeNotification(n: number): object {
  return {
    version: '4',
    status: 'firing',
    receiver: 'pipe',
    groupKey: `{}:{alertname="Big${n}"}`,
    alerts: Array.from({ length: 16 }, (_, i) => ({
      status: 'firing',
      labels: { alertname: `Big${n}`, pod: `pod-${i}` },
      annotations: { description: `${n}:${i} `.padEnd(60 * 1024, 'x') },
      startsAt: '2026-11-22T12:00:00Z',
    })),
  };
}

beforeAll(async () => {
  // Routed nowhere, so the log does not carry 40 MB of descriptions.
  app = await startTestService(['routes:', '  - matchers: [\'alertname="none"\']', '    actions: [log]'].join('\n'));
  for (let n = 0; n < STORED; n++) {
    const answer = await app.post('/alert', largeNotification(n));
    expect(answer.status).toBe(200);
    posted.push(String(answer.body.id));
  }
}, 120_000);
afterAll(() => app.stop());

async function page(
  query: string,
): Promise<{ status: number; bytes: number; body: { notifications: Array<{ id: string }>; nextCursor: string | null; error?: string } }> {
  const response = await fetch(`${app.url}/api/notifications?${query}`);
  const text = await response.text();
  return { status: response.status, bytes: Buffer.byteLength(text), body: JSON.parse(text) as never };
}

describe('history API over large notifications', () => {
  it('answers limit=500 within its byte budget, with a cursor that leads to everything else, newest first', async () => {
    const first = await page('limit=500');
    expect(first.status).toBe(200);
    expect(first.bytes).toBeLessThanOrEqual(8 * MiB);
    expect(first.body.notifications.length).toBeGreaterThan(0);
    expect(first.body.notifications.length).toBeLessThan(STORED);
    expect(typeof first.body.nextCursor).toBe('string');
    reportFigure('history limit=500 over 40 notifications of 1 MB: first answer', {
      bytes: first.bytes,
      notifications: first.body.notifications.length,
    });

    const seen = first.body.notifications.map((n) => n.id);
    let cursor = first.body.nextCursor;
    let pages = 1;
    while (cursor !== null && pages < STORED + 1) {
      const next = await page(`limit=500&cursor=${encodeURIComponent(cursor)}`);
      expect(next.status).toBe(200);
      expect(next.bytes).toBeLessThanOrEqual(8 * MiB);
      seen.push(...next.body.notifications.map((n) => n.id));
      cursor = next.body.nextCursor;
      pages++;
    }
    expect(cursor).toBeNull();
    expect(seen).toEqual([...posted].reverse());
  });

  it('pages by count too, and a page does not shift when newer notifications arrive', async () => {
    const first = await page('limit=3');
    expect(first.body.notifications.map((n) => n.id)).toEqual(posted.slice(-3).reverse());
    await app.post('/alert', largeNotification(99));
    const second = await page(`limit=3&cursor=${encodeURIComponent(first.body.nextCursor!)}`);
    expect(second.body.notifications.map((n) => n.id)).toEqual(posted.slice(-6, -3).reverse());
  });

  it('answers 400 for a cursor it did not give out', async () => {
    for (const bad of [
      'nonsense',
      Buffer.from('{"v":1,"before":-1}').toString('base64url'),
      Buffer.from('{"v":2,"before":5}').toString('base64url'),
    ]) {
      const answer = await page(`cursor=${bad}`);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe('cursor is not one this API gave out; start again without it');
    }
  });
});
