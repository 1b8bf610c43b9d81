import { z } from 'zod';
import { secret } from '../config/secret.js';
import { checkSlackMessage } from '../messages/check-limits.js';
import { slackBlocks } from '../messages/slack-blocks.js';
import { commonActionFields, defineActionType } from './action-config.js';
import { chatMessageFields } from './chat-message.js';
import { createChatWebhookAction } from './chat-webhook-action.js';

/**
 * Posts one Block Kit message per group to a Slack incoming webhook. An incoming webhook is one
 * POST of JSON answered `ok`, so it is a chat webhook like the others (the shared outbound layer:
 * its deadline, its answer-size cap, the attempt's signal); `@slack/webhook` added nothing to that
 * but its own timeout and an unbounded read of the answer. Retries are delivery's; a 429's
 * Retry-After is honoured.
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
    // Slack allows about one message a second per incoming webhook, with short bursts above it
    // (api.slack.com/apis/rate-limits); past that it answers 429 with Retry-After.
    return createChatWebhookAction({ type: 'slack', destination: 'Slack', rate: { perSecond: 1, burst: 5 }, render: slackBlocks, check: checkSlackMessage }, name, config, deps);
  },
});
