import { randomBytes } from 'node:crypto';
import { jsonObjectBody, startHttpStandIn, type HttpStandIn, type RecordedRequest, type StandInAnswer } from './http-stand-in.js';

/** An attachment as Mattermost reads it. */
export interface MattermostAttachment {
  fallback?: string;
  color?: string;
  title?: string;
  title_link?: string;
  text?: string;
  fields?: Array<{ title?: string; value?: string; short?: boolean }>;
  footer?: string;
}

/** A message in the channel, posted by the webhook or the bot, as it shows now. */
export interface MattermostPost {
  readonly id: string;
  readonly via: 'webhook' | 'bot';
  channel_id: string;
  message: string;
  props: { attachments?: MattermostAttachment[]; [key: string]: unknown };
  /** The webhook's overrides as sent (channel, username, icon_url, icon_emoji). */
  readonly overrides: Record<string, unknown>;
  edits: number;
  deleted: boolean;
}

export interface FakeMattermost {
  /** The server, as `api_url` names it. */
  readonly url: string;
  /** An incoming webhook this server knows: `/hooks/{key}`. */
  readonly webhookUrl: string;
  readonly token: string;
  /** The channel the webhook posts in and the bot is a member of; and one the bot is not in. */
  readonly channelId: string;
  readonly outsideChannelId: string;
  readonly standIn: HttpStandIn;
  readonly posts: MattermostPost[];
  /** Allows `limit` requests per `windowMs` from now on, as the server's rate limiter (10 a second by default). */
  setRateLimit(limit: number, windowMs: number): void;
  failWith(answer: StandInAnswer | undefined): void;
  /** Deletes a post, as a person in the channel may. */
  deletePost(id: string): void;
  close(): Promise<void>;
}

const HOOK_KEY = 'mAtTeRmOsThOoKkEy0000000000';
const TOKEN = 'mAtTeRmOsTbOtToKeN000000000';
const CHANNEL = 'kq3ijc8bzpd7mbc5wqtxzn1xya';
const OUTSIDE = 'r4hkxbfbh3dc3q9kq1e7r8z6ta';
// model/post.go: a message of at most 16,383 characters; props of at most 800,000.
const MAX_MESSAGE = 16_383;
const MAX_PROPS = 800_000;

/** Mattermost's error answer: `{id, message, detailed_error, request_id, status_code}`. */
function appError(status: number, id: string, message: string): StandInAnswer {
  return { status, body: { id, message, detailed_error: '', request_id: randomBytes(13).toString('hex'), status_code: status } };
}

const newId = (): string => randomBytes(13).toString('hex').slice(0, 26);

/**
 * A Mattermost server with one incoming webhook and one bot account. The webhook
 * (`POST /hooks/{key}`) answers `200 ok` as text, or 400 with Mattermost's JSON error for an
 * unknown key, a body it cannot parse, no text and no attachments, or props past their limit,
 * and 404 for an unknown channel override. The REST API wants `Authorization: Bearer <token>`
 * (401 `session_expired` otherwise): `POST /api/v4/posts` answers 201 with the post, 403 for a
 * channel the bot is not in; `PUT /api/v4/posts/{id}` answers 200, 400 when the body's id is not
 * the path's, 404 for a deleted post. Past the rate limit: 429 `limit exceeded` with
 * `Retry-After` and `X-Ratelimit-*`, as the server's limiter answers.
 */
export async function startFakeMattermost(): Promise<FakeMattermost> {
  const posts: MattermostPost[] = [];
  let failure: StandInAnswer | undefined;
  let bucket = { limit: 10, windowMs: 1_000 };
  let window: number[] = [];
  const standIn = await startHttpStandIn((request) => {
    if (failure) return failure;
    window = window.filter((at) => at > request.at - bucket.windowMs);
    if (window.length >= bucket.limit) {
      const seconds = String(Math.max(1, Math.ceil(((window[0] ?? request.at) + bucket.windowMs - request.at) / 1000)));
      return {
        status: 429,
        body: 'limit exceeded\n',
        headers: {
          'retry-after': seconds,
          'x-ratelimit-limit': String(bucket.limit),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': seconds,
        },
      };
    }
    window.push(request.at);
    const path = request.url.split('?')[0] ?? '';
    if (path.startsWith('/hooks/')) return webhook(request, path, posts);
    if (path.startsWith('/api/v4/')) return api(request, path, posts);
    return { status: 404, body: '404 page not found' };
  });
  return {
    url: standIn.url,
    webhookUrl: `${standIn.url}/hooks/${HOOK_KEY}`,
    token: TOKEN,
    channelId: CHANNEL,
    outsideChannelId: OUTSIDE,
    standIn,
    posts,
    setRateLimit(limit, windowMs) {
      bucket = { limit, windowMs };
      window = [];
    },
    failWith(answer) {
      failure = answer;
    },
    deletePost(id) {
      const post = posts.find((p) => p.id === id);
      if (post) post.deleted = true;
    },
    close: () => standIn.close(),
  };
}

