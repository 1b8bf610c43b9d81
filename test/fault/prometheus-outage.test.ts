import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/child-service.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { reportFigure } from '../support/figures.js';
import { fixtureText } from '../support/fixtures.js';
import { startHttpStandIn, type HttpStandIn } from '../support/http-stand-in.js';
import { startTestService } from '../support/test-service.js';

let slack: FakeSlack;
let hanging: HttpStandIn;
beforeAll(async () => {
  slack = await startFakeSlack();
  // Accepts the connection and never answers.
  hanging = await startHttpStandIn(() => new Promise(() => {}));
});
afterAll(async () => {
  await slack.close();
  await hanging.close();
});

/** Environment-only mode, as the user runs it: SLACK_WEBHOOK_URL and PROMETHEUS_URL, nothing else. */
async function deliveryWith(prometheusUrl: string, label: string): Promise<{ ms: number; text: string }> {
  const app = await startTestService(null, { SLACK_WEBHOOK_URL: slack.url, PROMETHEUS_URL: prometheusUrl });
  try {
    const before = slack.accepted.length;
    const started = Date.now();
    expect((await app.post('/alert', fixtureText('alertmanagerGroup'))).status).toBe(200);
    const deadline = started + 15_000;
    while (slack.accepted.length === before) {
      if (Date.now() > deadline) throw new Error('no Slack message within 15 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const ms = slack.accepted[before]!.at - started;
    reportFigure(`prometheus ${label}: POST to Slack`, { ms });
    const text = slack.accepted[before]!.blocks.map((b) => b.text?.text ?? '').join('\n');
    return { ms, text };
  } finally {
    await app.stop();
  }
}

describe('Prometheus down or hanging', () => {
  it('still delivers the message at once when Prometheus refuses connections, saying so', async () => {
    const { ms, text } = await deliveryWith(`http://127.0.0.1:${await freePort()}`, 'down');
    expect(text).toContain(':warning: _pod-resources: Prometheus unreachable: ECONNREFUSED_');
    expect(ms).toBeLessThan(10_000);
  });

  it('delivers within the enrichment budget when Prometheus hangs, saying so', async () => {
    const { ms, text } = await deliveryWith(hanging.url, 'hanging');
    // The client's 2 s timeout ends it before the enricher's 3 s budget.
    expect(text).toContain(':warning: _pod-resources: Prometheus did not answer within 2000 ms_');
    expect(ms).toBeGreaterThanOrEqual(1900);
    expect(ms).toBeLessThan(10_000);
  });
});
