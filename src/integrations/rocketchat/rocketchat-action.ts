import type { Action } from '../action.js';
import { defineActionType, type ActionDeps } from '../action-type.js';
import { chatMessageBuilder } from '../chat/chat-message.js';
import { groupMessages, type MessageEditor } from '../chat/group-message-refs.js';
import { ActionError } from '../action-error.js';
import { scrubbedError, secretsScrubber } from '../url-scrubber.js';
import { rocketCall, type RocketCredentials } from './rocketchat-client.js';
import { rocketchatSchema, type RocketchatConfig } from './rocketchat-config.js';
import { checkRocketMessage, rocketMessage, type RocketExtras } from './rocketchat-message.js';

// Rocket.Chat's REST rate limiter allows 10 calls a minute per endpoint by default (users with
// api-bypass-rate-limit, such as bots made by an admin, are not limited).
const ROCKETCHAT_RATE = { perSecond: 10 / 60, burst: 10 };

/**
 * Rocket.Chat, with Alertmanager's rocketchat_config fields: one message per episode of a group
 * through `chat.postMessage`, edited in place through `chat.update` as alerts join and resolve,
 * its reference kept in the delivery store (`ctx.messageRefs`) so a restart or another replica
 * edits the same message.
 */
export const rocketchatActionType = defineActionType({
  schema: rocketchatSchema,
  create: createRocketchatAction,
});

function createRocketchatAction(name: string, config: RocketchatConfig, deps: ActionDeps): Action {
  // Alertmanager's `title` and `text` are the message's title and text templates here.
  const templates = {
    ...config.templates,
    ...(config.title === undefined ? {} : { title: config.title }),
    ...(config.text === undefined ? {} : { text: config.text }),
  };
  const messageOf = chatMessageBuilder(name, { ...config, templates }, deps);
  const credentials: RocketCredentials = {
    apiUrl: config.api_url,
    token: config.token,
    userId: config.token_id,
    timeoutMs: config.timeout,
  };
  const scrub = secretsScrubber([config.token, config.token_id]);
  const messages = groupMessages(name, config.channel, config.timeout);
  const extras: RocketExtras = {
    color: config.color,
    title_link: config.title_link,
    image_url: config.image_url,
    thumb_url: config.thumb_url,
    fields: config.fields?.map((field) => ({ title: field.title, value: field.value, short: field.short ?? config.short_fields })),
    actions: config.actions,
  };
  const identity = {
    ...(config.emoji ? { emoji: config.emoji } : {}),
    ...(config.icon_url ? { avatar: config.icon_url } : {}),
  };
  const bodyOf = (notification: Parameters<Action['handle']>[0], logger?: Parameters<typeof messageOf>[1]) =>
    rocketMessage(messageOf(notification, logger), extras);

  return {
    name,
    type: 'rocketchat',
    sendResolved: config.send_resolved,
    timeoutMs: config.timeout,
    rateLimit: { key: `rocketchat:${config.api_url}:${config.token_id}`, ...ROCKETCHAT_RATE },
    // The message shows the whole group, so the action takes the whole group every time.
    dedup: { scope: 'group', windowMs: 60_000 },
    async handle(notification, ctx) {
      const body = bodyOf(notification, ctx.logger);
      const editor: MessageEditor = {
        async post(signal) {
          const posted = await rocketCall(credentials, 'chat.postMessage', { channel: config.channel, ...identity, ...body }, signal);
          return { channelId: posted.rid, messageId: posted._id };
        },
        async edit(previous, signal) {
          try {
            await rocketCall(credentials, 'chat.update', { roomId: previous.channelId, msgId: previous.messageId, ...body }, signal);
            return 'edited';
          } catch (error) {
            // A 400 to an update of a message it posted: deleted, in another room now, or no
            // longer editable. A fresh message carries the group on; its own refusal would show.
            if (error instanceof ActionError && error.status === 400) return { gone: error.message };
            throw error;
          }
        },
      };
      try {
        const { kind: outcome } = await messages.place(notification, ctx, editor);
        const count = notification.alerts.length;
        return {
          detail:
            outcome === 'stale'
              ? 'older than the message; not applied'
              : `${outcome} the message of ${count} alert${count === 1 ? '' : 's'}`,
          data: { outcome },
        };
      } catch (error) {
        throw scrubbedError(error, scrub);
      }
    },
    preview(notification) {
      const body = bodyOf(notification);
      return {
        contentType: 'application/json',
        body: { channel: config.channel, ...identity, ...body },
        problems: checkRocketMessage(body),
      };
    },
  };
}
