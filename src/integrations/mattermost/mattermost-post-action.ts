import type { Action } from '../action.js';
import type { ActionDeps } from '../action-type.js';
import { chatMessageBuilder, type ChatMessageConfig } from '../chat/chat-message.js';
import { groupMessages, type MessageEditor } from '../chat/group-message-refs.js';
import { scrubbedError, secretsScrubber } from '../url-scrubber.js';
import { checkMattermostMessage, mattermostAttachments } from './mattermost-attachments.js';
import { mattermostCall, MattermostError } from './mattermost-client.js';

export interface MattermostBotConfig extends ChatMessageConfig {
  readonly bot_token: string;
  readonly api_url: string;
  readonly channel_id: string;
  readonly username?: string | undefined;
  readonly icon_url?: string | undefined;
  readonly icon_emoji?: string | undefined;
  readonly send_resolved: boolean;
  readonly timeout: number;
}

// One post or edit per notification; well under the server's default 10 requests a second.
const BOT_RATE = { perSecond: 1, burst: 5 };
// The post is gone (deleted) or past the server's edit time limit: a fresh post carries the group on.
const GONE = new Set([
  'app.post.get.app_error',
  'api.post.update_post.find.app_error',
  'api.post.update_post.permissions_time_limit.app_error',
]);

/**
 * With a bot account: one post per episode of a group through `POST /api/v4/posts` (answered
 * 201 with the post), edited in place through `PUT /api/v4/posts/{id}` as alerts join and
 * resolve. The post's ID is kept in the delivery store (`ctx.messageRefs`), so the same post is
 * edited after a restart and from another replica. The action takes the whole group every time
 * (group dedup), since the post shows the whole group.
 */
export function createMattermostPostAction(name: string, config: MattermostBotConfig, deps: ActionDeps): Action {
  const messageOf = chatMessageBuilder(name, config, deps);
  const scrub = secretsScrubber([config.bot_token]);
  const api = config.api_url.replace(/\/+$/, '');
  const messages = groupMessages(name, config.channel_id, config.timeout);
  // A bot may post under another name and picture where the server allows overrides.
  const overrides = {
    ...(config.username ? { override_username: config.username } : {}),
    ...(config.icon_url ? { override_icon_url: config.icon_url } : {}),
    ...(config.icon_emoji ? { override_icon_emoji: config.icon_emoji } : {}),
  };
  const postOf = (notification: Parameters<Action['handle']>[0], logger?: Parameters<typeof messageOf>[1]) => ({
    channel_id: config.channel_id,
    // Notifications and clients without attachments show the attachments' fallback.
    message: '',
    props: { ...overrides, ...mattermostAttachments(messageOf(notification, logger)) },
  });
  const call = (method: 'POST' | 'PUT', path: string, body: unknown, signal: AbortSignal) =>
    mattermostCall({ url: `${api}${path}`, method, body, authorization: `Bearer ${config.bot_token}`, timeoutMs: config.timeout, signal });

  return {
    name,
    type: 'mattermost',
    sendResolved: config.send_resolved,
    timeoutMs: config.timeout,
    rateLimit: { key: `mattermost-bot:${api}:${config.bot_token}`, ...BOT_RATE },
    dedup: { scope: 'group', windowMs: 60_000 },
    async handle(notification, ctx) {
      const post = postOf(notification, ctx.logger);
      const editor: MessageEditor = {
        async post(signal) {
          const answer = await call('POST', '/api/v4/posts', post, signal);
          const created = parsedPost(answer.body);
          // The post exists, but without its id it cannot be edited; posting again would duplicate it.
          if (typeof created.id !== 'string')
            throw new MattermostError('Mattermost answered a post without an id', undefined, { retryable: false });
          return { channelId: typeof created.channel_id === 'string' ? created.channel_id : config.channel_id, messageId: created.id };
        },
        async edit(previous, signal) {
          try {
            await call(
              'PUT',
              `/api/v4/posts/${encodeURIComponent(previous.messageId)}`,
              { id: previous.messageId, message: post.message, props: post.props },
              signal,
            );
            return 'edited';
          } catch (error) {
            if (error instanceof MattermostError && (error.status === 404 || (error.code !== undefined && GONE.has(error.code))))
              return { gone: error.message };
            throw error;
          }
        },
      };
      try {
        const { kind: outcome } = await messages.place(notification, ctx, editor);
        const count = notification.alerts.length;
        return {
          detail: `${outcome === 'stale' ? 'older than the post; not applied' : `${outcome} the post of ${count} alert${count === 1 ? '' : 's'}`}`,
          data: { outcome },
        };
      } catch (error) {
        throw scrubbedError(error, scrub);
      }
    },
    preview(notification) {
      const body = postOf(notification);
      return { contentType: 'application/json', body, problems: checkMattermostMessage({ ...body.props, message: body.message }) };
    },
  };
}

function parsedPost(body: string): { id?: unknown; channel_id?: unknown } {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}
