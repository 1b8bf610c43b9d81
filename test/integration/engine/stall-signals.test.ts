import { afterEach, describe, expect, it } from 'vitest';
import { startHttpStandIn, type HttpStandIn } from '../../support/http-stand-in.js';
import { startTestService, type TestService } from '../../support/test-service.js';

let running: TestService | undefined;
let hanging: HttpStandIn | undefined;
afterEach(async () => {
  await running?.stop();
  await hanging?.close();
  running = hanging = undefined;
});

const gauge = (text: string, name: string): number => Number(text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1]);

describe('stall signals', () => {
  it('show a destination that hangs: the watchdog fails readiness and the gauges say why, until the job finishes', async () => {
    // Answers after 60 s: the attempt hangs until its 3 s timeout.
    hanging = await startHttpStandIn(() => ({ status: 200, body: 'late', delayMs: 60_000 }));
    running = await startTestService(
      `actions: { out: { type: webhook, url: "${hanging.url}/", timeout: 3s } }\nroutes: [{ actions: [out] }]\ndelivery: { queue: memory, watchdog: 500ms }\n`,
    );
    expect((await running.post('/alert', { labels: { alertname: 'Hang' } })).status).toBe(200);
    await running.waitForLog((line) => line.message === 'delivery stalled', 2_900);
    const ready = await fetch(`${running.url}/readyz`);
    const failing = ((await ready.json()) as { failing?: Record<string, string> }).failing;
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(ready.status).toBe(503);
    expect(failing?.watchdog).toContain('no job has finished');
    expect(gauge(metrics, 'alertpipe_watchdog_stalled')).toBe(1);
    expect(gauge(metrics, 'alertpipe_jobs_running')).toBe(1);
    expect(gauge(metrics, 'alertpipe_oldest_unfinished_seconds')).toBeGreaterThan(0.4);

    await running.waitForLog((line) => line.message === 'delivery moves again: a job finished', 10_000);
    expect((await fetch(`${running.url}/readyz`)).status).toBe(200);
    const after = await (await fetch(`${running.url}/metrics`)).text();
    expect(gauge(after, 'alertpipe_watchdog_stalled')).toBe(0);
    expect(gauge(after, 'alertpipe_jobs_running')).toBe(0);
  }, 20_000);
});
