import type { EnrichedNotification } from '../../model/model.js';
import type { Action } from '../action.js';
import type { ActionDeps } from '../action-type.js';
import { scrubbedError, secretsScrubber } from '../url-scrubber.js';
import { chatMessageBuilder, type ChatMessageConfig } from './chat-message.js';
import { groupMessages, type PlacedMessage } from './group-message-refs.js';
import type { Message } from './message-model.js';

/** What differs between chat platforms that post a group's message once and then edit it. */
export interface EditingPlatform<B> {
  /** The action type (`webex`) and the platform's name in errors (`Webex`). */
  readonly type: string;
  readonly destination: string;
  /** Where the messages go, as configured (a room, a stream, a webhook): it keys the message references. */
  readonly channel: string;
  /** What shares one rate limit (the token and the place), and the platform's documented pace. */
  readonly rateKey: string;
  readonly rate: { readonly perSecond: number; readonly burst: number };
  /** Every credential of the action: no error carries one, whole or in parts. */
  readonly secrets: readonly string[];
  readonly render: (message: Message, notification: EnrichedNotification) => B;
  readonly check: (body: B) => string[];
  /** What a preview shows as the body posted (the request's own fields around the rendered one). */
  readonly preview: (body: B) => { readonly contentType: string; readonly body: unknown };
  post(body: B, signal: AbortSignal): Promise<PlacedMessage>;
  edit(placed: PlacedMessage, body: B, signal: AbortSignal): Promise<'edited' | { readonly gone: string }>;
}

export interface EditedChatConfig extends ChatMessageConfig {
  readonly send_resolved: boolean;
  readonly timeout: number;
}

// A repeat of what the message already shows (same alerts, same states) within this window edits nothing.
const SAME_GROUP_WINDOW_MS = 60_000;

/**
 * A chat action whose message for a group is edited in place as alerts join and resolve, instead
 * of a new message each time (group-message-refs.ts). It takes the whole group every time (group
 * dedup), since the message shows the whole group.
 */
export function createEditedChatAction<B>(platform: EditingPlatform<B>, name: string, config: EditedChatConfig, deps: ActionDeps): Action {
  const messageOf = chatMessageBuilder(name, config, deps);
  const scrub = secretsScrubber(platform.secrets);
  const messages = groupMessages(name, platform.channel, config.timeout);
  return {
    name,
    type: platform.type,
    sendResolved: config.send_resolved,
    timeoutMs: config.timeout,
    rateLimit: { key: platform.rateKey, ...platform.rate },
    dedup: { scope: 'group', windowMs: SAME_GROUP_WINDOW_MS },
    async handle(notification, ctx) {
      const message = messageOf(notification, ctx.logger, ctx.report);
      const body = platform.render(message, notification);
      ctx.report?.sent(platform.preview(body));
      let outcome;
      try {
        outcome = await messages.place(notification, ctx, {
          post: (signal) => platform.post(body, signal),
          edit: (placed, signal) => platform.edit(placed, body, signal),
        });
      } catch (error) {
        throw scrubbedError(error, scrub);
      }
      if (outcome.kind === 'stale') return { detail: 'older than what the message shows; not applied' };
      const count = notification.alerts.length;
      const how = outcome.kind === 'posted anew' ? `posted anew (${scrub(outcome.reason)})` : outcome.kind;
      return {
        detail: `${how} the message of ${count} alert${count === 1 ? '' : 's'}`,
        data: { message: outcome.placed.messageId, shown: message.alerts.length, notes: message.notes.length },
      };
    },
    preview(notification) {
      const body = platform.render(messageOf(notification), notification);
      return { ...platform.preview(body), problems: platform.check(body) };
    },
  };
}
