import { createHmac } from 'node:crypto';
import { checkBlocks } from './fake-slack.js';
import { startHttpStandIn, type HttpStandIn, type StandInAnswer } from './http-stand-in.js';

export interface SlackChannel {
  readonly id: string;
  readonly name: string;
  /** Whether the bot was invited; Slack refuses to post otherwise (`not_in_channel`). */
  readonly member: boolean;
  /** A private channel: invisible to a bot that is not in it (`channel_not_found`), listed only with `groups:read`. */
  readonly private?: boolean;
}

export interface StoredMessage {
  readonly channel: string;
  readonly ts: string;
  text: string;
  attachments: Array<{ color?: string; blocks?: unknown[] }>;
  blocks: unknown[];
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
  readonly threadTs?: string;
  edits: number;
}

/** A file shared through the external upload flow: its bytes, and where it was shared. */
export interface SharedFile {
  readonly id: string;
  readonly filename: string;
  readonly title: string;
  readonly bytes: Buffer;
  readonly channel?: string;
  readonly threadTs?: string;
}

export interface FakeSlackApi {
  /** The `slackApiUrl`, ending in `/api/`. */
  readonly url: string;
  readonly token: string;
  readonly standIn: HttpStandIn;
  /** Every message posted, top-level and replies, in order. */
  readonly messages: StoredMessage[];
  topLevel(channelId?: string): StoredMessage[];
  thread(ts: string): StoredMessage[];
  /** Files completed with `files.completeUploadExternal`, in order. */
  readonly files: SharedFile[];
  /** Calls of a method, in order, with the arguments as Slack parsed them. */
  calls(method: string): Array<Record<string, unknown>>;
  /** The next `times` calls of `method` answer `{ ok: false, error }` (HTTP 200, as Slack does). */
  failNext(method: string, error: string, times?: number): void;
  /** The next `times` calls of any method answer 429 with `Retry-After: seconds`. */
  rateLimitNext(seconds: number, times?: number): void;
  /** Forgets a message, as if someone deleted it. */
  deleteMessage(ts: string): void;
  close(): Promise<void>;
}

const TOKEN = 'xoxb-1111-2222-standinstandinstandin';
/** The app-level token (`xapp-…`) `apps.connections.open` takes. */
export const APP_TOKEN = 'xapp-1-A0APP0001-3333-standinstandinstandin';

export interface FakeSlackApiOptions {
  /** The Socket Mode stand-in whose tickets `apps.connections.open` hands out. */
  readonly socket?: { ticketUrl(): string };
  /** The bot token's scopes; `conversations.list` of private channels needs `groups:read`. */
  readonly scopes?: readonly string[];
}

const DEFAULT_SCOPES = ['chat:write', 'channels:read', 'groups:read', 'files:write'];

/**
 * A stand-in for Slack's Web API, answering as docs.slack.dev documents each method: form-encoded
 * or JSON bodies, the bot token as a Bearer header (`not_authed`, `invalid_auth`), errors as HTTP
 * 200 with `ok: false`, 429 with `Retry-After`, `chat.postMessage` returning the channel's ID and a
 * `ts`, `chat.update` needing a channel ID and an existing `ts`, Block Kit limits (`invalid_blocks`),
 * and the external file upload: `files.getUploadURLExternal` (filename and length required), the
 * upload URL taking exactly that many bytes, `files.completeUploadExternal` sharing only a file whose
 * bytes arrived, into a channel the bot is in and a thread that exists.
 */
