import { z } from 'zod';
import { secret } from '../../lib/secret.js';
import { commonActionFields, defineActionType } from '../action-type.js';
import { chatMessageFields } from '../chat/chat-message.js';
import { createMattermostPostAction } from './mattermost-post-action.js';
import { createMattermostWebhookAction } from './mattermost-webhook-action.js';

const httpUrl = (what: string) => z.url({ protocol: /^https?$/, error: `expected the http(s) URL of ${what}` });

/**
 * Mattermost, in one of two modes. With `webhook_url`: one message of Slack-style attachments per
 * notification to an incoming webhook (Mattermost's webhooks take Slack's format). With
 * `bot_token`, `api_url` and `channel_id`: one post per episode of a group through the REST API,
 * edited in place as alerts join and resolve (mattermost-post-action.ts).
 */
export const mattermostActionType = defineActionType({
  schema: z
    .object({
      type: z.literal('mattermost'),
      /** `https://mattermost.example.com/hooks/{key}`: the key is the credential, so the URL is a secret. */
      webhook_url: secret(httpUrl('a Mattermost incoming webhook')).optional(),
      /** A webhook's channel override: the channel's name (`town-square`), or `@user` for a direct message. */
      channel: z.string().trim().min(1).optional(),
      username: z.string().trim().min(1).optional(),
      icon_url: httpUrl('a picture').optional(),
      /** An emoji name (`fire`, or `:fire:`) shown as the picture; wins over icon_url. */
      icon_emoji: z.string().trim().min(1).optional(),
      /** A bot account's access token (System Console → Integrations → Bot Accounts). */
      bot_token: secret(z.string().trim().min(1, 'expected the access token of a Mattermost bot account')).optional(),
      /** The Mattermost server, `https://mattermost.example.com`: the REST API is under `/api/v4`. */
      api_url: httpUrl('the Mattermost server').optional(),
      /** The ID of the channel the bot posts in (26 characters; the channel's "View Info"). */
      channel_id: z.string().trim().min(1).optional(),
      ...chatMessageFields,
      ...commonActionFields,
    })
    .strict()
    .superRefine((config, ctx) => {
      const bot = config.bot_token !== undefined;
      if (bot === (config.webhook_url !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: [bot ? 'webhook_url' : 'bot_token'],
          message: 'give either webhook_url (incoming webhook) or bot_token with api_url and channel_id (a bot), not both',
        });
      }
      if (!bot) return;
      if (config.api_url === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['api_url'],
          message: 'a bot needs api_url, the Mattermost server (https://mattermost.example.com)',
        });
      if (config.channel_id === undefined)
        ctx.addIssue({ code: 'custom', path: ['channel_id'], message: 'a bot needs channel_id, the ID of the channel to post in' });
      if (config.channel !== undefined)
        ctx.addIssue({ code: 'custom', path: ['channel'], message: "channel overrides a webhook's channel; a bot posts in channel_id" });
    }),
  create(name, config, deps) {
    if (config.bot_token !== undefined) {
      return createMattermostPostAction(
        name,
        { ...config, bot_token: config.bot_token, api_url: config.api_url ?? '', channel_id: config.channel_id ?? '' },
        deps,
      );
    }
    return createMattermostWebhookAction(name, { ...config, webhook_url: config.webhook_url ?? '' }, deps);
  },
});
