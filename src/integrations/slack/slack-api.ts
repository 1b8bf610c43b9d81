import { LogLevel, WebClient, type Logger as SlackLogger } from '@slack/web-api';
import type { Logger } from '../../observability/logger.js';
import { ACTION_RESPONSE_LIMIT, outboundRequest } from '../../outbound/outbound-request.js';
import { slackApiError, SlackPlatformError } from './slack-api-error.js';
import { slackFetch } from './slack-fetch.js';

/** Slack's Web API; `api_url` (or SLACK_API_URL) points elsewhere for a proxy or a stand-in. */
export const SLACK_API_URL = 'https://slack.com/api/';

export interface SlackApiOptions {
  readonly token: string;
  readonly apiUrl: string;
  /** Bounds each call, whatever the caller's signal. */
  readonly timeoutMs: number;
  readonly logger: Logger;
}

export interface PostArgs {
  readonly channel: string;
  readonly text: string;
  readonly attachments?: readonly unknown[];
  readonly blocks?: readonly unknown[];
  readonly thread_ts?: string;
  readonly metadata?: { readonly event_type: string; readonly event_payload: Readonly<Record<string, unknown>> };
}

export interface SlackApi {
  /** Who the token is: what start-up and check-config ask first. */
  authTest(signal?: AbortSignal): Promise<{ readonly user: string; readonly team: string }>;
  /**
   * The channel's ID for a name (`#alerts`, `alerts`, public or private) or an ID, checked and
   * then cached for a while (`CHANNEL_TTL_MS`); fails unless the bot is a member.
   */
  channelId(channel: string, signal?: AbortSignal): Promise<string>;
  /** Drops the cached ID of `channel`: Slack refused a post to it, so the next `channelId` asks again. */
  forgetChannel(channel: string): void;
  /** `apps.connections.open` (the client's token must be the app-level one): a Socket Mode `wss://` URL. */
  openSocketUrl(signal?: AbortSignal): Promise<string>;
  postMessage(args: PostArgs, signal?: AbortSignal): Promise<{ readonly channel: string; readonly ts: string }>;
  update(args: PostArgs & { readonly ts: string }, signal?: AbortSignal): Promise<void>;
  /** Shares a file as a reply in a message's thread (Slack's external upload: three requests). */
  uploadToThread(file: ThreadFile, signal?: AbortSignal): Promise<{ readonly fileId: string }>;
}

export interface ThreadFile {
  readonly filename: string;
  readonly title: string;
  readonly bytes: Buffer;
  readonly channelId: string;
  /** The parent message's `ts`. */
  readonly threadTs: string;
}

const CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;
// conversations.list pages of 200; a workspace with more than 10,000 channels should configure the ID.
const MAX_PAGES = 50;
// A channel renamed, archived or left is seen within this long; a templated channel per team is
// looked up once per team in that time, not once per message (conversations.list is Tier 2).
export const CHANNEL_TTL_MS = 10 * 60_000;
// Templated channels make the names open-ended: the cache keeps the most recent ones.
const MAX_CACHED_CHANNELS = 1_000;

/**
 * One Slack Web API client per bot token, on `@slack/web-api` with its own retries and rate-limit
 * waits turned off (`retries: 0`, `rejectRateLimitedCalls`): delivery's queue owns retries, and a
 * 429 comes back as an error carrying its Retry-After. Each call builds a light `WebClient` whose
 * `fetch` is bound to that call's signal (the client has no per-call signal of its own).
 */
