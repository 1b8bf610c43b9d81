import { VERSION } from '../../lib/version.js';
import { ACTION_RESPONSE_LIMIT, outboundRequest } from '../../outbound/outbound-request.js';
import { ActionError, isRetryableStatus, parseRetryAfter } from '../action-error.js';
import { toActionError } from '../http-post.js';

/** The Bot API's own address; `api_url` points elsewhere (a local Bot API server, a proxy, a stand-in). */
export const TELEGRAM_API_URL = 'https://api.telegram.org';

/** An answer of the Bot API: `{ok: true, result}` or `{ok: false, error_code, description, parameters?}`. */
interface BotApiAnswer {
  readonly ok?: unknown;
  readonly result?: unknown;
  readonly error_code?: unknown;
  readonly description?: unknown;
  readonly parameters?: { readonly retry_after?: unknown; readonly migrate_to_chat_id?: unknown };
}

/** A Bot API call that answered `ok: false`; `description` is Telegram's own words, which callers test. */
export class TelegramApiError extends ActionError {
  readonly description: string;

  constructor(message: string, description: string, options: { retryable: boolean; status: number; retryAfterMs?: number }) {
    super(message, options);
    this.name = 'TelegramApiError';
    this.description = description;
  }
}

/** A file sent with a method (`sendPhoto`'s `photo`): multipart/form-data, as the Bot API takes uploads. */
export interface TelegramUpload {
  readonly field: string;
  readonly filename: string;
  readonly contentType: string;
  readonly content: Buffer;
}

export interface TelegramApi {
  /** Calls a Bot API method with a JSON body and returns its `result`. */
  call(method: string, params: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<unknown>;
  /** Calls a method with a file: the other parameters as form fields (objects as JSON), the file as a part. */
  upload(method: string, params: Readonly<Record<string, unknown>>, file: TelegramUpload, signal: AbortSignal): Promise<unknown>;
}

// What a person must change for these; no retry helps until then.
const ADVICE: Readonly<Record<number, string>> = {
  401: 'the bot token is not valid: copy it again from @BotFather',
  403: 'the bot may not post in this chat (blocked by the user, removed from the group, or not an admin of the channel)',
  404: 'no such bot: the token is malformed, or api_url does not point at a Bot API',
};

/**
 * The Bot API over the shared outbound layer: `POST {api_url}/bot{token}/{method}` with a JSON
 * body. The token is in the path, so no error here names the URL (the action scrubs it from the
 * answers it quotes too). Retries are left to delivery: 429 waits `parameters.retry_after`
 * seconds (Telegram's hint, in the body), 5xx and network errors are retried, other 4xx are not.
 */
export function createTelegramApi(options: { apiUrl: string; token: string; timeoutMs: number }): TelegramApi {
  const base = `${options.apiUrl.replace(/\/+$/, '')}/bot${options.token}`;
  async function post(method: string, body: string | Buffer, contentType: string, signal: AbortSignal): Promise<unknown> {
    const destination = `Telegram ${method}`;
    let response;
    try {
      response = await outboundRequest({
        url: `${base}/${method}`,
        method: 'POST',
        body,
        headers: { 'Content-Type': contentType, 'User-Agent': `alertpipe/${VERSION}` },
        destination,
        timeoutMs: options.timeoutMs,
        maxResponseBytes: ACTION_RESPONSE_LIMIT,
        signal,
      });
    } catch (error) {
      throw toActionError(destination, error);
    }
    let answer: BotApiAnswer | undefined;
    try {
      answer = JSON.parse(response.body) as BotApiAnswer;
    } catch {
      answer = undefined;
    }
    if (answer?.ok === true && response.status >= 200 && response.status < 300) return answer.result;
    if (answer === undefined || typeof answer.description !== 'string') {
      // Not the Bot API answering (a proxy, a captive portal): its status decides; a 2xx that is not Telegram's may not have arrived.
      if (response.status >= 200 && response.status < 300)
        throw new ActionError(`${destination} answered ${response.status} with a body that is not the Bot API's JSON`, {
          retryable: true,
          status: response.status,
        });
      throw ActionError.fromHttpStatus(destination, response.status, response.body, parseRetryAfter(response.headers['retry-after']));
    }
    throw apiError(destination, response.status, answer, response.headers['retry-after']);
  }
  return {
    call: (method, params, signal) => post(method, JSON.stringify(params), 'application/json', signal),
    async upload(method, params, file, signal) {
      const form = new FormData();
      for (const [key, value] of Object.entries(params))
        if (value !== undefined) form.append(key, typeof value === 'string' ? value : JSON.stringify(value));
      form.append(file.field, new Blob([new Uint8Array(file.content)], { type: file.contentType }), file.filename);
      // Node's own multipart encoder (the fetch Response of a FormData): its boundary in the content type.
      const encoded = new Response(form);
      const body = Buffer.from(await encoded.arrayBuffer());
      return post(method, body, encoded.headers.get('content-type') ?? 'multipart/form-data', signal);
    },
  };
}

function apiError(destination: string, httpStatus: number, answer: BotApiAnswer, retryAfterHeader: string | undefined): TelegramApiError {
  const status = typeof answer.error_code === 'number' ? answer.error_code : httpStatus;
  const description = String(answer.description);
  const seconds = Number(answer.parameters?.retry_after);
  const retryAfterMs = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : parseRetryAfter(retryAfterHeader);
  const migrated = answer.parameters?.migrate_to_chat_id;
  const advice =
    migrated !== undefined
      ? `the group became a supergroup: set chat_id to ${String(migrated)}`
      : status === 429
        ? undefined
        : ADVICE[status];
  return new TelegramApiError(
    `${destination} answered ${status}: ${cutDescription(description)}${advice ? ` (${advice})` : ''}`,
    description,
    {
      retryable: isRetryableStatus(status),
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    },
  );
}

function cutDescription(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
