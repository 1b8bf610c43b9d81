import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ActionError } from '../../../../src/integrations/action-error.js';
import { slackActionType } from '../../../../src/integrations/slack/slack-action.js';
import { createSilentLogger } from '../../../../src/observability/logger.js';
import { alertWith, enriched, notificationOf } from '../../../support/alerts.js';
import { freePort } from '../../../support/child-service.js';
import { startFakeSlack, type FakeSlack } from '../../../support/fake-slack.js';
import { fixtureText } from '../../../support/fixtures.js';
import { startTestService } from '../../../support/test-service.js';
import { createChartRenderer } from '../../../../src/charts/render-chart-png.js';

let slack: FakeSlack;
beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(() => slack.close());
afterEach(() => slack.failWith(undefined));

const actionFor = (url: string) =>
  slackActionType.create('slack', slackActionType.schema.parse({ type: 'slack', webhook_url: url, timeout: '2s' }), {
    logger: createSilentLogger(),
    charts: createChartRenderer(),
  });
const ctx = () => ({ logger: createSilentLogger(), signal: new AbortController().signal, attempt: 1 });
const notification = enriched(notificationOf([alertWith({ alertname: 'KubePodCrashLooping', namespace: 'shop', pod: 'cart-1' })]));

async function errorOf(url: string): Promise<ActionError> {
  try {
    await actionFor(url).handle(notification, ctx());
  } catch (error) {
    expect(error).toBeInstanceOf(ActionError);
    return error as ActionError;
  }
  throw new Error('expected an ActionError');
}

describe('slack action', () => {
  it('posts a message Slack accepts', async () => {
    const result = await actionFor(slack.url).handle(notification, ctx());
    expect(result).toMatchObject({ detail: 'posted 1 alert' });
    expect(slack.accepted.at(-1)!.text).toBe('[FIRING:1] KubePodCrashLooping shop');
  });

  it('does not retry what Slack refuses as invalid', async () => {
    slack.failWith({ status: 400, body: 'invalid_blocks' });
    const error = await errorOf(slack.url);
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('Slack answered 400: invalid_blocks');
  });

  it('does not retry a webhook that no longer exists', async () => {
    slack.failWith({ status: 404, body: 'no_service' });
    expect((await errorOf(slack.url)).retryable).toBe(false);
  });

  it("retries a 429 no sooner than Slack's Retry-After", async () => {
    slack.failWith({ status: 429, body: 'rate_limited', headers: { 'retry-after': '2' } });
    const error = await errorOf(slack.url);
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(2000);
  });

  it('retries a 5xx and a refused connection', async () => {
    slack.failWith({ status: 503, body: 'service unavailable' });
    expect((await errorOf(slack.url)).retryable).toBe(true);
    const refused = await errorOf(`http://127.0.0.1:${await freePort()}/services/T/B/secretpart`);
    expect(refused.retryable).toBe(true);
    expect(refused.message).toBe('Slack unreachable: ECONNREFUSED');
  });

  it('never puts the webhook URL in an error', async () => {
    slack.failWith({ status: 400, body: `bad request for ${slack.url}` });
    const error = await errorOf(slack.url);
    expect(error.message).not.toContain('XXXXXXXX');
    expect(error.message).toContain('<webhook>');
  });
});

describe('slack through the service', () => {
  it('turns an Alertmanager group into one message with SLACK_WEBHOOK_URL alone, and keeps the URL out of the log', async () => {
    const before = slack.accepted.length;
    const app = await startTestService(null, { SLACK_WEBHOOK_URL: slack.url });
    try {
      await app.post('/alert', fixtureText('alertmanagerGroup'));
      await app.waitForLog((l) => l.message === 'action succeeded' && l.action === 'slack');
      expect(slack.accepted.length - before).toBe(1);
      expect(slack.accepted.at(-1)!.blocks[0]).toMatchObject({ text: { text: '🔥 FIRING: KubePodCrashLooping (2)' } });
      expect(JSON.stringify(app.logs)).not.toContain('XXXXXXXX');
    } finally {
      await app.stop();
    }
  });
});
