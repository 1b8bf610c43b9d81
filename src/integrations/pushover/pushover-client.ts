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

interface PushoverBody {
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
  form: URLSearchParams,
  options: { readonly timeoutMs: number; readonly signal: AbortSignal },
): Promise<PushoverAnswer> {
  let response;
  try {
    response = await outboundRequest({
      url,
      method: 'POST',
      body: form.toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': `alertpipe/${VERSION}` },
      destination: 'Pushover',
      timeoutMs: options.timeoutMs,
      maxResponseBytes: ACTION_RESPONSE_LIMIT,
      signal: options.signal,
    });
  } catch (error) {
    throw toActionError('Pushover', error);
  }
  const body = parse(response.body);
  if (response.status >= 200 && response.status < 300 && body?.status === 1) {
    return {
      request: typeof body.request === 'string' ? body.request : '',
      ...(typeof body.receipt === 'string' ? { receipt: body.receipt } : {}),
    };
  }
  const errors = Array.isArray(body?.errors) ? body.errors.filter((e): e is string => typeof e === 'string') : [];
  const reason = errors.length > 0 ? errors.join('; ') : response.body.slice(0, 200);
  // A 2xx that is not Pushover's `{status: 1}` came from something in between: the message may not have arrived.
  const status = response.status >= 200 && response.status < 300 ? 502 : response.status;
  const retryAfterMs = status === 429 ? untilReset(response.headers['x-limit-app-reset'], response.headers['retry-after']) : undefined;
  throw new ActionError(`Pushover answered ${response.status}${reason ? `: ${reason}` : ''}`, {
    retryable: isRetryableStatus(status),
    status: response.status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

function parse(text: string): PushoverBody | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? (parsed as PushoverBody) : undefined;
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
