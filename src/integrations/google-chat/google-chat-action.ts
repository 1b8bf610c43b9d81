import { z } from 'zod';
import { secret } from '../../lib/secret.js';
import { checkGoogleChatMessage, googleChatCard } from './google-chat-card.js';
import { commonActionFields, defineActionType } from '../action-type.js';
import { chatMessageFields } from '../chat/chat-message.js';
import { createChatWebhookAction } from '../chat/chat-webhook-action.js';

/**
 * Posts one `cardsV2` card per group to a Google Chat space through its incoming webhook, each
 * group's updates in one thread: the body's `thread.threadKey` comes from the group key, and
 * `messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD` on the URL makes Chat reply in that
 * thread (without it every message starts a new one).
 */
export const googleChatActionType = defineActionType({
  schema: z
    .object({
      type: z.literal('google_chat'),
      /** The space's webhook URL; its `key` and `token` parameters are the credential, so it is a secret. */
      webhook_url: secret(z.url({ protocol: /^https?$/, error: 'expected the http(s) URL of a Google Chat space webhook' })),
      ...chatMessageFields,
      ...commonActionFields,
    })
    .strict(),
  create(name, config, deps) {
    // Google Chat allows about one message write a second per space; past it, 429 RESOURCE_EXHAUSTED.
    return createChatWebhookAction(
      {
        type: 'google_chat',
        destination: 'Google Chat',
        rate: { perSecond: 1, burst: 1 },
        render: googleChatCard,
        check: checkGoogleChatMessage,
        postUrl: withThreadReplies,
      },
      name,
      config,
      deps,
    );
  },
});

function withThreadReplies(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('messageReplyOption', 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
  return parsed.toString();
}
