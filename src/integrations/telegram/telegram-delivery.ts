import type { EnrichedNotification } from '../../model/model.js';
import { escapeHtml } from '../../lib/escape.js';
import { messageRefId, type MessageRefStore } from '../../store/ports/message-refs.js';
import type { ActionResult } from '../action.js';
import { ActionError } from '../action-error.js';
import { TelegramApiError, type TelegramApi } from './telegram-api.js';
import { episodeAfter, nextStep, type EpisodeStep, type TelegramEpisode } from './telegram-episode.js';
import type { TelegramParseMode } from './telegram-text.js';
import { postGraphs, type TelegramGraph } from './telegram-graphs.js';
import { applyOncePerEpisode } from '../chat/first-post.js';
import type { FirstPostClaimStore } from '../../store/ports/first-post-claims.js';
import type { Logger } from '../../observability/logger.js';

/** Where and how an action posts: its chat, topic and options, as the config gives them. */
export interface TelegramTarget {
  readonly action: string;
  readonly chatId: number | string;
  readonly threadId?: number | undefined;
  readonly parseMode: TelegramParseMode;
  readonly silent: boolean;
  /** The inline keyboard of a firing group's message (its Acknowledge button), when presses can arrive. */
  readonly keyboard?: (messageRef: string) => Readonly<Record<string, unknown>>;
}

// editMessageText answers these when the message is gone or may no longer be edited (deleted, too
// old, in a chat the bot left and rejoined): the episode goes on in a new message.
const GONE = /message to edit not found|message can't be edited|MESSAGE_ID_INVALID/i;
// The text is already what the message shows (a retry, a repeat with nothing new): done.
const UNCHANGED = /message is not modified/i;

/**
 * Shows a notification in the group's message: sent the first time (`sendMessage`), then edited in
 * place (`editMessageText`) as alerts join and resolve, with a reply under it (`reply_parameters`)
 * that notifies the chat of what changed. The message's id is kept in the delivery store
 * (`ctx.messageRefs`), so that after a restart, or on another replica, the same message is edited.
 * The reference is saved before the reply: a retry after a failed reply edits the same message
 * (answered "not modified") and posts the reply once. A new message's graphs follow it as photos
 * (telegram-graphs.ts), marked pending in the reference until posted, so a retry posts them once.
 */
export async function deliverToTelegram(
  target: TelegramTarget,
  api: TelegramApi,
  refs: MessageRefStore,
  notification: EnrichedNotification,
  text: string,
  attempt: TelegramAttempt,
): Promise<ActionResult> {
  const channel = target.threadId === undefined ? String(target.chatId) : `${String(target.chatId)}/${target.threadId}`;
  const id = messageRefId(target.action, channel, notification.groupKey);
  // With several replicas, the episode's first message is sent by the one delivery that takes the
  // store's first-post claim; the others, once its reference is kept, edit that message.
  return applyOncePerEpisode(
    { claims: attempt.claims, id, timeoutMs: attempt.timeoutMs, signal: attempt.signal, logger: attempt.logger },
    async () => (await refs.getMessageRef(id))?.state as TelegramEpisode | undefined,
    (previous) => nextStep(previous, notification).kind === 'send',
    (previous) => apply(target, api, refs, notification, text, attempt, { id, channel, previous }),
  );
}

/** What one attempt brings besides the notification: its signal, the store's first-post claims, how to draw the graphs. */
export interface TelegramAttempt {
  readonly signal: AbortSignal;
  readonly claims: FirstPostClaimStore | undefined;
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** The graphs to post under a new message; absent, none are. */
  readonly graphs?: () => Promise<readonly TelegramGraph[]>;
}

