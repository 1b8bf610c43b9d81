import { randomBytes } from 'node:crypto';
import { jsonObjectBody, startHttpStandIn, type HttpStandIn, type StandInAnswer } from './http-stand-in.js';

export interface RocketAttachment {
  color?: string;
  title?: string;
  title_link?: string;
  text?: string;
  fields?: Array<{ short?: boolean; title?: string; value?: string }>;
  image_url?: string;
  thumb_url?: string;
  actions?: Array<{ type?: string; text?: string; url?: string; msg?: string }>;
}

/** A message in a room, as it shows now. */
export interface RocketMessage {
  readonly _id: string;
  rid: string;
  msg: string;
  emoji?: string;
  avatar?: string;
  attachments: RocketAttachment[];
  edits: number;
  deleted: boolean;
}

export interface FakeRocketChat {
  readonly url: string;
  readonly token: string;
  readonly userId: string;
  /** `#alerts`, the room `ALERTSROOMID000000`, which the token's user may post in. */
  readonly roomId: string;
  readonly standIn: HttpStandIn;
  readonly messages: RocketMessage[];
  /** Allows `limit` calls per `windowMs` per endpoint from now on (Rocket.Chat's default: 10 a minute). */
  setRateLimit(limit: number, windowMs: number): void;
  failWith(answer: StandInAnswer | undefined): void;
  deleteMessage(id: string): void;
  close(): Promise<void>;
}

const TOKEN = 'rOcKeTcHaTpErSoNaLtOkEn0000000000000000000';
const USER_ID = 'rOcKeTuSeRiD00000';
const ROOM = 'ALERTSROOMID000000';
// Message_MaxAllowedSize, 5,000 characters unless an admin changes it.
const MAX_TEXT = 5_000;

const failure = (status: number, error: string, errorType?: string): StandInAnswer => ({
  status,
  body: { success: false, error, ...(errorType ? { errorType } : {}) },
});
const newId = (): string => randomBytes(9).toString('base64url').slice(0, 17);

/**
 * A Rocket.Chat server's REST API: `POST /api/v1/chat.postMessage` and `POST /api/v1/chat.update`
 * with `X-Auth-Token` and `X-User-Id` (401 `You must be logged in to do this.` otherwise),
 * answering `{success: true, message: {_id, rid, …}}`, or 400 `{success: false, error}` for an
 * unknown room, a text past 5,000 characters, a body whose fields have the wrong types, or an
 * update of a message that is not there (or not in that room). Past its rate limit (per endpoint):
 * 429 `error-too-many-requests` with `X-RateLimit-Reset` in epoch milliseconds and no Retry-After.
 */
