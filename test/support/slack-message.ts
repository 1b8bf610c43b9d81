import { buildMessage, type MessageOptions } from '../../src/integrations/chat/build-message.js';
import { slackBlocks, type SlackMessage } from '../../src/integrations/slack/slack-blocks.js';
import type { EnrichedNotification } from '../../src/model/model.js';

/** One Slack message per group, in Block Kit, as the Slack webhook action builds it: the message model through the Slack adapter. */
export function buildSlackMessage(notification: EnrichedNotification, options: MessageOptions): SlackMessage {
  return slackBlocks(buildMessage(notification, options));
}
