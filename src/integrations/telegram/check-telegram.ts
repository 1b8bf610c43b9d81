import type { ActionCheck } from '../action.js';
import { TelegramApiError, type TelegramApi } from './telegram-api.js';

/**
 * A telegram action's start-up check (and `check-config`'s): whether its token is a bot's
 * (`getMe`), and whether that bot can see its chat (`getChat`). The Bot API's definite answers (401
 * Unauthorized, 400 chat not found, 403 Forbidden) are problems at the field to fix; no Bot API
 * answering (down, 5xx, 429, a proxy's error page, a timeout) is only a warning, and the messages
 * wait in the queue. `scrub` removes the token from what Telegram's answers quote.
 */
export async function checkTelegram(
  api: TelegramApi,
  chatId: number | string,
  scrub: (text: string) => string,
  signal: AbortSignal,
): Promise<ActionCheck> {
  let field: 'bot_token' | 'chat_id' = 'bot_token';
  try {
    await api.call('getMe', {}, signal);
    field = 'chat_id';
    await api.call('getChat', { chat_id: chatId }, signal);
    return {};
  } catch (error) {
    // Scrubbed before it is quoted: an answer cut short may end in part of the token.
    const message = scrub(error instanceof Error ? error.message : String(error));
    if (error instanceof TelegramApiError && !error.retryable) return { problem: { field, message } };
    return { warning: `Telegram could not be asked at start (${message}); its messages wait in the queue until it answers` };
  }
}

/**
 * Points the bot's updates at alertpipe (`setWebhook` with `secret_token`), at start only: the
 * button presses arrive there. Only button presses are asked for (`allowed_updates`), so the
 * chat's messages never reach alertpipe. A refusal is a warning: the messages still go out, and
 * presses wait until the webhook is set.
 */
export async function registerTelegramWebhook(
  api: TelegramApi,
  webhook: { readonly url: string; readonly secret: string },
  scrub: (text: string) => string,
  signal: AbortSignal,
): Promise<{ readonly warning?: string }> {
  try {
    await api.call('setWebhook', { url: webhook.url, secret_token: webhook.secret, allowed_updates: ['callback_query'] }, signal);
    return {};
  } catch (error) {
    const message = scrub(error instanceof Error ? error.message : String(error));
    return { warning: `Telegram setWebhook failed (${message}); Acknowledge presses do not arrive until it is set` };
  }
}
