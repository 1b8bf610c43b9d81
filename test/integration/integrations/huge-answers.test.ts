import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionError } from '../../../src/integrations/action-error.js';
import { KubernetesScaleClient } from '../../../src/integrations/kubernetes/kubernetes-scale-client.js';
import { sendPagerDutyEvent } from '../../../src/integrations/pagerduty/pagerduty-client.js';
import { slackActionType } from '../../../src/integrations/slack/slack-action.js';
import { webhookActionType } from '../../../src/integrations/webhook/webhook-action.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { alertWith, enriched, notificationOf } from '../../support/alerts.js';
import { startStreamingStandIn, type StreamingStandIn } from '../../support/streaming-stand-in.js';
import { createChartRenderer } from '../../../src/charts/render-chart-png.js';

const MiB = 1024 * 1024;
let standIn: StreamingStandIn;
beforeAll(async () => {
  // A destination (or something in front of it) that answers 200 with an endless body.
  standIn = await startStreamingStandIn({ totalBytes: 200 * MiB });
});
afterAll(() => standIn.close());

const notification = enriched(notificationOf([alertWith({ alertname: 'QueueBacklog', namespace: 'shop', deployment: 'cart' })]));
const ctx = () => ({ logger: createSilentLogger(), signal: new AbortController().signal, attempt: 1 });
const deps = { logger: createSilentLogger(), charts: createChartRenderer() };

async function failureOf(work: () => Promise<unknown>): Promise<ActionError> {
  const bound = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('still reading after 10 s')), 10_000));
  try {
    await Promise.race([work(), bound]);
  } catch (error) {
    expect(error).toBeInstanceOf(ActionError);
    return error as ActionError;
  }
  throw new Error('expected an ActionError');
}

describe('every action client caps what it reads of an answer', () => {
  it.each([
    [
      'Slack',
      () =>
        slackActionType
          .create('s', slackActionType.schema.parse({ type: 'slack', webhook_url: `${standIn.url}/services/T/B/x` }), deps)
          .handle(notification, ctx()),
    ],
    [
      'webhook w',
      () =>
        webhookActionType
          .create('w', webhookActionType.schema.parse({ type: 'webhook', url: standIn.url }), deps)
          .handle(notification, ctx()),
    ],
    [
      'PagerDuty',
      () =>
        sendPagerDutyEvent(standIn.url, { routing_key: 'k', event_action: 'resolve', dedup_key: 'd' } as never, {
          timeoutMs: 10_000,
          signal: new AbortController().signal,
        }),
    ],
    [
      'Kubernetes API (api_url)',
      () =>
        new KubernetesScaleClient({ server: standIn.url, origin: 'api_url' }, 10_000).getScale(
          { kind: 'deployment', namespace: 'shop', name: 'cart' },
          new AbortController().signal,
        ),
    ],
  ])('%s: a 200 MB answer fails the attempt without retry, after 1 MiB', async (destination, send) => {
    const before = standIn.answers.length;
    const error = await failureOf(send);
    expect(error.message).toBe(`${destination} answered 200; ${destination} answer larger than 1 MiB`);
    // The request arrived (a 2xx): sending it again would duplicate it.
    expect(error.retryable).toBe(false);
    const answer = standIn.answers[before]!;
    await answer.finished;
    expect(answer.closedEarly).toBe(true);
  });
});