export function createSlackApi(options: SlackApiOptions): SlackApi {
  const channels = new Map<string, { readonly id: string; readonly until: number }>();
  const logger = quietLogger(options.logger);
  const slackApiUrl = options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`;

  async function call<T>(method: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
    const client = new WebClient(options.token, {
      slackApiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      allowAbsoluteUrls: false,
      logger,
      fetch: slackFetch({ timeoutMs: options.timeoutMs, ...(signal ? { signal } : {}) }),
    });
    try {
      return (await client.apiCall(method, args)) as T;
    } catch (error) {
      throw slackApiError(method, error);
    }
  }

  async function findByName(name: string, signal?: AbortSignal): Promise<{ id: string; is_member?: boolean }> {
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await call<{
        channels?: Array<{ id: string; name: string; is_member?: boolean }>;
        response_metadata?: { next_cursor?: string };
      }>(
        'conversations.list',
        // Private channels are listed only when the bot is in them (and the app has groups:read).
        { types: 'public_channel,private_channel', exclude_archived: true, limit: 200, ...(cursor ? { cursor } : {}) },
        signal,
      );
      const found = answer.channels?.find((c) => c.name === name);
      if (found) return found;
      cursor = answer.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    throw new SlackPlatformError(
      `Slack has no channel named #${name} the bot can see: check channel (a private channel is seen once the bot is invited, with groups:read)`,
      'channel_not_found',
      false,
    );
  }

  return {
    async authTest(signal) {
      const answer = await call<{ user?: string; team?: string }>('auth.test', {}, signal);
      return { user: answer.user ?? '', team: answer.team ?? '' };
    },
    async channelId(channel, signal) {
      const cached = channels.get(channel);
      if (cached !== undefined && cached.until > Date.now()) return cached.id;
      const name = channel.replace(/^#/, '');
      const found = CHANNEL_ID.test(name)
        ? (await call<{ channel: { id: string; is_member?: boolean } }>('conversations.info', { channel: name }, signal)).channel
        : await findByName(name, signal);
      // Slack says is_member for channels; a DM (D…) has none, and a bot can always write to its own.
      if (found.is_member === false) {
        throw new SlackPlatformError(
          `Slack: the bot is not a member of ${channel}: type /invite @<your app> in the channel`,
          'not_in_channel',
          false,
        );
      }
      channels.delete(channel);
      if (channels.size >= MAX_CACHED_CHANNELS) channels.delete(channels.keys().next().value as string);
      channels.set(channel, { id: found.id, until: Date.now() + CHANNEL_TTL_MS });
      return found.id;
    },
    forgetChannel(channel) {
      channels.delete(channel);
    },
    async openSocketUrl(signal) {
      return (await call<{ url: string }>('apps.connections.open', {}, signal)).url;
    },
    async postMessage(args, signal) {
      const answer = await call<{ channel: string; ts: string }>('chat.postMessage', { ...args }, signal);
      return { channel: answer.channel, ts: answer.ts };
    },
    async update(args, signal) {
      await call('chat.update', { ...args }, signal);
    },
    async uploadToThread(file, signal) {
      // files.upload is retired: ask for an upload URL, send the bytes there, then share the file.
      const target = await call<{ upload_url: string; file_id: string }>(
        'files.getUploadURLExternal',
        { filename: file.filename, length: file.bytes.length },
        signal,
      );
      const sent = await outboundRequest({
        url: target.upload_url,
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: file.bytes,
        destination: 'Slack file upload',
        timeoutMs: options.timeoutMs,
        maxResponseBytes: ACTION_RESPONSE_LIMIT,
        ...(signal ? { signal } : {}),
      });
      if (sent.status !== 200)
        throw new SlackPlatformError(
          `Slack file upload answered HTTP ${sent.status}: ${sent.body.slice(0, 200)}`,
          `http_${sent.status}`,
          sent.status >= 500,
        );
      await call(
        'files.completeUploadExternal',
        { files: [{ id: target.file_id, title: file.title }], channel_id: file.channelId, thread_ts: file.threadTs },
        signal,
      );
      return { fileId: target.file_id };
    },
  };
}

/** The client's own log lines: its warnings go to ours; its debug and info (bodies included) nowhere. */
function quietLogger(logger: Logger): SlackLogger {
  let level = LogLevel.WARN;
  return {
    debug: () => {},
    info: () => {},
    warn: (...message: unknown[]) => logger.warn('Slack client warning', { detail: message.map(String).join(' ') }),
    error: (...message: unknown[]) => logger.warn('Slack client error', { detail: message.map(String).join(' ') }),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