export async function startFakeSlackApi(
  channels: readonly SlackChannel[] = [{ id: 'C0ALERTS1', name: 'alerts', member: true }],
  options: FakeSlackApiOptions = {},
): Promise<FakeSlackApi> {
  const scopes = options.scopes ?? DEFAULT_SCOPES;
  const messages: StoredMessage[] = [];
  const calls: Array<{ method: string; args: Record<string, unknown> }> = [];
  const failures: Array<{ method: string; error: string }> = [];
  // Upload URLs handed out and not yet completed: what was promised, and the bytes once sent.
  const pending = new Map<string, { filename: string; length: number; bytes?: Buffer }>();
  const files: SharedFile[] = [];
  let rateLimited: { seconds: number; times: number } | undefined;
  let counter = 0;

  const ok = (body: Record<string, unknown>): StandInAnswer => ({ status: 200, body: { ok: true, ...body } });
  const fail = (error: string): StandInAnswer => ({ status: 200, body: { ok: false, error } });
  // A private channel the bot is not in does not exist as far as the bot can tell.
  const visible = (c: SlackChannel): boolean => !c.private || c.member;
  const byRef = (ref: unknown): SlackChannel | undefined =>
    channels.find((c) => visible(c) && (c.id === ref || `#${c.name}` === ref || c.name === ref));

  const standIn = await startHttpStandIn((request) => {
    // The upload URL is pre-authorised: no token, the file's bytes as the body (raw or multipart; we send raw).
    const upload = /^\/upload\/v1\/(F[A-Z0-9]+)$/.exec(request.url);
    if (upload) {
      const promised = pending.get(upload[1]!);
      if (request.method !== 'POST' || promised === undefined) return { status: 404, body: 'not found' };
      if (request.raw.length !== promised.length)
        return { status: 400, body: `length ${request.raw.length} is not the ${promised.length} promised` };
      promised.bytes = request.raw;
      return { status: 200, body: `OK - ${request.raw.length}` };
    }
    const method = request.url.replace(/^\/api\//, '').split('?')[0] ?? '';
    if (request.method !== 'POST' && request.method !== 'GET') return { status: 405, body: 'method_not_allowed' };
    if (rateLimited && rateLimited.times > 0) {
      rateLimited.times -= 1;
      return { status: 429, headers: { 'retry-after': String(rateLimited.seconds) }, body: { ok: false, error: 'ratelimited' } };
    }
    const args = parseArgs(String(request.headers['content-type'] ?? ''), request.body);
    calls.push({ method, args });
    const auth = String(request.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : typeof args.token === 'string' ? args.token : '';
    if (token === '') return fail('not_authed');
    // apps.connections.open takes the app-level token only; every other method refuses it.
    const injected = (): StandInAnswer | undefined => {
      const index = failures.findIndex((f) => f.method === method);
      return index >= 0 ? fail(failures.splice(index, 1)[0]!.error) : undefined;
    };
    if (method === 'apps.connections.open') {
      if (token.startsWith('xoxb-') || token.startsWith('xoxp-')) return fail('not_allowed_token_type');
      if (token !== APP_TOKEN) return fail('invalid_auth');
      return injected() ?? (options.socket ? ok({ url: options.socket.ticketUrl() }) : fail('internal_error'));
    }
    if (token === APP_TOKEN) return fail('not_allowed_token_type');
    if (token !== TOKEN) return fail('invalid_auth');
    const failure = injected();
    if (failure) return failure;

    switch (method) {
      case 'auth.test':
        return ok({
          url: 'https://example.slack.com/',
          team: 'Example',
          user: 'alertpipe',
          team_id: 'T0EXAMPLE',
          user_id: 'U0BOT0001',
          bot_id: 'B0BOT0001',
        });
      case 'conversations.info': {
        const channel = channels.find((c) => c.id === args.channel && visible(c));
        return channel
          ? ok({ channel: { id: channel.id, name: channel.name, is_channel: true, is_member: channel.member } })
          : fail('channel_not_found');
      }
      case 'conversations.list': {
        // docs.slack.dev/reference/methods/conversations.list: types (public_channel by default),
        // limit (default 100, at most 1000; fewer may come), an opaque cursor, scopes per type.
        const types = String(args.types ?? 'public_channel').split(',');
        if (types.includes('private_channel') && !scopes.includes('groups:read'))
          return { status: 200, body: { ok: false, error: 'missing_scope', needed: 'groups:read', provided: scopes.join(',') } };
        const limit = Math.min(Number(args.limit ?? 100) || 100, 1000);
        let start = 0;
        if (args.cursor !== undefined && args.cursor !== '') {
          const decoded = /^offset:(\d+)$/.exec(Buffer.from(String(args.cursor), 'base64').toString('utf8'));
          if (decoded === null) return fail('invalid_cursor');
          start = Number(decoded[1]);
        }
        const listed = channels.filter((c) =>
          c.private ? types.includes('private_channel') && c.member : types.includes('public_channel'),
        );
        const page = listed
          .slice(start, start + limit)
          .map((c) => ({ id: c.id, name: c.name, is_channel: !c.private, is_private: Boolean(c.private), is_member: c.member }));
        const next = start + limit < listed.length ? Buffer.from(`offset:${start + limit}`).toString('base64') : '';
        return ok({ channels: page, response_metadata: { next_cursor: next } });
      }
      case 'chat.postMessage': {
        const channel = byRef(args.channel);
        if (channel === undefined) return fail('channel_not_found');
        if (!channel.member) return fail('not_in_channel');
        const problem = checkContent(args);
        if (problem)
          return problem === 'no_text' ? fail('no_text') : { status: 200, body: { ok: false, error: 'invalid_blocks', errors: [problem] } };
        if (
          args.thread_ts !== undefined &&
          !messages.some((m) => m.channel === channel.id && m.ts === args.thread_ts && m.threadTs === undefined)
        ) {
          return fail('thread_not_found');
        }
        const ts = `${Math.floor(Date.now() / 1000)}.${String(++counter).padStart(6, '0')}`;
        const stored: StoredMessage = {
          channel: channel.id,
          ts,
          ...content(args),
          ...(typeof args.thread_ts === 'string' ? { threadTs: args.thread_ts } : {}),
          edits: 0,
        };
        messages.push(stored);
        return ok({ channel: channel.id, ts, message: { text: stored.text, ts } });
      }
      case 'chat.update': {
        // chat.update takes the channel's ID only, not a name.
        const channel = channels.find((c) => c.id === args.channel && visible(c));
        if (channel === undefined) return fail('channel_not_found');
        const message = messages.find((m) => m.channel === channel.id && m.ts === args.ts);
        if (message === undefined) return fail('message_not_found');
        const problem = checkContent(args);
        if (problem)
          return problem === 'no_text' ? fail('no_text') : { status: 200, body: { ok: false, error: 'invalid_blocks', errors: [problem] } };
        Object.assign(message, content(args));
        message.edits += 1;
        return ok({ channel: channel.id, ts: message.ts, text: message.text });
      }
      case 'files.getUploadURLExternal': {
        const length = Number(args.length);
        if (typeof args.filename !== 'string' || args.filename === '' || !Number.isInteger(length) || length <= 0)
          return fail('invalid_arguments');
        const id = `F0UPLOAD${String(++counter).padStart(4, '0')}`;
        pending.set(id, { filename: args.filename, length });
        return ok({ upload_url: `${standIn.url}/upload/v1/${id}`, file_id: id });
      }
      case 'files.completeUploadExternal': {
        const list = typeof args.files === 'string' ? (JSON.parse(args.files) as unknown) : args.files;
        if (!Array.isArray(list) || list.length === 0) return fail('invalid_arguments');
        const entries = list as Array<{ id?: string; title?: string }>;
        // A file whose bytes never reached the upload URL cannot be completed.
        if (entries.some((f) => pending.get(f.id ?? '')?.bytes === undefined)) return fail('file_not_found');
        let channel: SlackChannel | undefined;
        if (args.channel_id !== undefined) {
          channel = channels.find((c) => c.id === args.channel_id);
          if (channel === undefined) return fail('channel_not_found');
          if (!channel.member) return fail('not_in_channel');
        }
        if (
          args.thread_ts !== undefined &&
          !messages.some((m) => m.channel === channel?.id && m.ts === args.thread_ts && m.threadTs === undefined)
        ) {
          return fail('thread_not_found');
        }
        const done = entries.map((f): SharedFile => {
          const upload = pending.get(f.id as string)!;
          pending.delete(f.id as string);
          return {
            id: f.id as string,
            filename: upload.filename,
            title: f.title ?? upload.filename,
            bytes: upload.bytes!,
            ...(channel ? { channel: channel.id } : {}),
            ...(typeof args.thread_ts === 'string' ? { threadTs: args.thread_ts } : {}),
          };
        });
        files.push(...done);
        return ok({
          files: done.map((f) => ({ id: f.id, name: f.filename, title: f.title, size: f.bytes.length, mimetype: 'image/png' })),
        });
      }
      default:
        return fail('unknown_method');
    }
  });

  return {
    url: `${standIn.url}/api/`,
    token: TOKEN,
    standIn,
    messages,
    topLevel: (channelId) => messages.filter((m) => m.threadTs === undefined && (channelId === undefined || m.channel === channelId)),
    thread: (ts) => messages.filter((m) => m.threadTs === ts),
    files,
    calls: (method) => calls.filter((c) => c.method === method).map((c) => c.args),
    failNext(method, error, times = 1) {
      for (let i = 0; i < times; i++) failures.push({ method, error });
    },
    rateLimitNext(seconds, times = 1) {
      rateLimited = { seconds, times };
    },
    deleteMessage(ts) {
      const index = messages.findIndex((m) => m.ts === ts);
      if (index >= 0) messages.splice(index, 1);
    },
    close: () => standIn.close(),
  };
}

/** Slack's Web API takes form-encoded arguments (objects as JSON strings) or a JSON body. */
function parseArgs(contentType: string, body: string): Record<string, unknown> {
  if (contentType.startsWith('application/json')) return JSON.parse(body || '{}') as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    args[key] = ['blocks', 'attachments', 'metadata', 'files'].includes(key) ? JSON.parse(value) : value;
  }
  return args;
}

function content(args: Record<string, unknown>): Pick<StoredMessage, 'text' | 'attachments' | 'blocks' | 'metadata'> {
  return {
    text: typeof args.text === 'string' ? args.text : '',
    attachments: Array.isArray(args.attachments) ? (args.attachments as StoredMessage['attachments']) : [],
    blocks: Array.isArray(args.blocks) ? args.blocks : [],
    ...(args.metadata ? { metadata: args.metadata as StoredMessage['metadata'] } : {}),
  };
}

/** `no_text`, a Block Kit problem, or undefined: blocks at the top and in each attachment, and buttons. */
function checkContent(args: Record<string, unknown>): string | undefined {
  const { text, blocks, attachments } = content(args);
  if (text === '' && blocks.length === 0 && attachments.length === 0) return 'no_text';
  if (text.length > 40_000) return 'msg_too_long';
  for (const list of [blocks, ...attachments.map((a) => a.blocks ?? [])]) {
    const problem = checkBlocks(list as Parameters<typeof checkBlocks>[0]) ?? checkButtons(list);
    if (problem) return problem;
  }
  return undefined;
}

// docs.slack.dev/reference/block-kit/blocks/actions-block and block-elements/button-element.
function checkButtons(blocks: readonly unknown[]): string | undefined {
  for (const block of blocks as Array<{
    type?: string;
    elements?: Array<{ type?: string; action_id?: string; value?: string; text?: { text?: string } }>;
  }>) {
    if (block.type !== 'actions') continue;
    const elements = block.elements ?? [];
    if (elements.length === 0 || elements.length > 25) return 'actions block needs 1 to 25 elements';
    const ids = new Set<string>();
    for (const element of elements) {
      if (element.type !== 'button') continue;
      if ((element.text?.text ?? '').length === 0 || (element.text?.text ?? '').length > 75)
        return 'button text must be 1 to 75 characters';
      if ((element.value ?? '').length > 2000) return 'button value over 2000 characters';
      if ((element.action_id ?? '').length > 255 || ids.has(element.action_id ?? ''))
        return 'button action_id must be unique and at most 255';
      ids.add(element.action_id ?? '');
    }
  }
  return undefined;
}

/** A button click as Slack sends it: `payload=` form-encoded, signed with the app's signing secret. */
export function signedInteraction(
  signingSecret: string,
  payload: object,
  timestamp = Math.floor(Date.now() / 1000),
): { headers: Record<string, string>; body: string } {
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
    },
    body,
  };
}

/** A `block_actions` payload for a click on one of the message's buttons. */
export function blockActionsPayload(
  message: StoredMessage,
  actionId: string,
  options: { user?: string; responseUrl?: string } = {},
): object {
  const button = (
    message.attachments.flatMap((a) => a.blocks ?? []) as Array<{
      type?: string;
      elements?: Array<{ action_id?: string; value?: string; text?: unknown }>;
    }>
  )
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? [])
    .find((e) => e.action_id === actionId);
  if (button === undefined) throw new Error(`the message has no ${actionId} button`);
  const user = options.user ?? 'U0ALICE01';
  return {
    type: 'block_actions',
    user: { id: user, username: 'alice', name: 'alice', team_id: 'T0EXAMPLE' },
    api_app_id: 'A0APP0001',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    trigger_id: '1234.5678.abcdef',
    team: { id: 'T0EXAMPLE', domain: 'example' },
    channel: { id: message.channel, name: 'alerts' },
    message: { type: 'message', ts: message.ts, text: message.text },
    response_url: options.responseUrl ?? 'https://hooks.slack.com/actions/T0EXAMPLE/1/abc',
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: 'alertpipe',
        value: button.value,
        text: button.text,
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}
