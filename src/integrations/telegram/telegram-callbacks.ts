import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../../observability/logger.js';
import type { IncidentWebhook, IncidentWebhookOutcome, IncidentWebhookVerdict } from '../incident-webhook.js';
import type { TelegramApi } from './telegram-api.js';

/** Where Telegram delivers the bot's updates (`setWebhook`): one path for every `telegram` action. */
export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhooks';
/** The header in which Telegram repeats the webhook's `secret_token` on every update. */
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
/** Telegram refuses callback_data over 64 bytes (BUTTON_DATA_INVALID): `ack:` + 32 + `:` + 24 = 61. */
const MAC_HEX = 24;
const CALLBACK = /^ack:([0-9a-f]{32}):([0-9a-f]{24})$/;

/**
 * The Acknowledge button's `callback_data`: the group's message reference (what the app finds the
 * group by) and an HMAC of it with the webhook's secret. A Telegram client can send any
 * callback_data it likes for a message it sees, so the data is signed: a forged one names no
 * episode, however it was made.
 */
export function acknowledgeCallbackData(secret: string, messageRef: string): string {
  return `ack:${messageRef}:${macOf(secret, messageRef)}`;
}

/** The inline keyboard of a firing group's message: its one Acknowledge button. */
export function acknowledgeKeyboard(secret: string, messageRef: string): { inline_keyboard: { text: string; callback_data: string }[][] } {
  return { inline_keyboard: [[{ text: '✋ Acknowledge', callback_data: acknowledgeCallbackData(secret, messageRef) }]] };
}

// core.telegram.org/bots/api#update and #callbackquery: only what alertpipe reads.
const updateSchema = z.object({
  update_id: z.number(),
  callback_query: z
    .object({
      id: z.string(),
      from: z.object({ id: z.number(), first_name: z.string(), last_name: z.string().optional(), username: z.string().optional() }),
      data: z.string().optional(),
    })
    .optional(),
});

/**
 * The bot's webhook for one `telegram` action: Telegram sends `X-Telegram-Bot-Api-Secret-Token`
 * with the `secret_token` given to `setWebhook` (the action's `webhook_secret`); without it, 401. A
 * press of an Acknowledge button whose data this secret signed acknowledges the group's episode,
 * by the Telegram user; every press is answered (`answerCallbackQuery`), which stops the button's
 * spinner and shows the outcome, a forged button's included. Other updates are ignored.
 */
export function telegramWebhook(options: { secret: string; api: TelegramApi; logger: Logger }): IncidentWebhook {
  const expected = digest(options.secret);
  return {
    path: TELEGRAM_WEBHOOK_PATH,
    receive({ headers, rawBody }): IncidentWebhookVerdict {
      const given = headers[SECRET_HEADER];
      if (given === undefined || !timingSafeEqual(digest(given), expected))
        return { kind: 'unauthorized', error: 'expected the secret_token of setWebhook in X-Telegram-Bot-Api-Secret-Token' };
      let parsed;
      try {
        parsed = updateSchema.safeParse(JSON.parse(rawBody.toString('utf8')));
      } catch {
        return { kind: 'invalid', error: 'expected a JSON body' };
      }
      if (!parsed.success) return { kind: 'invalid', error: 'expected a Telegram Update: {"update_id", ...}' };
      const query = parsed.data.callback_query;
      if (query === undefined) return { kind: 'accepted', commands: [], ignored: 'not a button press' };
      const answer = (text: string) => async (_outcomes: readonly IncidentWebhookOutcome[], signal: AbortSignal) => {
        try {
          await options.api.call('answerCallbackQuery', { callback_query_id: query.id, text }, signal);
        } catch (error) {
          // The press is done; only the button's spinner runs on until Telegram gives up on it.
          options.logger.warn('Telegram answerCallbackQuery failed', { reason: (error as Error).message });
        }
      };
      const match = CALLBACK.exec(query.data ?? '');
      const ref = match?.[1];
      if (ref === undefined || !sameMac(macOf(options.secret, ref), match?.[2] ?? ''))
        return { kind: 'accepted', commands: [], ignored: 'a button alertpipe did not sign', after: answer('Not an alertpipe button') };
      const { from } = query;
      const name = from.username ? `@${from.username}` : [from.first_name, from.last_name].filter(Boolean).join(' ');
      return {
        kind: 'accepted',
        commands: [{ target: { messageRef: ref }, command: 'acknowledge', by: { id: String(from.id), name, via: 'telegram' } }],
        after: async (outcomes, signal) => answer(describe(outcomes[0]))(outcomes, signal),
      };
    },
  };
}

function describe(outcome: IncidentWebhookOutcome | undefined): string {
  if (outcome?.done) return '✋ Acknowledged';
  if (outcome?.reason === 'conflict') return `Already ${outcome.incident.state}`;
  return 'No open incident for this message';
}

function macOf(secret: string, messageRef: string): string {
  return createHmac('sha256', secret).update(`telegram-ack:${messageRef}`).digest('hex').slice(0, MAC_HEX);
}

function sameMac(expected: string, given: string): boolean {
  return given.length === expected.length && timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
