import type { ActionCheck } from '../action.js';
import { SlackPlatformError } from './slack-api-error.js';
import type { SlackApi } from './slack-api.js';

/**
 * A Slack app action's start-up check: who its token is (`auth.test`), and whether its channel
 * exists and has the bot in it. Slack's definite answers (a wrong token, no such channel, the bot
 * not invited) are problems; Slack not answering (down, 5xx, 429, a timeout) is only a warning.
 */
export async function checkSlackApp(
  app: { readonly api: SlackApi; readonly channel: string | undefined },
  signal: AbortSignal,
): Promise<ActionCheck> {
  let field: 'bot_token' | 'channel' = 'bot_token';
  try {
    await app.api.authTest(signal);
    field = 'channel';
    if (app.channel !== undefined) await app.api.channelId(app.channel, signal);
    return {};
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof SlackPlatformError && !error.retryable) return { problem: { field, message } };
    return { warning: `Slack could not be asked at start (${message}); its messages wait in the queue until it answers` };
  }
}
