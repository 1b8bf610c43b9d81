import { parseEntitiesAsTelegram } from './telegram-entities.js';
import { startHttpStandIn, type HttpStandIn, type RecordedRequest, type StandInAnswer } from './http-stand-in.js';

/** A message as the stand-in keeps it: what the reader sees, and how it was sent. */
export interface TelegramMessage {
  readonly messageId: number;
  readonly chatId: number;
  readonly threadId: number | undefined;
  /** The text as sent, and as Telegram shows it after parsing its entities. */
  text: string;
  visible: string;
  parseMode: string | undefined;
  readonly replyTo: number | undefined;
  readonly silent: boolean;
  readonly params: Record<string, unknown>;
  edits: number;
}

export interface FakeTelegram {
  /** The `api_url` to configure. */
  readonly url: string;
  readonly token: string;
  readonly chatId: number;
  /** A topic of the forum group `chatId`. */
  readonly threadId: number;
  /** A chat whose user blocked the bot. */
  readonly blockedChatId: number;
  readonly standIn: HttpStandIn;
  /** Every message, by id, as it is now. */
  readonly messages: Map<number, TelegramMessage>;
  /** Calls answered `ok: true`, in order. */
  readonly calls: { method: string; params: Record<string, unknown>; at: number }[];
  /** The next `count` calls are answered 429 with `retry_after` seconds, as a flood limit does. */
  throttle(seconds: number, count?: number): void;
  /** Every call is answered this way until cleared. */
  failWith(answer: StandInAnswer | undefined): void;
  /** The next call of `method` (once its token and chat are checked) is answered this way, once. */
  failNext(method: string, answer: StandInAnswer): void;
  /** Forgets the flood limit's recent messages, as a few quiet seconds would. */
  resetFlood(): void;
  /** The message is deleted in the chat: editing it fails from now on. */
  deleteMessage(id: number): void;
  close(): Promise<void>;
}

const TOKEN = '7012345678:AAFakeTelegramBotTokenForTests_01234';
const CHAT_ID = -1001234567890;
const THREAD_ID = 42;
const BLOCKED_CHAT_ID = 5550001;
// Telegram: about one message a second per chat (core.telegram.org/bots/faq); this stand-in
// allows a short burst of 5 in one second, then answers 429 as Telegram's flood control does.
const FLOOD = { messages: 5, windowMs: 1_000 };
const TEXT_LIMIT = 4_096;

const fail = (code: number, description: string, parameters?: object): StandInAnswer => ({
  status: code,
  body: { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) },
});

/**
 * The Bot API's `sendMessage` and `editMessageText`, and `getMe` and `getChat` that start-up asks
 * (`POST /bot{token}/{method}`, a JSON body), checked
 * as Telegram checks them and answered as it answers: `{ok: true, result}`, or `{ok: false,
 * error_code, description, parameters?}`: 404 `Not Found` for a malformed token or an unknown
 * method, 401 `Unauthorized` for a token it does not know, 400 for a missing chat_id, an unknown
 * chat or topic, an empty text, HTML it cannot parse, a text over 4,096 characters after parsing,
 * a message to edit or reply to that is not there, an edit that changes nothing; 403 for a chat
 * that blocked the bot; 429 with `parameters.retry_after` (and no Retry-After header) past its flood limit.
 */
