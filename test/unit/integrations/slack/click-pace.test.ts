import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../../../src/integrations/chat/build-message.js';
import { slackAppMessage } from '../../../../src/integrations/slack/slack-app-blocks.js';
import type { SlackApi, PostArgs } from '../../../../src/integrations/slack/slack-api.js';
import type { SlackAppHandle } from '../../../../src/integrations/slack/slack-app-action.js';
import { startEpisode } from '../../../../src/integrations/slack/slack-episode.js';
import { createClickHandler } from '../../../../src/integrations/slack/slack-interactions.js';
import type { MessageRef } from '../../../../src/store/ports/message-refs.js';
import { createSilentLogger } from '../../../../src/observability/logger.js';
import { alertWith, enriched, notificationOf } from '../../../support/alerts.js';

describe("a click and its channel's rate limit", () => {
  it('waits for the pace of the channel before editing the message, as a delivery does', async () => {
    const notification = enriched(notificationOf([alertWith({ alertname: 'DiskFull', instance: 'db1' })]));
    const state = startEpisode(notification, buildMessage(notification, { maxAlerts: 10 }));
    const ref: MessageRef = {
      id: 'ref-1',
      action: 'oncall',
      channel: 'C0ALERTS1',
      groupKey: notification.groupKey,
      channelId: 'C0ALERTS1',
      ts: '1.2',
      state: state as unknown as Record<string, unknown>,
      updatedAt: 0,
    };
    const refs = new Map([[ref.id, ref]]);
    const happened: string[] = [];
    const api = {
      postMessage: async (args: PostArgs) => (happened.push('reply'), { channel: args.channel, ts: '1.3' }),
      update: async () => void happened.push('update'),
    } as unknown as SlackApi;
    const app: SlackAppHandle = {
      action: 'oncall',
      channel: 'C0ALERTS1',
      api,
      signingSecret: undefined,
      alertmanagerUrl: undefined,
      render: (id, s) => slackAppMessage(s.message, { ref: id }),
      exclusive: (_key, work) => work(),
    };
    // The bucket is empty for 20 ms, then has a token.
    const waits = [20, 0];
    const outcomes: string[] = [];
    const handler = createClickHandler({
      apps: new Map([['oncall', app]]),
      refs: { getMessageRef: async (id) => refs.get(id), putMessageRef: async (r) => void refs.set(r.id, r) },
      logger: createSilentLogger(),
      count: (_button, outcome) => outcomes.push(outcome),
      timeoutMs: 2_000,
      pace: async (action) => {
        const wait = waits.shift() ?? 0;
        happened.push(`pace ${action}: ${wait}`);
        return wait;
      },
    });
    await handler.handle({ actionId: 'acknowledge', value: 'ref-1', user: { id: 'U0ALICE01', name: 'alice' }, signedFor: ['oncall'] });
    expect(outcomes).toEqual(['done']);
    expect(happened).toEqual(['pace oncall: 20', 'pace oncall: 0', 'update', 'reply']);
  });
});
