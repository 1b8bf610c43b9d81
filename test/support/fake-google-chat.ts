import { startHttpStandIn, type HttpStandIn, type RecordedRequest, type StandInAnswer } from './http-stand-in.js';

type Json = Record<string, unknown>;

export interface GoogleChatPost {
  readonly message: Json;
  /** The thread the message went to: the same name for the same `threadKey` when replies are asked for. */
  readonly thread: string;
  readonly replyOption: string | null;
  readonly at: number;
}

export interface FakeGoogleChat {
  /** A space's webhook URL, with its `key` and `token`. */
  readonly url: string;
  readonly standIn: HttpStandIn;
  readonly accepted: GoogleChatPost[];
  failWith(answer: StandInAnswer | undefined): void;
  close(): Promise<void>;
}

const SPACE = 'AAAAbbbbCCC';
const KEY = 'AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI';
const TOKEN = 'gChAtToKeN-cccccccccccccccccccccccccccccccccccc';
const MESSAGE_FIELDS = new Set(['text', 'cardsV2', 'thread', 'fallbackText', 'accessoryWidgets', 'privateMessageViewer']);
// About one write a second per space (developers.google.com/workspace/chat/limits), counted per minute.
const PER_MINUTE = 60;

function googleError(code: number, status: string, message: string): StandInAnswer {
  return { status: code, body: { error: { code, message, status } } };
}

/**
 * A Google Chat space's incoming webhook (`POST /v1/spaces/{space}/messages?key=…&token=…`),
 * checking as Google does: 401 UNAUTHENTICATED for a wrong token, 400 INVALID_ARGUMENT for a body
 * that is not JSON, an unknown field, a card without sections or widgets, or over 32,000 bytes;
 * 429 RESOURCE_EXHAUSTED past 60 writes a minute. A message with `thread.threadKey` joins that
 * key's thread only when `messageReplyOption` asks for a reply; otherwise it starts a new one.
 */
export async function startFakeGoogleChat(): Promise<FakeGoogleChat> {
  const accepted: GoogleChatPost[] = [];
  const threads = new Map<string, string>();
  let failure: StandInAnswer | undefined;
  let writes: number[] = [];
  const standIn = await startHttpStandIn((request) => {
    if (failure) return failure;
    const url = new URL(request.url, 'http://x');
    if (request.method !== 'POST' || url.pathname !== `/v1/spaces/${SPACE}/messages`)
      return googleError(404, 'NOT_FOUND', 'Requested entity was not found.');
    if (url.searchParams.get('key') !== KEY || url.searchParams.get('token') !== TOKEN)
      return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    writes = writes.filter((at) => at > request.at - 60_000);
    if (writes.length >= PER_MINUTE) return googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).');
    writes.push(request.at);
    return check(request, url.searchParams.get('messageReplyOption'), threads, accepted);
  });
  return {
    url: `${standIn.url}/v1/spaces/${SPACE}/messages?key=${KEY}&token=${TOKEN}`,
    standIn,
    accepted,
    failWith(answer) {
      failure = answer;
    },
    close: () => standIn.close(),
  };
}

function check(
  request: RecordedRequest,
  replyOption: string | null,
  threads: Map<string, string>,
  accepted: GoogleChatPost[],
): StandInAnswer {
  if (!String(request.headers['content-type'] ?? '').startsWith('application/json'))
    return googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
  let message: Json;
  try {
    message = JSON.parse(request.body) as Json;
  } catch {
    return googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received. Unexpected token.');
  }
  if (Buffer.byteLength(request.body) > 32_000) return googleError(400, 'INVALID_ARGUMENT', 'Message is too large.');
  const unknown = Object.keys(message).find((key) => !MESSAGE_FIELDS.has(key));
  if (unknown) return googleError(400, 'INVALID_ARGUMENT', `Invalid JSON payload received. Unknown name "${unknown}": Cannot find field.`);
  const cards = (message.cardsV2 ?? []) as Array<{ cardId?: unknown; card?: { sections?: Array<{ widgets?: unknown[] }> } }>;
  if (!message.text && cards.length === 0) return googleError(400, 'INVALID_ARGUMENT', 'Message cannot be empty.');
  for (const card of cards) {
    if (typeof card.cardId !== 'string' || !card.card || !Array.isArray(card.card.sections) || card.card.sections.length === 0)
      return googleError(400, 'INVALID_ARGUMENT', 'Invalid card: a card needs a cardId and at least one section.');
    if (card.card.sections.some((section) => !Array.isArray(section.widgets) || section.widgets.length === 0))
      return googleError(400, 'INVALID_ARGUMENT', 'Invalid card: a section needs at least one widget.');
  }
  const key = (message.thread as { threadKey?: string } | undefined)?.threadKey;
  const replies = replyOption === 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD' || replyOption === 'REPLY_MESSAGE_OR_FAIL';
  let thread = `spaces/${SPACE}/threads/t${accepted.length + 1}`;
  if (key && replies) {
    thread = threads.get(key) ?? thread;
    threads.set(key, thread);
  }
  accepted.push({ message, thread, replyOption, at: request.at });
  return {
    status: 200,
    body: { name: `spaces/${SPACE}/messages/m${accepted.length}`, thread: { name: thread, ...(key ? { threadKey: key } : {}) } },
  };
}
