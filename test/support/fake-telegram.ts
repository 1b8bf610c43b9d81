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
  /** The inline keyboard it shows now (an edit without one removes it). */
  replyMarkup: InlineKeyboard | undefined;
}

export interface InlineKeyboard {
  readonly inline_keyboard: readonly (readonly { readonly text: string; readonly callback_data?: string }[])[];
}

/** A photo posted with sendPhoto (multipart/form-data), as the stand-in read it. */
export interface TelegramPhoto {
  readonly messageId: number;
  readonly replyTo: number | undefined;
  readonly caption: string;
  readonly png: Buffer;
  readonly silent: boolean;
}

/** A Telegram user pressing a button. */
export interface TelegramUser {
  readonly id: number;
  readonly first_name: string;
  readonly last_name?: string;
  readonly username?: string;
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
  /** What `setWebhook` registered, if anything. */
  readonly webhook: () => { readonly url: string; readonly secretToken: string | undefined; readonly allowedUpdates: unknown } | undefined;
  /**
   * `from` presses the message's first button (or sends `data` as a modified client can): the
   * update is delivered to `deliverTo` (the address behind the registered HTTPS webhook URL,
   * as a proxy would forward it) with the registered secret token; resolves with alertpipe's
   * answer and the query's id.
   */
  press(
    messageId: number,
    from: TelegramUser,
    deliverTo: string,
    options?: { data?: string; secretToken?: string },
  ): Promise<{ status: number; queryId: string }>;
  /** Every photo sendPhoto took, in order. */
  readonly photos: TelegramPhoto[];
  /** The text each callback query was answered with (`answerCallbackQuery`), by query id. */
  readonly answers: Map<string, string | undefined>;
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
// answerCallbackQuery's text: 0-200 characters (core.telegram.org/bots/api#answercallbackquery).
const CALLBACK_ANSWER_LIMIT = 200;
// A button's callback_data: 1-64 bytes (core.telegram.org/bots/api#inlinekeyboardbutton).
const CALLBACK_DATA_LIMIT = 64;
// setWebhook: "Ports currently supported for webhooks: 443, 80, 88, 8443", HTTPS only; the secret 1-256 of A-Z a-z 0-9 _ -.
const WEBHOOK_PORTS = ['', '443', '80', '88', '8443'];
const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;
// sendPhoto: at most 10 MB, a caption of 0-1024 characters after entities parsing.
const PHOTO_BYTES = 10 * 1024 * 1024;
const CAPTION_LIMIT = 1_024;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const fail = (code: number, description: string, parameters?: object): StandInAnswer => ({
  status: code,
  body: { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) },
});

