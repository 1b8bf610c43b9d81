import type { Message } from './message-model.js';
import type { Action } from '../action.js';
import type { ActionDeps } from '../action-type.js';
import { chatMessageBuilder, type ChatMessageConfig } from './chat-message.js';
import { httpPost } from '../http-post.js';
import { scrubbedError, urlScrubber } from '../url-scrubber.js';

/** What differs between chat platforms that take a JSON body on a webhook URL. */
export interface ChatPlatform<B> {
  /** The action type (`teams`) and the platform's name in errors (`Teams`). */
  readonly type: string;
  readonly destination: string;
  /** The platform's documented pace for one webhook. */
  readonly rate: { readonly perSecond: number; readonly burst: number };
  readonly render: (message: Message) => B;
  readonly check: (body: B) => string[];
  /** The URL actually posted to, when the platform wants a query parameter added. */
  readonly postUrl?: (url: string) => string;
}

export interface ChatWebhookConfig extends ChatMessageConfig {
  readonly webhook_url: string;
  readonly send_resolved: boolean;
  readonly timeout: number;
}

/**
 * A chat action that posts one message per group to a webhook: the neutral message through the
 * platform's adapter, through the shared `httpPost` (5xx, 408 and 429 after its Retry-After are
 * retried by delivery; other 4xx are not). The URL is the credential: no error carries it, whole
 * or in parts.
 */
export function createChatWebhookAction<B>(platform: ChatPlatform<B>, name: string, config: ChatWebhookConfig, deps: ActionDeps): Action {
  const messageOf = chatMessageBuilder(name, config, deps);
  const scrub = urlScrubber(config.webhook_url);
  const url = platform.postUrl ? platform.postUrl(config.webhook_url) : config.webhook_url;
  return {
    name,
    type: platform.type,
    sendResolved: config.send_resolved,
    timeoutMs: config.timeout,
    rateLimit: { key: `${platform.type}:${config.webhook_url}`, ...platform.rate },
    async handle(notification, ctx) {
      const message = messageOf(notification, ctx.logger, ctx.report);
      const rendered = platform.render(message);
      ctx.report?.sent({ contentType: 'application/json', body: rendered });
      const body = JSON.stringify(rendered);
      try {
        await httpPost(url, body, {
          destination: platform.destination,
          headers: { 'Content-Type': 'application/json; charset=utf-8' },
          timeoutMs: config.timeout,
          signal: ctx.signal,
        });
      } catch (error) {
        throw scrubbedError(error, scrub);
      }
      const count = notification.alerts.length;
      return {
        detail: `posted ${count} alert${count === 1 ? '' : 's'}`,
        data: { bytes: Buffer.byteLength(body), shown: message.alerts.length, notes: message.notes.length },
      };
    },
    preview(notification) {
      const body = platform.render(messageOf(notification));
      return { contentType: 'application/json', body, problems: platform.check(body) };
    },
  };
}
