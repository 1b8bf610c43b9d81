import { OutboundError } from '../outbound/outbound-error.js';
import { ACTION_RESPONSE_LIMIT, outboundRequest } from '../outbound/outbound-request.js';
import { ActionError, isRetryableStatus, parseRetryAfter } from './action-error.js';

export interface HttpPostOptions {
  /** Names the destination in errors ("PagerDuty", "webhook orders"); never the URL, which may hold a secret. */
  readonly destination: string;
  readonly method?: 'POST' | 'PUT';
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** The answer's size cap; 1 MiB unless said otherwise. */
  readonly maxResponseBytes?: number;
  /**
   * How long to wait before trying again, for a platform whose throttled answer says so in a
   * header of its own instead of Retry-After (Opsgenie's `X-RateLimit-Period-In-Sec`).
   */
  readonly retryHint?: (headers: Readonly<Record<string, string | undefined>>) => number | undefined;
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * Sends a body (already serialized) through the shared outbound layer and checks the status
 * explicitly: 2xx is the answer; anything else is an `ActionError` under the shared retry policy
 * (5xx, 408, 429 with Retry-After, and network errors are retryable; other 4xx are not).
 * Redirects are not followed: a webhook that moved is a config error to fix, not something to
 * chase with credentials attached.
 */
export async function httpPost(url: string, body: string, options: HttpPostOptions): Promise<HttpAnswer> {
  let response;
  try {
    response = await outboundRequest({
      url,
      method: options.method ?? 'POST',
      body,
      headers: { 'Content-Type': 'application/json', ...options.headers },
      destination: options.destination,
      timeoutMs: options.timeoutMs,
      maxResponseBytes: options.maxResponseBytes ?? ACTION_RESPONSE_LIMIT,
      signal: options.signal,
    });
  } catch (error) {
    throw toActionError(options.destination, error);
  }
  if (response.status >= 200 && response.status < 300) return { status: response.status, body: response.body };
  const retryAfterMs = parseRetryAfter(response.headers['retry-after']) ?? options.retryHint?.(response.headers);
  throw ActionError.fromHttpStatus(options.destination, response.status, response.body, retryAfterMs);
}

/**
 * No usable answer. Without a status the request may not have arrived: retry. An answer too large
 * to read after a 2xx means it did arrive; sending it again would duplicate it, so that is final.
 */
export function toActionError(destination: string, error: unknown): ActionError {
  if (error instanceof OutboundError && error.failure === 'too-large' && error.status !== undefined) {
    return new ActionError(`${destination} answered ${error.status}; ${error.message}`, {
      retryable: isRetryableStatus(error.status),
      status: error.status,
      cause: error,
    });
  }
  if (error instanceof OutboundError) return new ActionError(error.message, { retryable: true, cause: error });
  return ActionError.network(destination, error);
}
