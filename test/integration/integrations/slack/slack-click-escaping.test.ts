import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMessage } from '../../../../src/integrations/chat/build-message.js';
import { slackAppMessage, type SlackAppMessage } from '../../../../src/integrations/slack/slack-app-blocks.js';
import type { SlackApi, PostArgs } from '../../../../src/integrations/slack/slack-api.js';
import type { SlackAppHandle } from '../../../../src/integrations/slack/slack-app-action.js';
import { startEpisode } from '../../../../src/integrations/slack/slack-episode.js';
import { createClickHandler } from '../../../../src/integrations/slack/slack-interactions.js';
import type { MessageRef } from '../../../../src/store/ports/message-refs.js';
import { createSilentLogger } from '../../../../src/observability/logger.js';
import { alertWith, enriched, notificationOf } from '../../../support/alerts.js';
import { startHttpStandIn, type HttpStandIn } from '../../../support/http-stand-in.js';

// A group whose labels are Slack commands, silenced from its message: the thread line quotes the
// matchers, and the message links the silence by the id Alertmanager answered.
describe('a Silence click on a group with hostile labels', () => {
  let alertmanager: HttpStandIn;
  const posted: PostArgs[] = [];
  const updated: PostArgs[] = [];
  beforeAll(async () => {
    alertmanager = await startHttpStandIn(() => ({ status: 200, body: { silenceID: 'x)|<!channel>' } }));
  });
  afterAll(() => alertmanager.close());

  it('says what it silenced as text, and links the silence by its encoded URL', async () => {
    const notification = enriched(
      notificationOf([alertWith({ alertname: '<!everyone>', pod: '<!channel> a' }), alertWith({ alertname: '<!everyone>', pod: 'b>' })]),
    );
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
    const api = {
      postMessage: async (args: PostArgs) => (posted.push(args), { channel: args.channel, ts: '1.3' }),
      update: async (args: PostArgs) => void updated.push(args),
    } as unknown as SlackApi;
    const app: SlackAppHandle = {
      action: 'oncall',
      channel: 'C0ALERTS1',
      api,
      signingSecret: undefined,
      alertmanagerUrl: alertmanager.url,
      render: (id, s) => slackAppMessage(s.message, { ref: id, ...(s.silence ? { silence: s.silence } : {}) }),
      exclusive: (_key, work) => work(),
    };
    const outcomes: string[] = [];
    const handler = createClickHandler({
      apps: new Map([['oncall', app]]),
      refs: { getMessageRef: async (id) => refs.get(id), putMessageRef: async (r) => void refs.set(r.id, r) },
      logger: createSilentLogger(),
      count: (_button, outcome) => outcomes.push(outcome),
      timeoutMs: 2_000,
    });
    await handler.handle({ actionId: 'silence_1h', value: 'ref-1', user: { id: 'U0ALICE01', name: 'alice' }, signedFor: ['oncall'] });

    expect(outcomes).toEqual(['done']);
    expect(posted.map((p) => p.text)).toEqual([
      '🔕 <@U0ALICE01> silenced alertname="&lt;!everyone&gt;", pod=~"&lt;!channel&gt; a|b&gt;" for 1 h',
    ]);
    const [attachment] = updated[0]!.attachments as SlackAppMessage['attachments'];
    const line = attachment.blocks
      .flatMap((b) => (b.type === 'context' ? b.elements : []))
      .map((e) => e.text)
      .find((text) => text.includes('Silenced by'));
    expect(line).toMatch(
      /^🔕 Silenced by <@U0ALICE01> until .* · <http:\/\/127\.0\.0\.1:\d+\/#\/silences\/x%29%7C%3C!channel%3E\|silence>$/,
    );
  });
});
