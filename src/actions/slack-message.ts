import { buildMessage, type MessageOptions } from '../messages/build-message.js';
import { slackBlocks, type SlackMessage } from '../messages/slack-blocks.js';
import type { EnrichedNotification } from '../pipeline/model.js';

export { SLACK_LIMITS, type SlackBlock, type SlackMessage } from '../messages/slack-blocks.js';

/** One Slack message per group, in Block Kit: the message model through the Slack adapter. */
export function buildSlackMessage(notification: EnrichedNotification, options: MessageOptions): SlackMessage {
  return slackBlocks(buildMessage(notification, options));
}
