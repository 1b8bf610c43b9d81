import axios from 'axios';
import { ActionError, parseRetryAfter } from './action-error.js';

export interface HttpPostOptions {
  /** Names the destination in errors ("PagerDuty", "webhook orders"); never the URL, which may hold a secret. */
  readonly destination: string;
  readonly method?: 'POST' | 'PUT';
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * Sends a body (already serialized) and checks the status explicitly: 2xx is the answer; anything
 * else is an `ActionError` under the shared retry policy (5xx, 408, 429 with Retry-After, and
 * network errors are retryable; other 4xx are not). Redirects are not followed: a webhook that
 * moved is a config error to fix, not something to chase with credentials attached.
 */
export async function httpPost(url: string, body: string, options: HttpPostOptions): Promise<HttpAnswer> {
  let response;
  try {
    response = await axios.request<string>({
      url,
      method: options.method ?? 'POST',
      data: body,
      // axios trims a string it takes for JSON; a forwarded body must go out byte for byte.
      transformRequest: [(data: unknown) => data],
      headers: { 'Content-Type': 'application/json', ...options.headers },
      timeout: options.timeoutMs,
      signal: options.signal,
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: (data: unknown) => data,
      validateStatus: () => true,
      transitional: { clarifyTimeoutError: true },
    });
  } catch (error) {
    throw ActionError.network(options.destination, new Error(networkReason(error, options.timeoutMs)));
  }
  const text = typeof response.data === 'string' ? response.data : '';
  if (response.status >= 200 && response.status < 300) return { status: response.status, body: text };
  const retryAfter = response.headers['retry-after'] as string | undefined;
  throw ActionError.fromHttpStatus(options.destination, response.status, text, parseRetryAfter(retryAfter));
}

// axios's messages can carry the URL; the code says what happened without it.
function networkReason(error: unknown, timeoutMs: number): string {
  if (axios.isAxiosError(error)) {
    if (error.code === 'ETIMEDOUT' || error.code === 'ECONNABORTED') return `no answer within ${timeoutMs} ms`;
    if (error.code === 'ERR_CANCELED') return 'cancelled';
    return error.code ?? 'request failed';
  }
  return 'request failed';
}
