import { z } from 'zod';
import { secret } from '../../lib/secret.js';
import { commonActionFields, defineActionType } from '../action-type.js';
import { chatMessageFields } from '../chat/chat-message.js';
import { createEditedChatAction } from '../chat/edited-chat-action.js';
import { zulipApi, zulipAuthorization } from './zulip-api.js';
import { checkZulipMessage, zulipMessage } from './zulip-message.js';
import { zulipTopicRenderer } from './zulip-topic.js';

/**
 * Zulip (Alertmanager has no receiver for it): one message per group in a stream, in a topic of
 * its own, posted by a bot and edited in place as the group changes and resolves.
 */
export const zulipActionType = defineActionType({
  schema: z
    .object({
      type: z.literal('zulip'),
      /** The organization's site, `https://example.zulipchat.com`. */
      url: z.url({ protocol: /^https?$/, error: 'expected the http(s) URL of the Zulip organization' }),
      bot_email: z.email({ error: "expected bot_email, the bot's email address (its Zulip login)" }),
      /** The bot's API key. */
      api_key: secret(z.string({ error: "expected api_key, the bot's API key" }).trim().min(1, "expected the bot's API key")),
      /** The stream (channel), by name or ID. */
      stream: z.string({ error: 'expected stream, the Zulip stream to post in' }).trim().min(1, 'expected the name of a Zulip stream'),
      /** A Liquid template for the group's topic; the alert name and the group's label values when absent. */
      topic: z.string().min(1).optional(),
      ...chatMessageFields,
      ...commonActionFields,
    })
    .strict(),
  create(name, config, deps) {
    const api = zulipApi({ site: config.url, email: config.bot_email, apiKey: config.api_key, timeoutMs: config.timeout });
    const topicOf = zulipTopicRenderer(name, config.topic);
    return createEditedChatAction(
      {
        type: 'zulip',
        destination: 'Zulip',
        channel: config.stream,
        // Zulip's default API limit is 200 requests a minute per user; past it, 429 with Retry-After.
        rateKey: `zulip:${config.url}:${config.bot_email}`,
        rate: { perSecond: 2, burst: 10 },
        secrets: [config.api_key, zulipAuthorization(config.bot_email, config.api_key).slice('Basic '.length)],
        render: (message, notification) =>
          zulipMessage(
            message,
            config.stream,
            topicOf(notification, (reason) =>
              deps.logger.warn('topic template failed; the default topic is used', { action: name, reason }),
            ),
          ),
        check: checkZulipMessage,
        preview: (body) => ({ contentType: 'application/x-www-form-urlencoded', body }),
        post: api.post,
        edit: api.edit,
      },
      name,
      config,
      deps,
    );
  },
});
