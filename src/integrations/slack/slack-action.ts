import { z } from 'zod';
import { secret } from '../../lib/secret.js';
import { durationSchema } from '../../lib/units.js';
import { checkSlackMessage, slackBlocks } from './slack-blocks.js';
import { commonActionFields, defineActionType } from '../action-type.js';
import { chatMessageFields } from '../chat/chat-message.js';
import { createChatWebhookAction } from '../chat/chat-webhook-action.js';
import { SLACK_API_URL } from './slack-api.js';
import { createSlackAppAction } from './slack-app-action.js';

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });

/**
 * Slack, in one of two modes. With `webhook_url`: one Block Kit message per notification to an
 * incoming webhook, through the shared outbound layer like the other chat webhooks. With
 * `bot_token` and `channel` (the Slack app): one message per episode of a group, edited in place,
 * changes in its thread, Silence and Acknowledge buttons (slack-app-action.ts).
 */
export const slackActionType = defineActionType({
  schema: z
    .object({
      type: z.literal('slack'),
      webhook_url: secret(z.url({ protocol: /^https?$/, error: 'expected the http(s) URL of a Slack incoming webhook' })).optional(),
      /** The app's Bot User OAuth Token (`xoxb-…`). */
      bot_token: secret(z.string().trim().min(1, 'expected the bot token (xoxb-…) of a Slack app')).optional(),
      /**
       * A channel name (`#alerts`, public or private) or ID (`C0123ABCD`), or a template over the group
       * (`'#team-{{ commonLabels.team }}'`); a name is looked up through `conversations.list` and its ID kept a while.
       */
      channel: z.string().trim().min(1).optional(),
      /** Where a message goes when its channel does not exist or lacks the bot (`channel_not_found`, `not_in_channel`). */
      fallback_channel: z.string().trim().min(1).optional(),
      /** The app's signing secret: what `POST /slack/interactions` verifies button clicks with. */
      signing_secret: secret(z.string().trim().min(1)).optional(),
      /** The app-level token (`xapp-…`, scope `connections:write`): button clicks arrive over Socket Mode, no inbound route needed. */
      app_token: secret(
        z
          .string()
          .trim()
          .regex(/^xapp-/, 'expected an app-level token (xapp-…, "Basic Information", "App-Level Tokens"), not the bot token'),
      ).optional(),
      /** The Alertmanager that Silence creates silences in (its API v2); `alertmanager.url` when absent. */
      alertmanager_url: httpUrl.optional(),
      /** Slack's Web API, or a proxy in front of it. */
      api_url: httpUrl.default(SLACK_API_URL),
      /** App mode: a copy of a notification already shown (same group, same alerts and states) within this window changes nothing. */
      dedup_window: durationSchema.default(60_000),
      ...chatMessageFields,
      ...commonActionFields,
    })
    .strict()
    .superRefine((config, ctx) => {
      const app = config.bot_token !== undefined;
      if (app === (config.webhook_url !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: [app ? 'webhook_url' : 'bot_token'],
          message: 'give either webhook_url (incoming webhook) or bot_token and channel (Slack app), not both',
        });
      }
      if (app && config.channel === undefined)
        ctx.addIssue({ code: 'custom', path: ['channel'], message: 'the Slack app needs the channel to post in (a name or an ID)' });
    }),
  create(name, config, deps) {
    if (config.bot_token !== undefined) {
      return createSlackAppAction(name, { ...config, bot_token: config.bot_token, channel: config.channel ?? '' }, deps);
    }
    // Slack allows about one message a second per incoming webhook, with short bursts above it
    // (api.slack.com/apis/rate-limits); past that it answers 429 with Retry-After.
    const webhook = { ...config, webhook_url: config.webhook_url ?? '' };
    return createChatWebhookAction(
      { type: 'slack', destination: 'Slack', rate: { perSecond: 1, burst: 5 }, render: slackBlocks, check: checkSlackMessage },
      name,
      webhook,
      deps,
    );
  },
});
