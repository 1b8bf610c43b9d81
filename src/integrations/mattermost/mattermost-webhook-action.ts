import type { Action } from '../action.js';
import type { ActionDeps } from '../action-type.js';
import { chatMessageBuilder, type ChatMessageConfig } from '../chat/chat-message.js';
import { scrubbedError, urlScrubber } from '../url-scrubber.js';
import { checkMattermostMessage, mattermostAttachments } from './mattermost-attachments.js';
import { mattermostCall } from './mattermost-client.js';

export interface MattermostWebhookConfig extends ChatMessageConfig {
  readonly webhook_url: string;
  readonly channel?: string | undefined;
  readonly username?: string | undefined;
  readonly icon_url?: string | undefined;
  readonly icon_emoji?: string | undefined;
  readonly send_resolved: boolean;
  readonly timeout: number;
}

// Mattermost's rate limiter (off unless the server turns it on) allows 10 requests a second per
// client with bursts of 100 by default; a channel read by people wants far less than that.
const WEBHOOK_RATE = { perSecond: 1, burst: 5 };

/**
 * Posts one message per notification to an incoming webhook (`POST /hooks/{key}`), answered
 * `200 ok`. A webhook cannot edit what it posted, so a resolve is a new, green message. The key
 * in the URL is the credential: no error carries it.
 */
export function createMattermostWebhookAction(name: string, config: MattermostWebhookConfig, deps: ActionDeps): Action {
  const messageOf = chatMessageBuilder(name, config, deps);
  const scrub = urlScrubber(config.webhook_url);
  // The webhook's own channel, name and picture unless these override them (overrides of the name
  // and picture take effect only where the server allows them).
  const overrides = {
    ...(config.channel ? { channel: config.channel } : {}),
    ...(config.username ? { username: config.username } : {}),
    ...(config.icon_url ? { icon_url: config.icon_url } : {}),
    ...(config.icon_emoji ? { icon_emoji: config.icon_emoji } : {}),
  };
  const bodyOf = (notification: Parameters<Action['handle']>[0], logger?: Parameters<typeof messageOf>[1]) => ({
    ...overrides,
    ...mattermostAttachments(messageOf(notification, logger)),
  });
  return {
    name,
    type: 'mattermost',
    sendResolved: config.send_resolved,
    timeoutMs: config.timeout,
    rateLimit: { key: `mattermost:${config.webhook_url}`, ...WEBHOOK_RATE },
    async handle(notification, ctx) {
      const body = bodyOf(notification, ctx.logger);
      try {
        await mattermostCall({ url: config.webhook_url, method: 'POST', body, timeoutMs: config.timeout, signal: ctx.signal });
      } catch (error) {
        throw scrubbedError(error, scrub);
      }
      const count = notification.alerts.length;
      return { detail: `posted ${count} alert${count === 1 ? '' : 's'}`, data: { shown: body.attachments.length - 1 } };
    },
    preview(notification) {
      const body = bodyOf(notification);
      return { contentType: 'application/json', body, problems: checkMattermostMessage(body) };
    },
  };
}