export async function startFakeRocketChat(): Promise<FakeRocketChat> {
  const messages: RocketMessage[] = [];
  let fail: StandInAnswer | undefined;
  let bucket = { limit: 10, windowMs: 60_000 };
  let calls = new Map<string, number[]>();
  const standIn = await startHttpStandIn((request) => {
    if (fail) return fail;
    const path = request.url.split('?')[0] ?? '';
    if (request.headers['x-auth-token'] !== TOKEN || request.headers['x-user-id'] !== USER_ID)
      return { status: 401, body: { status: 'error', message: 'You must be logged in to do this.' } };
    const recent = (calls.get(path) ?? []).filter((at) => at > request.at - bucket.windowMs);
    if (recent.length >= bucket.limit) {
      const reset = (recent[0] ?? request.at) + bucket.windowMs;
      const seconds = Math.ceil((reset - request.at) / 1000);
      return {
        ...failure(
          429,
          `Error, too many requests. Please slow down. You must wait ${seconds} seconds before trying this endpoint again. [error-too-many-requests]`,
          'error-too-many-requests',
        ),
        headers: { 'x-ratelimit-limit': String(bucket.limit), 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      };
    }
    calls.set(path, [...recent, request.at]);
    if (request.method !== 'POST') return { status: 404, body: { success: false, error: 'Not Found' } };
    const body = jsonObjectBody(request);
    if (!body) return failure(400, 'Match error: Expected object, got undefined');
    if (path === '/api/v1/chat.postMessage') return post(body, messages);
    if (path === '/api/v1/chat.update') return update(body, messages);
    return { status: 404, body: { success: false, error: 'Not Found' } };
  });
  return {
    url: standIn.url,
    token: TOKEN,
    userId: USER_ID,
    roomId: ROOM,
    standIn,
    messages,
    setRateLimit(limit, windowMs) {
      bucket = { limit, windowMs };
      calls = new Map();
    },
    failWith(answer) {
      fail = answer;
    },
    deleteMessage(id) {
      const found = messages.find((m) => m._id === id);
      if (found) found.deleted = true;
    },
    close: () => standIn.close(),
  };
}

/** The attachments' shape as the server's check has it; the first field of the wrong type. */
export function badAttachments(attachments: unknown): string | undefined {
  if (attachments === undefined) return undefined;
  if (!Array.isArray(attachments)) return 'Match error: Expected array, got object in field attachments';
  for (const [i, a] of (attachments as Record<string, unknown>[]).entries()) {
    for (const key of ['color', 'title', 'title_link', 'text', 'image_url', 'thumb_url'])
      if (a[key] !== undefined && typeof a[key] !== 'string') return `Match error: Expected string in field attachments[${i}].${key}`;
    for (const [f, field] of ((a.fields ?? []) as Record<string, unknown>[]).entries())
      if (typeof field.title !== 'string' || typeof field.value !== 'string')
        return `Match error: Expected string in field attachments[${i}].fields[${f}]`;
  }
  return undefined;
}

function roomOf(channel: unknown, roomId: unknown): string | undefined {
  if (roomId === ROOM || channel === ROOM || channel === '#alerts') return ROOM;
  return undefined;
}

function post(body: Record<string, unknown>, messages: RocketMessage[]): StandInAnswer {
  if (body.channel === undefined && body.roomId === undefined) return failure(400, 'Body param "channel" or "roomId" is required');
  const rid = roomOf(body.channel, body.roomId);
  if (!rid) return failure(400, '[invalid-channel]', 'invalid-channel');
  const text = typeof body.text === 'string' ? body.text : '';
  if (text.length > MAX_TEXT)
    return failure(400, 'Message size exceeds the allowed limit [error-message-size-exceeded]', 'error-message-size-exceeded');
  const bad = badAttachments(body.attachments);
  if (bad) return failure(400, bad);
  const message: RocketMessage = {
    _id: newId(),
    rid,
    msg: text,
    ...(typeof body.emoji === 'string' ? { emoji: body.emoji } : {}),
    ...(typeof body.avatar === 'string' ? { avatar: body.avatar } : {}),
    attachments: (body.attachments ?? []) as RocketAttachment[],
    edits: 0,
    deleted: false,
  };
  messages.push(message);
  return { status: 200, body: { ts: Date.now(), channel: String(body.channel ?? rid), message: presented(message), success: true } };
}

function update(body: Record<string, unknown>, messages: RocketMessage[]): StandInAnswer {
  for (const key of ['roomId', 'msgId', 'text'])
    if (typeof body[key] !== 'string') return failure(400, `Match error: Missing key '${key}'`);
  const found = messages.find((m) => m._id === body.msgId && !m.deleted);
  if (!found) return failure(400, `No message found with the id of "${String(body.msgId)}".`);
  if (found.rid !== body.roomId) return failure(400, 'The room id provided does not match where the message is from.');
  const text = body.text as string;
  if (text.length > MAX_TEXT)
    return failure(400, 'Message size exceeds the allowed limit [error-message-size-exceeded]', 'error-message-size-exceeded');
  const bad = badAttachments(body.attachments);
  if (bad) return failure(400, bad);
  found.msg = text;
  if (body.attachments !== undefined) found.attachments = body.attachments as RocketAttachment[];
  found.edits += 1;
  return { status: 200, body: { message: presented(found), success: true } };
}

function presented(message: RocketMessage): object {
  const now = new Date().toISOString();
  return {
    _id: message._id,
    rid: message.rid,
    msg: message.msg,
    ts: now,
    u: { _id: USER_ID, username: 'alertpipe' },
    attachments: message.attachments,
    _updatedAt: now,
  };
}
