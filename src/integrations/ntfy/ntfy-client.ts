import { VERSION } from '../../lib/version.js';
import { ACTION_RESPONSE_LIMIT, outboundRequest } from '../../outbound/outbound-request.js';
import { ActionError, isRetryableStatus, parseRetryAfter } from '../action-error.js';
import { toActionError } from '../http-post.js';

// ntfy's request limiter gives one request back every 5 s (visitor-request-limit-replenish) and
// its 429 carries no Retry-After: the next attempt waits at least that long.
const REPLENISH_MS = 5_000;

export interface NtfyRequest {
  readonly url: string;
  readonly method: 'POST' | 'PUT';
  readonly body: string | Buffer;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

/** What ntfy answers a message it published: `{id, time, event: "message", topic, ...}`. */
export interface NtfyAnswer {
  readonly id: string;
}

/**
 * Sends one publish request. ntfy answers 200 with the message as JSON; a refusal is
 * `{code, http, error, link}`: 400 (40007 an invalid priority, 40017 not message JSON), 401
 * (40101) or 403 (40301) for credentials or a topic the user may not write, 413 (41301) for an
 * attachment too large, none of which a retry fixes; 429 (42901 too many requests, 42905 the
 * daily attachment bandwidth, 42908 too many messages) and 5xx are retried.
 */
export async function sendToNtfy(request: NtfyRequest): Promise<NtfyAnswer> {
  let response;
  try {
    response = await outboundRequest({
      url: request.url,
      method: request.method,
      body: request.body,
      headers: { 'User-Agent': `alertpipe/${VERSION}`, ...request.headers },
      destination: 'ntfy',
      timeoutMs: request.timeoutMs,
      maxResponseBytes: ACTION_RESPONSE_LIMIT,
      signal: request.signal,
    });
  } catch (error) {
    throw toActionError('ntfy', error);
  }
  const body = parse(response.body);
  if (response.status >= 200 && response.status < 300) {
    if (typeof body?.id === 'string') return { id: body.id };
    // Something in between (a proxy, a login page) answered: the message may not have arrived.
    throw new ActionError(`ntfy answered ${response.status} without a published message`, { retryable: true, status: response.status });
  }
  const reason =
    typeof body?.error === 'string'
      ? `${body.error}${typeof body.code === 'number' ? ` (${body.code})` : ''}`
      : response.body.slice(0, 200);
  const retryAfterMs = response.status === 429 ? (parseRetryAfter(response.headers['retry-after']) ?? REPLENISH_MS) : undefined;
  throw new ActionError(`ntfy answered ${response.status}${reason ? `: ${reason}` : ''}`, {
    retryable: isRetryableStatus(response.status),
    status: response.status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

function parse(text: string): { id?: unknown; error?: unknown; code?: unknown } | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? (parsed as { id?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}
