import { VERSION } from '../../lib/version.js';
import { ACTION_RESPONSE_LIMIT, outboundRequest } from '../../outbound/outbound-request.js';
import { ActionError, isRetryableStatus } from '../action-error.js';
import { toActionError } from '../http-post.js';

/** Pushover's API root; `api_url` points elsewhere (a proxy, a stand-in). */
export const PUSHOVER_API_URL = 'https://api.pushover.net/1/';

/** What Pushover answers a request it took: `{status: 1, request}`, and a `receipt` for an emergency message. */
export interface PushoverAnswer {
  readonly request: string;
  readonly receipt?: string;
}

/** A request body as it goes out: the form URL-encoded, or, with the graph attached, multipart. */
export interface PushoverBody {
  readonly content: string | Buffer;
  readonly contentType: string;
}

/** A refusal (4xx, `{status: 0}`) naming the parameters Pushover found invalid (`{attachment: "invalid", ...}`). */
export class PushoverRefusal extends ActionError {
  readonly invalid: readonly string[];

  constructor(message: string, options: { status: number; invalid: readonly string[] }) {
    super(message, { retryable: false, status: options.status });
    this.invalid = options.invalid;
  }
}

/** Pushover's limit for an attachment (pushover.net/api#attachments): 5,242,880 bytes. */
export const PUSHOVER_ATTACHMENT_LIMIT = 5_242_880;

/** The form alone, URL-encoded. */
export function formBody(form: Readonly<Record<string, string>>): PushoverBody {
  return { content: new URLSearchParams({ ...form }).toString(), contentType: 'application/x-www-form-urlencoded' };
}

/**
 * The form with an image as `attachment`, multipart/form-data as Pushover takes a binary upload,
 * the part carrying its content type and file name. Encoded by the platform's own FormData.
 */
export async function multipartBody(
  form: Readonly<Record<string, string>>,
  attachment: { readonly png: Buffer; readonly filename: string },
): Promise<PushoverBody> {
  const data = new FormData();
  for (const [field, value] of Object.entries(form)) data.append(field, value);
  data.append('attachment', new Blob([new Uint8Array(attachment.png)], { type: 'image/png' }), attachment.filename);
  const encoded = new Response(data);
  return { content: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type') ?? 'multipart/form-data' };
}

interface PushoverAnswerBody {
  status?: unknown;
  request?: unknown;
  receipt?: unknown;
  errors?: unknown;
}

/**
 * Posts a form to the API (`messages.json`, `receipts/{receipt}/cancel.json`). Pushover answers
 * 200 `{status: 1}`; a request it refuses is a 4xx `{status: 0, errors: [...]}` that no retry
 * fixes (a bad token or user key, a message too long); 429 is the application's monthly quota,
 * spent until the date in `X-Limit-App-Reset`, which is when the retry may go; 5xx is retried.
 */
export async function postPushoverForm(
  url: string,
  body: PushoverBody,
  options: { readonly timeoutMs: number; readonly signal: AbortSignal },
): Promise<PushoverAnswer> {
  let response;
  try {
    response = await outboundRequest({
      url,
      method: 'POST',
      body: body.content,
      headers: { 'Content-Type': body.contentType, 'User-Agent': `alertpipe/${VERSION}` },
      destination: 'Pushover',
      timeoutMs: options.timeoutMs,
      maxResponseBytes: ACTION_RESPONSE_LIMIT,
      signal: options.signal,
    });
  } catch (error) {
    throw toActionError('Pushover', error);
  }
  const answer = parse(response.body);
  if (response.status >= 200 && response.status < 300 && answer?.status === 1) {
    return {
      request: typeof answer.request === 'string' ? answer.request : '',
      ...(typeof answer.receipt === 'string' ? { receipt: answer.receipt } : {}),
    };
  }
  const errors = Array.isArray(answer?.errors) ? answer.errors.filter((e): e is string => typeof e === 'string') : [];
  const reason = errors.length > 0 ? errors.join('; ') : response.body.slice(0, 200);
  // A 2xx that is not Pushover's `{status: 1}` came from something in between: the message may not have arrived.
  const status = response.status >= 200 && response.status < 300 ? 502 : response.status;
  if (status >= 400 && status < 500 && status !== 408 && status !== 429 && answer !== undefined) {
    const invalid = Object.entries(answer)
      .filter(([, value]) => value === 'invalid')
      .map(([field]) => field);
    throw new PushoverRefusal(`Pushover answered ${response.status}${reason ? `: ${reason}` : ''}`, { status: response.status, invalid });
  }
  const retryAfterMs = status === 429 ? untilReset(response.headers['x-limit-app-reset'], response.headers['retry-after']) : undefined;
  throw new ActionError(`Pushover answered ${response.status}${reason ? `: ${reason}` : ''}`, {
    retryable: isRetryableStatus(status),
    status: response.status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

function parse(text: string): PushoverAnswerBody | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? (parsed as PushoverAnswerBody) : undefined;
  } catch {
    return undefined;
  }
}

/** `X-Limit-App-Reset` is the Unix time the quota is renewed; a Retry-After, if a proxy adds one, is honoured too. */
function untilReset(reset: string | undefined, retryAfter: string | undefined, now = Date.now()): number | undefined {
  const at = Number(reset);
  if (reset !== undefined && Number.isFinite(at) && at > 0) return Math.max(0, at * 1000 - now);
  const seconds = Number(retryAfter);
  return retryAfter !== undefined && Number.isFinite(seconds) ? Math.max(0, seconds * 1000) : undefined;
}
