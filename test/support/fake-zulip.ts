import { startHttpStandIn, type HttpStandIn, type RecordedRequest, type StandInAnswer } from './http-stand-in.js';

export const ZULIP_BOT = 'alertpipe-bot@example.zulipchat.com';
export const ZULIP_KEY = 'ZuLiPaPiKeY0123456789abcdefghij';
export const ZULIP_STREAM = 'alerts';

export interface ZulipStoredMessage {
  readonly id: number;
  readonly stream: string;
  readonly topic: string;
  content: string;
  readonly at: number;
  edits: number;
}

export interface FakeZulip {
  /** The organization's site, as `url`. */
  readonly url: string;
  readonly standIn: HttpStandIn;
  readonly posted: ZulipStoredMessage[];
  readonly messages: Map<number, ZulipStoredMessage>;
  /** The organization's limit on editing a message's content (Zulip's `message_content_edit_limit_seconds`). */
  setEditLimit(ms: number | undefined): void;
  failWith(answer: StandInAnswer | undefined): void;
  resetBucket(): void;
  close(): Promise<void>;
}

// zulip.com/api/send-message: content at most 10000 bytes, topic at most 60 characters.
const MAX_CONTENT = 10_000;
const MAX_TOPIC = 60;
// Zulip's default is 200 requests a minute per user; the stand-in's is smaller so that tests reach it.
const BUCKET = { limit: 8, windowMs: 2_000 };

/**
 * Zulip's REST API for a bot: `POST /api/v1/messages` (form-encoded `type`, `to`, `topic`,
 * `content`) and `PATCH /api/v1/messages/{id}` (`content`), HTTP basic auth with the bot's email
 * and API key. Answers `{"result": "success", "msg": "", "id"}`; errors as Zulip words them,
 * `{"result": "error", "msg", "code"}`: 401 INVALID_API_KEY, 400 REQUEST_VARIABLE_MISSING,
 * STREAM_DOES_NOT_EXIST, BAD_REQUEST (a topic over 60 characters, content over 10,000 bytes, an
 * edit past the edit limit or of an unknown message); 429 RATE_LIMIT_HIT with Retry-After and
 * `retry-after` in the body.
 */
export async function startFakeZulip(): Promise<FakeZulip> {
  const posted: ZulipStoredMessage[] = [];
  const messages = new Map<number, ZulipStoredMessage>();
  let failure: StandInAnswer | undefined;
  let editLimitMs: number | undefined;
  let window: number[] = [];
  let next = 4200;
  const standIn = await startHttpStandIn((request) => {
    if (failure) return failure;
    window = window.filter((at) => at > request.at - BUCKET.windowMs);
    if (window.length >= BUCKET.limit) {
      const seconds = ((window[0] ?? request.at) + BUCKET.windowMs - request.at) / 1000;
      return {
        status: 429,
        headers: { 'retry-after': String(Math.ceil(seconds)), 'x-ratelimit-limit': String(BUCKET.limit), 'x-ratelimit-remaining': '0' },
        body: { result: 'error', msg: 'API usage exceeded rate limit', code: 'RATE_LIMIT_HIT', 'retry-after': seconds },
      };
    }
    window.push(request.at);
    return answer(request);
  });

  function answer(request: RecordedRequest): StandInAnswer {
    const path = request.url.split('?')[0] ?? '';
    const editing = /^\/api\/v1\/messages\/(\d+)$/.exec(path)?.[1];
    if (path !== '/api/v1/messages' && editing === undefined) return zulipError(404, 'Endpoint does not exist.', 'BAD_REQUEST');
    if ((editing === undefined && request.method !== 'POST') || (editing !== undefined && request.method !== 'PATCH'))
      return zulipError(405, 'Method Not Allowed', 'BAD_REQUEST');
    const expected = `Basic ${Buffer.from(`${ZULIP_BOT}:${ZULIP_KEY}`).toString('base64')}`;
    if (request.headers.authorization === undefined) return zulipError(401, 'Missing authorization header', 'UNAUTHORIZED');
    if (request.headers.authorization !== expected) return zulipError(401, 'Invalid API key', 'INVALID_API_KEY');
    // Zulip reads form fields; a JSON body leaves every argument missing.
    const form = String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
      ? new URLSearchParams(request.body)
      : new URLSearchParams();
    const content = form.get('content');
    if (editing !== undefined) {
      const message = messages.get(Number(editing));
      if (!message) return zulipError(400, 'Invalid message(s)', 'BAD_REQUEST');
      if (editLimitMs !== undefined && request.at - message.at > editLimitMs)
        return zulipError(400, 'The time limit for editing this message has passed', 'BAD_REQUEST');
      if (content === null) return zulipError(400, 'Nothing to change', 'BAD_REQUEST');
      const refused = contentProblem(content);
      if (refused) return refused;
      message.content = content;
      message.edits++;
      return { status: 200, body: { result: 'success', msg: '', detached_uploads: [] } };
    }
    for (const name of ['type', 'to', 'content'])
      if (form.get(name) === null)
        return {
          status: 400,
          body: { result: 'error', msg: `Missing '${name}' argument`, code: 'REQUEST_VARIABLE_MISSING', var_name: name },
        };
    const type = form.get('type') ?? '';
    if (type !== 'stream' && type !== 'channel') return zulipError(400, 'Invalid message type', 'BAD_REQUEST');
    const stream = form.get('to') ?? '';
    if (stream !== ZULIP_STREAM)
      return { status: 400, body: { result: 'error', msg: `Channel '${stream}' does not exist`, code: 'STREAM_DOES_NOT_EXIST', stream } };
    const topic = form.get('topic') ?? '';
    if (topic.trim() === '') return zulipError(400, 'Missing topic', 'BAD_REQUEST');
    if ([...topic].length > MAX_TOPIC) return zulipError(400, `Topic too long (limit: ${MAX_TOPIC} characters)`, 'BAD_REQUEST');
    const refused = contentProblem(content ?? '');
    if (refused) return refused;
    const message: ZulipStoredMessage = { id: next++, stream, topic, content: content ?? '', at: request.at, edits: 0 };
    posted.push(message);
    messages.set(message.id, message);
    return { status: 200, body: { result: 'success', msg: '', id: message.id, automatic_new_visibility_policy: 2 } };
  }

  return {
    url: standIn.url,
    standIn,
    posted,
    messages,
    setEditLimit(ms) {
      editLimitMs = ms;
    },
    failWith(answerWith) {
      failure = answerWith;
    },
    resetBucket() {
      window = [];
    },
    close: () => standIn.close(),
  };
}

function contentProblem(content: string): StandInAnswer | undefined {
  if (content.trim() === '') return zulipError(400, 'Message must not be empty', 'BAD_REQUEST');
  if (Buffer.byteLength(content) > MAX_CONTENT) return zulipError(400, `Message too long (limit: ${MAX_CONTENT} bytes)`, 'BAD_REQUEST');
  return undefined;
}

export function zulipError(status: number, msg: string, code: string): StandInAnswer {
  return { status, body: { result: 'error', msg, code } };
}
