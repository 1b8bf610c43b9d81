import { startHttpStandIn, type HttpStandIn, type RecordedRequest, type StandInAnswer } from './http-stand-in.js';

export const WEBEX_TOKEN = 'WeBeXbOtToKeN-0123456789abcdefghijklmnopqrstuvwxyz';
export const WEBEX_ROOM = 'Y2lzY29zcGFyazovL3VzL1JPT00vYWxlcnRz';

export interface WebexStoredMessage {
  readonly id: string;
  readonly roomId: string;
  markdown: string;
  edits: number;
}

export interface FakeWebex {
  /** The messages endpoint, as `api_url`. */
  readonly url: string;
  readonly standIn: HttpStandIn;
  /** Every message posted, in order, as the room shows it now. */
  readonly posted: WebexStoredMessage[];
  readonly messages: Map<string, WebexStoredMessage>;
  failWith(answer: StandInAnswer | undefined): void;
  resetBucket(): void;
  close(): Promise<void>;
}

// Webex publishes no figure for the Messages API; the stand-in's bucket is small so that tests reach it.
const BUCKET = { limit: 5, windowMs: 2_000 };
// developer.webex.com/docs/api/v1/messages: 7439 bytes per message, 10 edits per message.
const MAX_BYTES = 7_439;
const MAX_EDITS = 10;

/**
 * Webex's Messages API as a bot meets it: `POST /v1/messages` and `PUT /v1/messages/{id}`, Bearer
 * token, JSON with `roomId` and `markdown`; answers 200 with the message, and Webex's error body
 * (`{message, errors: [{description}], trackingId}`) for a wrong token (401), an unknown room or
 * message (404), a message over 7,439 bytes or an 11th edit (400); 429 with Retry-After past its bucket.
 */
export async function startFakeWebex(): Promise<FakeWebex> {
  const posted: WebexStoredMessage[] = [];
  const messages = new Map<string, WebexStoredMessage>();
  let failure: StandInAnswer | undefined;
  let window: number[] = [];
  let next = 1;
  const standIn = await startHttpStandIn((request) => {
    if (failure) return failure;
    window = window.filter((at) => at > request.at - BUCKET.windowMs);
    if (window.length >= BUCKET.limit) {
      const seconds = Math.ceil(((window[0] ?? request.at) + BUCKET.windowMs - request.at) / 1000);
      return { status: 429, headers: { 'retry-after': String(seconds) }, body: webexError('Too Many Requests') };
    }
    window.push(request.at);
    return answer(request);
  });

  function answer(request: RecordedRequest): StandInAnswer {
    const path = request.url.split('?')[0] ?? '';
    const editing = path.startsWith('/v1/messages/') ? decodeURIComponent(path.slice('/v1/messages/'.length)) : undefined;
    if (path !== '/v1/messages' && editing === undefined)
      return { status: 404, body: webexError('The requested resource could not be found.') };
    if ((editing === undefined && request.method !== 'POST') || (editing !== undefined && request.method !== 'PUT'))
      return { status: 405, body: webexError('The requested method is not allowed.') };
    if (request.headers.authorization !== `Bearer ${WEBEX_TOKEN}`)
      return { status: 401, body: webexError('The request requires a valid access token set in the Authorization request header.') };
    if (!String(request.headers['content-type'] ?? '').startsWith('application/json'))
      return { status: 415, body: webexError('The request has an unsupported content type.') };
    let body: { roomId?: unknown; markdown?: unknown; text?: unknown };
    try {
      body = JSON.parse(request.body) as typeof body;
    } catch {
      return { status: 400, body: webexError('The request could not be understood by the server due to malformed syntax.') };
    }
    if (typeof body.roomId !== 'string' || body.roomId === '') return { status: 400, body: webexError('roomId is required.') };
    if (body.roomId !== WEBEX_ROOM) return { status: 404, body: webexError('Could not find a room with provided ID.') };
    const markdown = typeof body.markdown === 'string' ? body.markdown : typeof body.text === 'string' ? body.text : '';
    if (markdown.trim() === '') return { status: 400, body: webexError('Message must contain text, markdown or a file.') };
    if (Buffer.byteLength(markdown) > MAX_BYTES)
      return { status: 400, body: webexError(`Message exceeds the maximum length of ${MAX_BYTES} bytes.`) };
    if (editing !== undefined) {
      const message = messages.get(editing);
      if (!message) return { status: 404, body: webexError('Unable to find the message.') };
      if (message.roomId !== body.roomId) return { status: 400, body: webexError('roomId does not match the message.') };
      if (message.edits >= MAX_EDITS) return { status: 400, body: webexError('Edit limit reached for this message.') };
      message.markdown = markdown;
      message.edits++;
      return { status: 200, body: shown(message) };
    }
    const message: WebexStoredMessage = { id: `Y2lzY29zcGFyazovL3VzL01FU1NBR0UvbXNn${next++}`, roomId: body.roomId, markdown, edits: 0 };
    posted.push(message);
    messages.set(message.id, message);
    return { status: 200, body: shown(message) };
  }

  return {
    url: `${standIn.url}/v1/messages`,
    standIn,
    posted,
    messages,
    failWith(next) {
      failure = next;
    },
    resetBucket() {
      window = [];
    },
    close: () => standIn.close(),
  };
}

function shown(message: WebexStoredMessage) {
  return {
    id: message.id,
    roomId: message.roomId,
    roomType: 'group',
    markdown: message.markdown,
    text: message.markdown,
    personEmail: 'alertpipe@webex.bot',
    created: new Date().toISOString(),
    ...(message.edits > 0 ? { updated: new Date().toISOString() } : {}),
  };
}

export function webexError(message: string) {
  return { message, errors: [{ description: message }], trackingId: 'ROUTER_0123456789ABCDEF' };
}
