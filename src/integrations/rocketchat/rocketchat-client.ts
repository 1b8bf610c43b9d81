import { ACTION_RESPONSE_LIMIT, outboundRequest } from '../../outbound/outbound-request.js';
import { ActionError, isRetryableStatus, parseRetryAfter } from '../action-error.js';
import { toActionError } from '../http-post.js';

export interface RocketCredentials {
  readonly apiUrl: string;
  /** A personal access token and the ID of its user (Alertmanager's `token` and `token_id`). */
  readonly token: string;
  readonly userId: string;
  readonly timeoutMs: number;
}

/** A message as Rocket.Chat answers it: its `_id` and the room (`rid`) it is in. */
export interface RocketPosted {
  readonly _id: string;
  readonly rid: string;
}

/**
 * One REST call (`POST {api_url}/api/v1/{method}`) with the token in `X-Auth-Token` and its user
 * in `X-User-Id`. Rocket.Chat answers `{success: true, message}` or `{success: false, error}`
 * (with a 400, or even a 200), and a bad token with a 401 `{status: "error", message}`. Its rate
 * limiter answers 429 with `X-RateLimit-Reset` (when the bucket refills, in epoch milliseconds)
 * and no Retry-After: that is the wait handed back. 5xx are retried; other 4xx and a
 * `success: false` are not, since the same request will be refused again.
 */
export async function rocketCall(
  credentials: RocketCredentials,
  method: string,
  body: unknown,
  signal: AbortSignal,
): Promise<RocketPosted> {
  let answer;
  try {
    answer = await outboundRequest({
      url: `${credentials.apiUrl.replace(/\/+$/, '')}/api/v1/${method}`,
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', 'X-Auth-Token': credentials.token, 'X-User-Id': credentials.userId },
      destination: 'Rocket.Chat',
      timeoutMs: credentials.timeoutMs,
      maxResponseBytes: ACTION_RESPONSE_LIMIT,
      signal,
    });
  } catch (error) {
    throw toActionError('Rocket.Chat', error);
  }
  const parsed = parse(answer.body);
  const ok = answer.status >= 200 && answer.status < 300;
  if (ok && parsed.success === true) {
    const message = parsed.message as Partial<RocketPosted> | undefined;
    if (typeof message?._id === 'string' && typeof message.rid === 'string') return { _id: message._id, rid: message.rid };
    // It was taken, but without its id it cannot be edited; sending it again would duplicate it.
    throw new ActionError(`Rocket.Chat ${method} answered no message id`, { retryable: false, status: answer.status });
  }
  const reason = typeof parsed.error === 'string' ? parsed.error : typeof parsed.message === 'string' ? parsed.message : answer.body.trim();
  const retryAfterMs =
    answer.status === 429 ? (parseRetryAfter(answer.headers['retry-after']) ?? resetIn(answer.headers['x-ratelimit-reset'])) : undefined;
  throw new ActionError(
    `Rocket.Chat ${method} answered ${answer.status}: ${reason.length > 200 ? `${reason.slice(0, 200)}…` : reason || '(no body)'}`,
    {
      retryable: !ok && isRetryableStatus(answer.status),
      status: answer.status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    },
  );
}

function parse(body: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** `X-RateLimit-Reset`: epoch milliseconds as Rocket.Chat sends it (epoch seconds, or seconds to wait, from a proxy). */
export function resetIn(value: string | undefined, now = Date.now()): number | undefined {
  const n = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isFinite(n)) return undefined;
  if (n > 1e12) return Math.max(0, n - now);
  if (n > 1e9) return Math.max(0, n * 1000 - now);
  return Math.max(0, n * 1000);
}
