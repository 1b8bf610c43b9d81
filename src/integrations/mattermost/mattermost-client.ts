import { ACTION_RESPONSE_LIMIT, outboundRequest } from '../../outbound/outbound-request.js';
import { ActionError, isRetryableStatus, parseRetryAfter } from '../action-error.js';
import { toActionError } from '../http-post.js';

export interface MattermostRequest {
  readonly url: string;
  readonly method: 'POST' | 'PUT';
  readonly body: unknown;
  /** `Bearer <bot token>` for the REST API; none for an incoming webhook, whose URL is the credential. */
  readonly authorization?: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

/**
 * One call to Mattermost, its status checked explicitly. Mattermost answers an error as JSON
 * `{id, message, detailed_error, request_id, status_code}`: the error names its `message` and
 * `id` (`web.incoming_webhook.invalid.app_error`), what a person needs to fix it. A 429 (the
 * server's rate limiter) waits for its `Retry-After`, or for `X-Ratelimit-Reset` (seconds until
 * the bucket refills) when that is all it sent; 5xx are retried; other 4xx are not.
 */
export async function mattermostCall(request: MattermostRequest): Promise<{ readonly status: number; readonly body: string }> {
  let answer;
  try {
    answer = await outboundRequest({
      url: request.url,
      method: request.method,
      body: JSON.stringify(request.body),
      headers: {
        'Content-Type': 'application/json',
        ...(request.authorization ? { Authorization: request.authorization } : {}),
      },
      destination: 'Mattermost',
      timeoutMs: request.timeoutMs,
      maxResponseBytes: ACTION_RESPONSE_LIMIT,
      signal: request.signal,
    });
  } catch (error) {
    throw toActionError('Mattermost', error);
  }
  if (answer.status >= 200 && answer.status < 300) return answer;
  const retryAfterMs = parseRetryAfter(answer.headers['retry-after']) ?? parseRetryAfter(answer.headers['x-ratelimit-reset']);
  const { reason, code } = errorOf(answer.body);
  throw new MattermostError(`Mattermost answered ${answer.status}: ${reason}`, code, {
    retryable: isRetryableStatus(answer.status),
    status: answer.status,
    ...(answer.status === 429 && retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/** Mattermost answered an error; `code` is its `id` (`api.post.update_post.find.app_error`), when it sent one. */
export class MattermostError extends ActionError {
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined, options: ConstructorParameters<typeof ActionError>[1]) {
    super(message, options);
    this.name = 'MattermostError';
    this.code = code;
  }
}

/** `Invalid webhook. (web.incoming_webhook.invalid.app_error)`, or the answer's first 200 characters. */
function errorOf(body: string): { reason: string; code?: string } {
  try {
    const parsed = JSON.parse(body) as { id?: unknown; message?: unknown };
    if (typeof parsed.message === 'string') {
      const code = typeof parsed.id === 'string' ? parsed.id.slice(0, 100) : undefined;
      return { reason: `${parsed.message.slice(0, 200)}${code ? ` (${code})` : ''}`, ...(code ? { code } : {}) };
    }
  } catch {
    // Not JSON: a proxy's page, or the rate limiter's "limit exceeded".
  }
  const trimmed = body.trim();
  return { reason: trimmed.length > 200 ? `${trimmed.slice(0, 200)}…` : trimmed || '(no body)' };
}
