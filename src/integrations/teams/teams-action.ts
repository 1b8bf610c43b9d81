import { z } from 'zod';
import { secret } from '../../lib/secret.js';
import { checkTeamsMessage, teamsCard } from './teams-card.js';
import { commonActionFields, defineActionType } from '../action-type.js';
import { chatMessageFields } from '../chat/chat-message.js';
import { createChatWebhookAction } from '../chat/chat-webhook-action.js';

/**
 * Posts one Adaptive Card per group to a Microsoft Teams channel through a Workflows webhook (the
 * "When a Teams webhook request is received" trigger), which replaced the retired Office 365
 * connectors. A workflow answers 202 once it has the request.
 */
export const teamsActionType = defineActionType({
  schema: z
    .object({
      type: z.literal('teams'),
      /** The HTTP POST URL of the workflow's trigger; it carries its signature (`sig=`), so it is a secret. */
      webhook_url: secret(z.url({ protocol: /^https?$/, error: 'expected the http(s) URL of a Teams workflow webhook' })),
      ...chatMessageFields,
      ...commonActionFields,
    })
    .strict(),
  create(name, config, deps) {
    // Teams throttles a bot's messages to a channel at a few a second; Power Automate's own
    // throttling answers 429 with Retry-After. One a second with bursts of 4 stays under both.
    return createChatWebhookAction(
      { type: 'teams', destination: 'Teams', rate: { perSecond: 1, burst: 4 }, render: teamsCard, check: checkTeamsMessage },
      name,
      config,
      deps,
    );
  },
});
