import { z } from 'zod';
import { commonActionFields, defineActionType } from './action-config.js';
import { ActionError } from './action-error.js';
import { httpPost } from './http-post.js';
import { buildSlackMessage } from './slack-message.js';

// Slack allows about one message a second per incoming webhook, with short bursts above it
// (api.slack.com/apis/rate-limits); past that it answers 429 with Retry-After.
const SLACK_RATE = { perSecond: 1, burst: 5 };

/**
 * Posts one Block Kit message per group to an incoming webhook, through the shared outbound layer
 * (its deadline, its answer-size cap, the attempt's signal). An incoming webhook is one POST of
 * JSON answered `ok`; `@slack/webhook` added nothing to that but its own timeout and an unbounded
 * read of the answer. Retries are delivery's; a 429's Retry-After is honoured.
 */
export const slackActionType = defineActionType({
  schema: z
    .object({
      type: z.literal('slack'),
      webhook_url: z.url({ protocol: /^https?$/, error: 'expected the http(s) URL of a Slack incoming webhook' }),
      /** Alerts shown in full before the rest fold into "…and N more". */
      max_alerts: z.number().int().min(1).max(15).default(10),
      ...commonActionFields,
    })
    .strict(),
  create(name, config) {
    const url = config.webhook_url;
    // The URL is the credential: no error may carry it, whatever the runtime put in a message.
    const scrub = (text: string): string => text.split(url).join('<webhook>');
    return {
      name,
      type: 'slack',
      sendResolved: config.send_resolved,
      timeoutMs: config.timeout,
      rateLimit: { key: `slack:${url}`, ...SLACK_RATE },
      async handle(notification, ctx) {
        const message = buildSlackMessage(notification, { maxAlerts: config.max_alerts });
        try {
          await httpPost(url, JSON.stringify({ text: message.text, blocks: message.blocks }), {
            destination: 'Slack',
            timeoutMs: config.timeout,
            signal: ctx.signal,
          });
        } catch (error) {
          // Slack echoes parts of a bad request in its answer; the URL must not travel on in it.
          if (error instanceof ActionError) throw scrubbed(error, scrub);
          throw error;
        }
        return { detail: `posted ${notification.alerts.length} alert${notification.alerts.length === 1 ? '' : 's'}`, data: { blocks: message.blocks.length } };
      },
    };
  },
});

function scrubbed(error: ActionError, scrub: (text: string) => string): ActionError {
  return new ActionError(scrub(error.message), {
    retryable: error.retryable,
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
  });
}