async function apply(
  target: TelegramTarget,
  api: TelegramApi,
  refs: MessageRefStore,
  notification: EnrichedNotification,
  text: string,
  attempt: TelegramAttempt,
  found: { readonly id: string; readonly channel: string; readonly previous: TelegramEpisode | undefined },
): Promise<ActionResult> {
  const { id, channel, previous } = found;
  const { signal } = attempt;
  let step: EpisodeStep = nextStep(previous, notification);
  if (step.kind === 'stale') return { detail: 'older than what the message shows; not applied' };
  const parse = target.parseMode === 'HTML' ? { parse_mode: 'HTML' } : {};
  // The links are Source, Runbook, Silence: a preview card of one of them would only push the alert out of sight.
  // A resolved group's message loses its button: an edit without reply_markup removes the keyboard.
  const keyboard = notification.status === 'firing' && target.keyboard ? { reply_markup: target.keyboard(id) } : {};
  const shown = { text, ...parse, link_preview_options: { is_disabled: true }, ...keyboard };
  const send = (extra: Record<string, unknown>, body: Record<string, unknown>): Promise<number> =>
    api
      .call(
        'sendMessage',
        {
          chat_id: target.chatId,
          ...(target.threadId === undefined ? {} : { message_thread_id: target.threadId }),
          ...(target.silent ? { disable_notification: true } : {}),
          ...body,
          ...extra,
        },
        signal,
      )
      .then(messageIdOf);

  let messageId: number;
  let outcome: string;
  if (step.kind === 'edit') {
    messageId = step.messageId;
    outcome = 'edited';
    try {
      await api.call('editMessageText', { chat_id: target.chatId, message_id: step.messageId, ...shown }, signal);
    } catch (error) {
      if (!(error instanceof TelegramApiError)) throw error;
      if (UNCHANGED.test(error.description)) outcome = 'left unchanged';
      else if (GONE.test(error.description)) {
        messageId = await send({}, shown);
        outcome = `sent anew (${error.description})`;
        // The new message shows the notification whole; a reply under it would say it twice.
        step = { kind: 'send' };
      } else throw error;
    }
  } else {
    messageId = await send({}, shown);
    outcome = 'sent';
  }
  // A new message's graphs, or those a retry of it has still to post.
  const graphsDue = attempt.graphs !== undefined && (step.kind === 'send' || previous?.pendingGraphs === notification.id);
  const episode = { ...episodeAfter(previous, step, notification, messageId), ...(graphsDue ? { pendingGraphs: notification.id } : {}) };
  const save = (state: TelegramEpisode): Promise<void> =>
    refs.putMessageRef({
      id,
      action: target.action,
      channel,
      groupKey: notification.groupKey,
      channelId: String(target.chatId),
      ts: String(messageId),
      state: state as unknown as Record<string, unknown>,
      updatedAt: Date.now(),
    });
  await save(episode);
  const reply = episode.pendingReply;
  if (reply !== undefined) {
    const replyText = target.parseMode === 'HTML' ? escapeHtml(reply) : reply;
    // Sent even if the message was deleted meanwhile: the chat still learns what changed.
    await send({ reply_parameters: { message_id: messageId, allow_sending_without_reply: true } }, { text: replyText, ...parse });
    const { pendingReply: _posted, ...done } = episode;
    await save(done);
  }
  let graphs = '';
  if (graphsDue && attempt.graphs !== undefined) {
    const drawn = await attempt.graphs();
    graphs = drawn.length === 0 ? '' : await postGraphs(api, { ...target, messageId }, drawn, signal, attempt.logger);
    const { pendingGraphs: _done, pendingReply: _reply, ...done } = episode;
    await save(done);
  }
  const n = notification.alerts.length;
  return {
    detail: `${outcome} the message of ${n} alert${n === 1 ? '' : 's'}${reply === undefined ? '' : ', replied'}${graphs ? `, ${graphs}` : ''}`,
    data: { message_id: messageId, reply: reply ?? null, characters: text.length, graphs: graphs || null },
  };
}

function messageIdOf(result: unknown): number {
  const id = (result as { message_id?: unknown } | undefined)?.message_id;
  // Telegram took the message; sending it again would post it twice.
  if (typeof id !== 'number') throw new ActionError('Telegram sendMessage answered ok without a message_id', { retryable: false });
  return id;
}
