import { z } from 'zod';
import { secret } from '../../lib/secret.js';
import { checkDiscordMessage, discordEmbeds } from './discord-embeds.js';
import { commonActionFields, defineActionType } from '../action-type.js';
import { chatMessageFields } from '../chat/chat-message.js';
import { createChatWebhookAction } from '../chat/chat-webhook-action.js';

/**
 * Posts one message of embeds per group to a Discord channel through a webhook
 * (`POST /api/webhooks/{id}/{token}`), coloured by state; answered 204.
 */
export const discordActionType = defineActionType({
  schema: z
    .object({
      type: z.literal('discord'),
      /** `https://discord.com/api/webhooks/{id}/{token}`: the token is in the path, so the URL is a secret. */
      webhook_url: secret(z.url({ protocol: /^https?$/, error: 'expected the http(s) URL of a Discord webhook' })),
      ...chatMessageFields,
      // Discord shows at most 10 embeds a message: the group's and nine alerts.
      max_alerts: z.number().int().min(1).max(9).default(9),
      ...commonActionFields,
    })
    .strict(),
  create(name, config, deps) {
    // A webhook takes 5 requests per 2 seconds (its X-RateLimit-* headers say so), and a channel
    // about 30 messages a minute; past either, 429 with Retry-After and `retry_after` in the body.
    return createChatWebhookAction(
      { type: 'discord', destination: 'Discord', rate: { perSecond: 0.5, burst: 5 }, render: discordEmbeds, check: checkDiscordMessage },
      name,
      config,
      deps,
    );
  },
});
