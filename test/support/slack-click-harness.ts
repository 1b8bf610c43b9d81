import { buildMessage } from '../../src/integrations/chat/build-message.js';
import { slackAppMessage } from '../../src/integrations/slack/slack-app-blocks.js';
import type { PostArgs, SlackApi } from '../../src/integrations/slack/slack-api.js';
import type { SlackAppHandle } from '../../src/integrations/slack/slack-app-action.js';
import { startEpisode } from '../../src/integrations/slack/slack-episode.js';
import { createClickHandler, type ClickDeps } from '../../src/integrations/slack/slack-interactions.js';
import type { EnrichedNotification } from '../../src/model/model.js';
import type { MessageRef } from '../../src/store/ports/message-refs.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { blockActionsPayload, signedInteraction, type FakeSlackApi, type StoredMessage } from './fake-slack-api.js';

/**
 * The click handler of one Slack app action (`oncall`) over the message of `notification`'s
 * episode, without Slack: its edits, replies and pace asks recorded in order in `log`, their
 * arguments in `updated` and `posted`, each click's outcome in `outcomes`.
 */
export function clickHarness(notification: EnrichedNotification, options: { alertmanagerUrl?: string; pace?: ClickDeps['pace'] } = {}) {
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
  const log: string[] = [];
  const posted: PostArgs[] = [];
  const updated: PostArgs[] = [];
  const outcomes: string[] = [];
  const api = {
    postMessage: async (args: PostArgs) => (log.push('reply'), posted.push(args), { channel: args.channel, ts: '1.3' }),
    update: async (args: PostArgs) => void (log.push('update'), updated.push(args)),
  } as unknown as SlackApi;
  const app: SlackAppHandle = {
    action: 'oncall',
    channel: 'C0ALERTS1',
    api,
    signingSecret: undefined,
    alertmanagerUrl: options.alertmanagerUrl,
    render: (id, s) => slackAppMessage(s.message, { ref: id, buttons: true, ...(s.silence ? { silence: s.silence } : {}) }),
    exclusive: (_key, work) => work(),
  };
  const { pace } = options;
  const handler = createClickHandler({
    apps: new Map([['oncall', app]]),
    refs: { getMessageRef: async (id) => refs.get(id), putMessageRef: async (r) => void refs.set(r.id, r) },
    logger: createSilentLogger(),
    count: (_button, outcome) => outcomes.push(outcome),
    timeoutMs: 2_000,
    ...(pace
      ? {
          pace: async (action: string) => {
            const wait = await pace(action);
            log.push(`pace ${action}: ${wait}`);
            return wait;
          },
        }
      : {}),
  });
  const click = (actionId: string): Promise<void> =>
    handler.handle({ actionId, value: ref.id, user: { id: 'U0ALICE01', name: 'alice' }, signedFor: ['oncall'] });
  return { click, log, posted, updated, outcomes };
}

/** The Slack app action `oncall` posting to C0ALERTS1 through the stand-in, its clicks signed with `signingSecret`: a config line. */
export function oncallSlackAction(slack: FakeSlackApi, signingSecret: string): string {
  return `oncall: { type: slack, bot_token: ${slack.token}, channel: C0ALERTS1, api_url: "${slack.url}", signing_secret: ${signingSecret} }`;
}

/** A click on `button` of `message` by `user`, signed as Slack signs it and sent to the service's interactions path; the answer's status. */
export async function clickSigned(
  serviceUrl: string,
  signingSecret: string,
  message: StoredMessage,
  button: string,
  user = 'U0CAROL01',
): Promise<number> {
  const signed = signedInteraction(signingSecret, blockActionsPayload(message, button, { user }));
  return (await fetch(`${serviceUrl}/slack/interactions`, { method: 'POST', headers: signed.headers, body: signed.body })).status;
}
