import { IncomingWebhook, IncomingWebhookHTTPError, IncomingWebhookRequestError } from '@slack/webhook';
import { z } from 'zod';
import { secret } from '../config/secret.js';
import { checkSlackMessage } from '../messages/check-limits.js';
import { slackBlocks } from '../messages/slack-blocks.js';
import { commonActionFields, defineActionType } from './action-config.js';
import { ActionError, parseRetryAfter } from './action-error.js';
import { chatMessageBuilder, chatMessageFields } from './chat-message.js';
import { urlScrubber } from './url-scrubber.js';

// Slack allows about one message a second per incoming webhook, with short bursts above it
// (api.slack.com/apis/rate-limits); past that it answers 429 with Retry-After.
const SLACK_RATE = { perSecond: 1, burst: 5 };

/**
 * Posts one Block Kit message per group to an incoming webhook, through `@slack/webhook`. Retries
 * are delivery's, not the library's; a 429's Retry-After (which the library does not expose) is
 * read by the fetch it is given.
 */
export const slackActionType = defineActionType({
  schema: z
    .object({
      type: z.literal('slack'),
      webhook_url: secret(z.url({ protocol: /^https?$/, error: 'expected the http(s) URL of a Slack incoming webhook' })),
      ...chatMessageFields,
      ...commonActionFields,
    })
    .strict(),
  create(name, config, deps) {
    const url = config.webhook_url;
    const messageOf = chatMessageBuilder(name, config, deps);
    // The URL is the credential: no error may carry it, whatever the runtime put in a message.
    const scrub = urlScrubber(url);
    return {
      name,
      type: 'slack',
      sendResolved: config.send_resolved,
      timeoutMs: config.timeout,
      rateLimit: { key: `slack:${url}`, ...SLACK_RATE },
      async handle(notification, ctx) {
        let retryAfter: string | null = null;
        const webhook = new IncomingWebhook(url, {
          timeout: config.timeout,
          fetch: async (input, init) => {
            const response = await fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, ctx.signal]) : ctx.signal });
            retryAfter = response.headers.get('retry-after');
            return response;
          },
        });
        const message = slackBlocks(messageOf(notification, ctx.logger));
        try {
          await webhook.send({ text: message.text, blocks: [...message.blocks] });
        } catch (error) {
          if (error instanceof IncomingWebhookHTTPError) {
            throw ActionError.fromHttpStatus('Slack', error.statusCode, scrub(error.body), parseRetryAfter(retryAfter));
          }
          const cause = error instanceof IncomingWebhookRequestError ? error.original : error;
          throw ActionError.network('Slack', new Error(scrub(describeCause(cause))));
        }
        return { detail: `posted ${notification.alerts.length} alert${notification.alerts.length === 1 ? '' : 's'}`, data: { blocks: message.blocks.length } };
      },
      preview(notification) {
        const body = slackBlocks(messageOf(notification));
        return { contentType: 'application/json', body, problems: checkSlackMessage(body) };
      },
    };
  },
});

/** fetch says only "fetch failed"; the useful part (ECONNREFUSED, a timeout) is its cause. */
function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: string; message?: string } | undefined;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'no answer in time';
  return cause?.code ?? cause?.message ?? error.message;
}