/** The limits the server checks on any post (model.Post.IsValid); the first one broken. */
export function invalidPost(message: string, props: unknown): StandInAnswer | undefined {
  if ([...message].length > MAX_MESSAGE) return appError(400, 'model.post.is_valid.msg.app_error', 'Invalid Message.');
  if ([...JSON.stringify(props ?? {})].length > MAX_PROPS) return appError(400, 'model.post.is_valid.props.app_error', 'Invalid props.');
  return undefined;
}

function webhook(request: RecordedRequest, path: string, posts: MattermostPost[]): StandInAnswer {
  if (request.method !== 'POST') return { status: 405, body: '' };
  if (path !== `/hooks/${HOOK_KEY}`) return appError(400, 'web.incoming_webhook.invalid.app_error', 'Invalid webhook.');
  const body = jsonObjectBody(request);
  if (!body) return appError(400, 'web.incoming_webhook.parse.app_error', 'Unable to parse incoming data.');
  const text = typeof body.text === 'string' ? body.text : '';
  const attachments = Array.isArray(body.attachments) ? (body.attachments as MattermostAttachment[]) : [];
  if (text === '' && attachments.length === 0) return appError(400, 'web.incoming_webhook.text.app_error', 'No text specified.');
  const invalid = invalidPost(text, { attachments });
  if (invalid) return invalid;
  if (body.channel !== undefined && body.channel !== 'town-square' && body.channel !== 'alerts')
    return appError(404, 'web.incoming_webhook.channel.app_error', "Couldn't find the channel.");
  const overrides = Object.fromEntries(['channel', 'username', 'icon_url', 'icon_emoji'].filter((k) => k in body).map((k) => [k, body[k]]));
  posts.push({
    id: newId(),
    via: 'webhook',
    channel_id: CHANNEL,
    message: text,
    props: { attachments },
    overrides,
    edits: 0,
    deleted: false,
  });
  return { status: 200, body: 'ok' };
}

function api(request: RecordedRequest, path: string, posts: MattermostPost[]): StandInAnswer {
  if (request.headers.authorization !== `Bearer ${TOKEN}`)
    return appError(401, 'api.context.session_expired.app_error', 'Invalid or expired session, please login again.');
  const body = jsonObjectBody(request);
  if (path === '/api/v4/posts' && request.method === 'POST') {
    if (!body || typeof body.channel_id !== 'string' || body.channel_id.length !== 26)
      return appError(400, 'api.context.invalid_body_param.app_error', 'Invalid or missing channel_id in request body.');
    if (body.channel_id !== CHANNEL)
      return appError(403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
    const message = typeof body.message === 'string' ? body.message : '';
    const props = (typeof body.props === 'object' && body.props !== null ? body.props : {}) as MattermostPost['props'];
    const invalid = invalidPost(message, props);
    if (invalid) return invalid;
    const post: MattermostPost = { id: newId(), via: 'bot', channel_id: CHANNEL, message, props, overrides: {}, edits: 0, deleted: false };
    posts.push(post);
    return { status: 201, body: presented(post) };
  }
  const edit = /^\/api\/v4\/posts\/([a-z0-9]+)$/.exec(path);
  if (edit && request.method === 'PUT') {
    if (!body || body.id !== edit[1])
      return appError(400, 'api.context.invalid_body_param.app_error', 'Invalid or missing id in request body.');
    const post = posts.find((p) => p.id === edit[1] && p.via === 'bot');
    if (!post || post.deleted) return appError(404, 'app.post.get.app_error', 'Unable to get the post.');
    const message = typeof body.message === 'string' ? body.message : '';
    const invalid = invalidPost(message, body.props);
    if (invalid) return invalid;
    post.message = message;
    post.props = (body.props ?? {}) as MattermostPost['props'];
    post.edits += 1;
    return { status: 200, body: presented(post) };
  }
  return appError(404, 'api.context.404.app_error', 'Sorry, we could not find the page.');
}

function presented(post: MattermostPost): object {
  const now = Date.now();
  return {
    id: post.id,
    create_at: now,
    update_at: now,
    edit_at: post.edits > 0 ? now : 0,
    delete_at: 0,
    user_id: 'b0tus3r1d0000000000000000a',
    channel_id: post.channel_id,
    root_id: '',
    message: post.message,
    type: '',
    props: post.props,
    hashtags: '',
    pending_post_id: '',
  };
}
