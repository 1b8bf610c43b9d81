import { buildMessage, type MessageOptions } from '../chat/build-message.js';
import { slackBlocks, type SlackMessage } from './slack-blocks.js';
import type { EnrichedNotification } from '../../model/model.js';

export { SLACK_LIMITS, type SlackBlock, type SlackMessage } from './slack-blocks.js';

/** One Slack message per group, in Block Kit: the message model through the Slack adapter. */
export function buildSlackMessage(notification: EnrichedNotification, options: MessageOptions): SlackMessage {
  return slackBlocks(buildMessage(notification, options));
}
