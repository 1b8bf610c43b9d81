import { ACTION_RESPONSE_LIMIT, outboundRequest, type OutboundResponse } from '../../outbound/outbound-request.js';
import { ActionError, parseRetryAfter } from '../action-error.js';
import { toActionError } from '../http-post.js';

export interface ChatApiRequest {
  readonly url: string;
  readonly method: 'POST' | 'PUT' | 'PATCH';
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Names the platform in errors; never the URL, which may hold a secret. */
  readonly destination: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

/**
 * One call to a chat platform's API through the shared outbound layer, its answer returned
 * whatever the status: the caller reads a platform's own error codes (Discord's 10008, a Zulip
 * edit refused) before `apiFailure` applies the shared policy. No answer at all is an
 * `ActionError` already (retryable unless a 2xx was too large to read).
 */
export async function chatApiRequest(request: ChatApiRequest): Promise<OutboundResponse> {
  try {
    return await outboundRequest({
      url: request.url,
      method: request.method,
      body: request.body,
      headers: request.headers,
      destination: request.destination,
      timeoutMs: request.timeoutMs,
      maxResponseBytes: ACTION_RESPONSE_LIMIT,
      signal: request.signal,
    });
  } catch (error) {
    throw toActionError(request.destination, error);
  }
}

/** A non-2xx answer under the shared policy: 5xx, 408 and 429 (after its Retry-After) retried, other 4xx not. */
export function apiFailure(destination: string, response: OutboundResponse): ActionError {
  return ActionError.fromHttpStatus(destination, response.status, response.body, parseRetryAfter(response.headers['retry-after']));
}

/** The answer's JSON, or undefined when it is not JSON. */
export function jsonOf(response: OutboundResponse): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(response.body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The id a platform answered a post with (`{"id": …}`), as a string; a 2xx without one is final. */
export function answeredId(destination: string, response: OutboundResponse): string {
  const id = jsonOf(response)?.id;
  if (typeof id === 'string' && id !== '') return id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  // It did post: sending again would duplicate the message.
  throw new ActionError(`${destination} answered ${response.status} without the message's id`, {
    retryable: false,
    status: response.status,
  });
}
