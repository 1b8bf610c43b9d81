import { z } from 'zod';
import { secret } from '../../lib/secret.js';
import { commonActionFields, defineActionType } from '../action-type.js';
import { chatMessageFields } from '../chat/chat-message.js';
import { createEditedChatAction } from '../chat/edited-chat-action.js';
import { WEBEX_MESSAGES_URL, webexApi } from './webex-api.js';
import { checkWebexMessage, webexMessage } from './webex-message.js';

/**
 * Alertmanager's `webex_configs` entry with `type: webex`: one Markdown message per group in a
 * Webex room, posted by a bot and edited in place (`PUT /v1/messages/{id}`) as the group changes.
 * Alertmanager takes the bot's token from `http_config.authorization.credentials`; here it is
 * `bot_token`.
 */
export const webexActionType = defineActionType({
  schema: z
    .object({
      type: z.literal('webex'),
      /** The Messages API endpoint, as Alertmanager's `api_url`. */
      api_url: z.url({ protocol: /^https?$/, error: 'expected the http(s) URL of the Webex messages API' }).default(WEBEX_MESSAGES_URL),
      /** The room (space) the bot posts in; the bot must be a member. */
      room_id: z
        .string({ error: 'expected room_id, the ID of the Webex room to post in' })
        .trim()
        .min(1, 'expected the ID of a Webex room'),
      /** The bot's access token (Alertmanager: `http_config.authorization.credentials`). */
      bot_token: secret(
        z
          .string({ error: "expected bot_token, the Webex bot's access token (Alertmanager's http_config.authorization.credentials)" })
          .trim()
          .min(1, "expected the Webex bot's access token"),
      ),
      /** Alertmanager's `message`: here a Liquid template, shown under the title (as `templates.text`). */
      message: z.string().min(1).optional(),
      ...chatMessageFields,
      ...commonActionFields,
    })
    .strict(),
  create(name, config, deps) {
    const api = webexApi({ apiUrl: config.api_url, token: config.bot_token, timeoutMs: config.timeout });
    const templates = config.message === undefined ? config.templates : { ...config.templates, text: config.message };
    return createEditedChatAction(
      {
        type: 'webex',
        destination: 'Webex',
        channel: config.room_id,
        // Webex publishes no figure; past its limit it answers 429 with Retry-After. About one
        // message a second per room stays clear of it.
        rateKey: `webex:${config.api_url}:${config.bot_token}:${config.room_id}`,
        rate: { perSecond: 1, burst: 3 },
        secrets: [config.bot_token],
        render: (message) => webexMessage(message, config.room_id),
        check: checkWebexMessage,
        preview: (body) => ({ contentType: 'application/json', body }),
        post: api.post,
        edit: api.edit,
      },
      name,
      { ...config, templates },
      deps,
    );
  },
});