/**
 * The Bot API's `sendMessage`, `editMessageText`, `sendPhoto` (multipart, a PNG of at most 10 MB,
 * a caption of at most 1,024 characters), `setWebhook` (HTTPS on 443, 80, 88 or 8443; a
 * `secret_token` of 1-256 of A-Z a-z 0-9 _ -) and `answerCallbackQuery` (once per query, text of
 * at most 200), inline keyboards (callback_data of 1-64 bytes), and `getMe` and `getChat` that
 * start-up asks (`POST /bot{token}/{method}`, a JSON body), checked
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
  let webhook: { url: string; secretToken: string | undefined; allowedUpdates: unknown } | undefined;
  // Callback queries sent and not yet answered; Telegram accepts one answer per query.
  const pending = new Set<string>();
  const answers = new Map<string, string | undefined>();
  const photos: TelegramPhoto[] = [];
  let nextUpdate = 900_000;

  const standIn = await startHttpStandIn(async (request) => {
    const route = /^\/bot([^/]*)\/([A-Za-z]+)$/.exec(request.url.split('?')[0] ?? '');
    if (!route || !/^\d+:[\w-]{30,}$/.test(route[1] ?? '')) return fail(404, 'Not Found');
    if (route[1] !== TOKEN) return fail(401, 'Unauthorized');
    const method = route[2] as string;
    if (!['sendMessage', 'sendPhoto', 'editMessageText', 'getMe', 'getChat', 'setWebhook', 'answerCallbackQuery'].includes(method))
      return fail(404, 'Not Found: method not found');
    if (failure) return failure;
    if (method === 'getMe') return ok({ id: 7012345678, is_bot: true, first_name: 'alertpipe', username: 'alertpipe_test_bot' });
    // A body Telegram cannot read as JSON carries no parameters at all.
    const upload = method === 'sendPhoto' ? await formParams(request) : undefined;
    const params = upload?.params ?? jsonParams(request);
    if (method === 'setWebhook' || method === 'answerCallbackQuery') {
      const once = failNext.get(method);
      if (once) {
        failNext.delete(method);
        return once;
      }
      const answer = method === 'setWebhook' ? setWebhook(params) : answerCallbackQuery(params);
      if (answer.status === 200) calls.push({ method, params, at: request.at });
      return answer;
    }
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
    const answer = method === 'sendMessage' ? send(params) : method === 'sendPhoto' ? sendPhoto(params, upload?.photo) : edit(params);
    if (answer.status === 200) {
      recent.push(request.at);
      calls.push({ method, params, at: request.at });
    }
    return answer;
  });

  function sendPhoto(params: Record<string, unknown>, photo: Buffer | undefined): StandInAnswer {
    if (photo === undefined) return fail(400, 'Bad Request: there is no photo in the request');
    if (photo.length > PHOTO_BYTES) return fail(400, 'Bad Request: file is too big');
    if (!photo.subarray(0, 8).equals(PNG_MAGIC)) return fail(400, 'Bad Request: IMAGE_PROCESS_FAILED');
    const caption = typeof params.caption === 'string' ? params.caption : '';
    if (caption.length > CAPTION_LIMIT) return fail(400, 'Bad Request: message caption is too long');
    const reply = params.reply_parameters as { message_id?: unknown; allow_sending_without_reply?: unknown } | undefined;
    const replyTo = typeof reply?.message_id === 'number' ? reply.message_id : undefined;
    if (replyTo !== undefined && !messages.has(replyTo) && reply?.allow_sending_without_reply !== true)
      return fail(400, 'Bad Request: message to be replied not found');
    const messageId = nextId++;
    photos.push({ messageId, replyTo, caption, png: photo, silent: params.disable_notification === true });
    return ok({
      message_id: messageId,
      date: 1,
      chat: { id: CHAT_ID, type: 'supergroup' },
      photo: [{ file_id: `photo-${messageId}` }],
      caption,
    });
  }

  function setWebhook(params: Record<string, unknown>): StandInAnswer {
    let url: URL;
    try {
      url = new URL(String(params.url ?? ''));
    } catch {
      return fail(400, 'Bad Request: bad webhook: Failed to resolve host: Name or service not known');
    }
    if (url.protocol !== 'https:') return fail(400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
    if (!WEBHOOK_PORTS.includes(url.port))
      return fail(400, 'Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443');
    const secret = params.secret_token;
    if (secret !== undefined && (typeof secret !== 'string' || !SECRET_TOKEN.test(secret)))
      return fail(400, 'Bad Request: secret token contains unallowed characters');
    webhook = { url: url.href, secretToken: secret, allowedUpdates: params.allowed_updates };
    return { status: 200, body: { ok: true, result: true, description: 'Webhook was set' } };
  }

  function answerCallbackQuery(params: Record<string, unknown>): StandInAnswer {
    const id = params.callback_query_id;
    if (typeof id !== 'string' || id === '') return fail(400, 'Bad Request: QUERY_ID_INVALID');
    if (typeof params.text === 'string' && params.text.length > CALLBACK_ANSWER_LIMIT) return fail(400, 'Bad Request: MESSAGE_TOO_LONG');
    if (!pending.delete(id)) return fail(400, 'Bad Request: query is too old and response timeout expired or query ID is invalid');
    answers.set(id, typeof params.text === 'string' ? params.text : undefined);
    return { status: 200, body: { ok: true, result: true } };
  }

  /** An inline keyboard as Telegram checks it; `undefined` when there is none, the answer when it is refused. */
  function checkMarkup(params: Record<string, unknown>): { markup: InlineKeyboard | undefined } | StandInAnswer {
    const markup = params.reply_markup as { inline_keyboard?: unknown } | undefined;
    if (markup === undefined) return { markup: undefined };
    const rows = markup.inline_keyboard;
    if (!Array.isArray(rows) || !rows.every(Array.isArray))
      return fail(400, 'Bad Request: can\'t parse inline keyboard button: field "inline_keyboard" must be an Array of Arrays');
    for (const button of rows.flat() as { text?: unknown; callback_data?: unknown; url?: unknown }[]) {
      if (typeof button.text !== 'string' || button.text === '') return fail(400, 'Bad Request: BUTTON_TEXT_INVALID');
      if (button.callback_data === undefined && button.url === undefined)
        return fail(400, "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
      const data = button.callback_data;
      if (data !== undefined && (typeof data !== 'string' || Buffer.byteLength(data) < 1 || Buffer.byteLength(data) > CALLBACK_DATA_LIMIT))
        return fail(400, 'Bad Request: BUTTON_DATA_INVALID');
    }
    return { markup: markup as InlineKeyboard };
  }

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
    const markup = checkMarkup(params);
    if (!('markup' in markup)) return markup;
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
      replyMarkup: markup.markup,
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
    const markup = checkMarkup(params);
    if (!('markup' in markup)) return markup;
    if (
      message.text === params.text &&
      message.parseMode === params.parse_mode &&
      JSON.stringify(message.replyMarkup) === JSON.stringify(markup.markup)
    )
      return fail(
        400,
        'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    message.text = String(params.text);
    message.visible = checked.visible;
    message.parseMode = typeof params.parse_mode === 'string' ? params.parse_mode : undefined;
    message.replyMarkup = markup.markup;
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
    webhook: () => webhook,
    answers,
    photos,
    async press(messageId, from, deliverTo, options = {}) {
      const message = messages.get(messageId);
      if (!message) throw new Error(`no message ${messageId} to press a button of`);
      if (!webhook && options.secretToken === undefined) throw new Error('no webhook set: Telegram would keep the update for getUpdates');
      const data = options.data ?? message.replyMarkup?.inline_keyboard[0]?.[0]?.callback_data;
      if (data === undefined) throw new Error(`message ${messageId} has no button to press`);
      const queryId = String(4_000_000_000_000_000n + BigInt(nextUpdate));
      pending.add(queryId);
      const update = {
        update_id: nextUpdate++,
        callback_query: {
          id: queryId,
          from: { ...from, is_bot: false, language_code: 'en' },
          message: { message_id: messageId, date: 1, chat: { id: CHAT_ID, type: 'supergroup', title: 'On-call' }, text: message.visible },
          chat_instance: '-5017240000000000000',
          data,
        },
      };
      const secret = options.secretToken ?? webhook?.secretToken;
      const response = await fetch(deliverTo, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(secret === undefined ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
        body: JSON.stringify(update),
      });
      await response.arrayBuffer();
      return { status: response.status, queryId };
    },
    close: () => standIn.close(),
  };
}

function ok(result: object): StandInAnswer {
  return { status: 200, body: { ok: true, result } };
}

/**
 * A multipart/form-data upload as the Bot API reads it: every field a string (numbers and JSON
 * objects as text, which it parses), the file a part of its own. Anything else carries no parameters.
 */
async function formParams(request: RecordedRequest): Promise<{ params: Record<string, unknown>; photo: Buffer | undefined }> {
  const type = String(request.headers['content-type'] ?? '');
  if (!type.startsWith('multipart/form-data')) return { params: {}, photo: undefined };
  let form: FormData;
  try {
    form = await new Request('http://stand-in/', { method: 'POST', headers: { 'content-type': type }, body: request.raw }).formData();
  } catch {
    return { params: {}, photo: undefined };
  }
  const params: Record<string, unknown> = {};
  let photo: Buffer | undefined;
  for (const [key, value] of form.entries()) {
    if (typeof value !== 'string') {
      if (key === 'photo') photo = Buffer.from(await value.arrayBuffer());
      continue;
    }
    params[key] = /^-?\d+$/.test(value) ? Number(value) : /^[{[]/.test(value) ? JSON.parse(value) : value === 'true' ? true : value;
  }
  return { params, photo };
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
