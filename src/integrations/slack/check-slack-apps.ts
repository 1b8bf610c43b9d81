import type { Action } from '../action.js';
import { SlackPlatformError } from './slack-api-error.js';
import { isSlackAppAction } from './slack-app-action.js';
import { startDeadline } from '../../lib/deadline.js';
import type { ConfigProblem } from '../../lib/config-error.js';

const CHECK_TIMEOUT_MS = 5_000;

/**
 * Asks Slack, for each Slack app action, who its token is (`auth.test`) and whether its channel
 * exists and has the bot in it. Slack's definite answers (a wrong token, no such channel, the bot
 * not invited) are config problems: start-up stops and check-config reports them. Slack not
 * answering (down, 5xx, 429, a timeout) is only a warning: other actions must not wait for Slack,
 * and the Slack action's own jobs wait in the queue and are retried.
 */
export async function checkSlackApps(actions: ReadonlyMap<string, Action>): Promise<{ problems: ConfigProblem[]; warnings: string[] }> {
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  await Promise.all(
    [...actions.values()].filter(isSlackAppAction).map(async (action) => {
      const deadline = startDeadline(CHECK_TIMEOUT_MS);
      let step: 'bot_token' | 'channel' = 'bot_token';
      try {
        await action.slackApp.api.authTest(deadline.signal);
        step = 'channel';
        await action.slackApp.api.channelId(action.slackApp.channel, deadline.signal);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof SlackPlatformError && !error.retryable) problems.push({ path: `actions.${action.name}.${step}`, message });
        else
          warnings.push(
            `actions.${action.name}: Slack could not be asked at start (${message}); its messages wait in the queue until it answers`,
          );
      } finally {
        deadline.clear();
      }
    }),
  );
  return { problems, warnings };
}