export async function startFakeTelegram(): Promise<FakeTelegram> {
  const messages = new Map<number, TelegramMessage>();
  const calls: FakeTelegram['calls'] = [];
  let nextId = 100;
  let throttled: { seconds: number; count: number } | undefined;
  let failure: StandInAnswer | undefined;
  const failNext = new Map<string, StandInAnswer>();
  let recent: number[] = [];

  const standIn = await startHttpStandIn((request) => {
    const route = /^\/bot([^/]*)\/([A-Za-z]+)$/.exec(request.url.split('?')[0] ?? '');
    if (!route || !/^\d+:[\w-]{30,}$/.test(route[1] ?? '')) return fail(404, 'Not Found');
    if (route[1] !== TOKEN) return fail(401, 'Unauthorized');
    const method = route[2] as string;
    if (!['sendMessage', 'editMessageText', 'getMe', 'getChat'].includes(method)) return fail(404, 'Not Found: method not found');
    if (failure) return failure;
    if (method === 'getMe') return ok({ id: 7012345678, is_bot: true, first_name: 'alertpipe', username: 'alertpipe_test_bot' });
    // A body Telegram cannot read as JSON carries no parameters at all.
    const params = jsonParams(request);
    const chatId = params.chat_id;
    if (chatId === undefined || chatId === '') return fail(400, 'Bad Request: chat_id is empty');
    if (Number(chatId) === BLOCKED_CHAT_ID) return fail(403, 'Forbidden: bot was blocked by the user');
    if (Number(chatId) !== CHAT_ID) return fail(400, 'Bad Request: chat not found');
    if (method === 'getChat') return ok({ id: CHAT_ID, type: 'supergroup', title: 'On-call', is_forum: true });
    if (throttled && throttled.count > 0) {
      throttled.count -= 1;
      return fail(429, `Too Many Requests: retry after ${throttled.seconds}`, { retry_after: throttled.seconds });
    }
    recent = recent.filter((at) => at > request.at - FLOOD.windowMs);
    if (recent.length >= FLOOD.messages) {
      const wait = Math.max(1, Math.ceil(((recent[0] ?? request.at) + FLOOD.windowMs - request.at) / 1000));
      return fail(429, `Too Many Requests: retry after ${wait}`, { retry_after: wait });
    }
    const once = failNext.get(method);
    if (once) {
      failNext.delete(method);
      return once;
    }
    const answer = method === 'sendMessage' ? send(params) : edit(params);
    if (answer.status === 200) {
      recent.push(request.at);
      calls.push({ method, params, at: request.at });
    }
    return answer;
  });

  function checkText(params: Record<string, unknown>): { visible: string } | StandInAnswer {
    const text = typeof params.text === 'string' ? params.text : '';
    const mode = params.parse_mode;
    if (mode !== undefined && mode !== '' && !['HTML', 'MarkdownV2', 'Markdown'].includes(String(mode)))
      return fail(400, 'Bad Request: unsupported parse_mode');
    let visible = text;
    if (mode === 'HTML') {
      const parsed = parseEntitiesAsTelegram(text);
      if ('error' in parsed) return fail(400, `Bad Request: can't parse entities: ${parsed.error}`);
      visible = parsed.text;
    }
    visible = visible.trim();
    if (visible === '') return fail(400, 'Bad Request: message text is empty');
    if (visible.length > TEXT_LIMIT) return fail(400, 'Bad Request: message is too long');
    return { visible };
  }

  function send(params: Record<string, unknown>): StandInAnswer {
    const thread = params.message_thread_id;
    if (thread !== undefined && thread !== THREAD_ID) return fail(400, 'Bad Request: message thread not found');
    const checked = checkText(params);
    if (!('visible' in checked)) return checked;
    const reply = params.reply_parameters as { message_id?: unknown; allow_sending_without_reply?: unknown } | undefined;
    const replyTo = typeof reply?.message_id === 'number' ? reply.message_id : undefined;
    if (replyTo !== undefined && !messages.has(replyTo) && reply?.allow_sending_without_reply !== true)
      return fail(400, 'Bad Request: message to be replied not found');
    const message: TelegramMessage = {
      messageId: nextId++,
      chatId: CHAT_ID,
      threadId: typeof thread === 'number' ? thread : undefined,
      text: String(params.text),
      visible: checked.visible,
      parseMode: typeof params.parse_mode === 'string' ? params.parse_mode : undefined,
      replyTo,
      silent: params.disable_notification === true,
      params,
      edits: 0,
    };
    messages.set(message.messageId, message);
    return ok({
      message_id: message.messageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: CHAT_ID, type: 'supergroup' },
      text: message.visible,
    });
  }

  function edit(params: Record<string, unknown>): StandInAnswer {
    if (params.message_id === undefined) return fail(400, 'Bad Request: message identifier is not specified');
    const message = messages.get(Number(params.message_id));
    if (!message) return fail(400, 'Bad Request: message to edit not found');
    const checked = checkText(params);
    if (!('visible' in checked)) return checked;
    if (message.text === params.text && message.parseMode === params.parse_mode)
      return fail(
        400,
        'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    message.text = String(params.text);
    message.visible = checked.visible;
    message.parseMode = typeof params.parse_mode === 'string' ? params.parse_mode : undefined;
    message.edits += 1;
    return ok({ message_id: message.messageId, chat: { id: CHAT_ID, type: 'supergroup' }, text: message.visible, edit_date: 1 });
  }

  return {
    url: standIn.url,
    token: TOKEN,
    chatId: CHAT_ID,
    threadId: THREAD_ID,
    blockedChatId: BLOCKED_CHAT_ID,
    standIn,
    messages,
    calls,
    throttle(seconds, count = 1) {
      throttled = { seconds, count };
    },
    failWith(answer) {
      failure = answer;
    },
    failNext(method, answer) {
      failNext.set(method, answer);
    },
    resetFlood() {
      recent = [];
    },
    deleteMessage(id) {
      messages.delete(id);
    },
    close: () => standIn.close(),
  };
}

function ok(result: object): StandInAnswer {
  return { status: 200, body: { ok: true, result } };
}

function jsonParams(request: RecordedRequest): Record<string, unknown> {
  if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) return {};
  try {
    const parsed: unknown = JSON.parse(request.body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
