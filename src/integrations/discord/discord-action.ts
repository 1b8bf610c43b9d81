import { createHash } from 'node:crypto';
import { z } from 'zod';
import { secret } from '../../lib/secret.js';
import { checkDiscordMessage, discordEmbeds } from './discord-embeds.js';
import { commonActionFields, defineActionType } from '../action-type.js';
import { chatMessageFields } from '../chat/chat-message.js';
import { createEditedChatAction } from '../chat/edited-chat-action.js';
import { discordWebhookApi } from './discord-webhook-api.js';

/**
 * One message of embeds per group in a Discord channel through a webhook, coloured by state:
 * posted with `?wait=true` (answered with the message), then edited in place
 * (`PATCH /api/webhooks/{id}/{token}/messages/{message_id}`) as the group changes and resolves.
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
    const api = discordWebhookApi(config.webhook_url, config.timeout);
    return createEditedChatAction(
      {
        type: 'discord',
        destination: 'Discord',
        // The webhook's URL is its credential: its references are keyed by a digest of it instead.
        channel: `webhook:${createHash('sha256').update(config.webhook_url).digest('hex').slice(0, 16)}`,
        // A webhook takes 5 requests per 2 seconds (its X-RateLimit-* headers say so), and a channel
        // about 30 messages a minute; past either, 429 with Retry-After and `retry_after` in the body.
        rateKey: `discord:${config.webhook_url}`,
        rate: { perSecond: 0.5, burst: 5 },
        secrets: [config.webhook_url],
        render: (message) => discordEmbeds(message),
        check: checkDiscordMessage,
        preview: (body) => ({ contentType: 'application/json', body }),
        post: api.post,
        edit: api.edit,
      },
      name,
      config,
      deps,
    );
  },
});
