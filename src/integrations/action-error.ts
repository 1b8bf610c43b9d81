/**
 * The policy every HTTP destination shares: 5xx, 429 and 408 are worth retrying; any other 4xx
 * means the request itself is wrong and will stay wrong.
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/**
 * Why an action attempt failed, and whether trying again could help. Delivery reads `retryable`
 * and `retryAfterMs`; nothing decides by matching the message.
 */
export class ActionError extends Error {
  readonly retryable: boolean;
  /** The least time to wait before the next attempt (from a 429's Retry-After). */
  readonly retryAfterMs: number | undefined;
  /** The HTTP status the destination answered, when there was one. */
  readonly status: number | undefined;

  constructor(message: string, options: { retryable: boolean; retryAfterMs?: number; status?: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'ActionError';
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }

  /** An HTTP answer that is not a 2xx, retryable as `isRetryableStatus` says. */
  static fromHttpStatus(destination: string, status: number, body: string, retryAfterMs?: number): ActionError {
    const retryable = isRetryableStatus(status);
    const excerpt = body.length > 200 ? `${body.slice(0, 200)}…` : body;
    return new ActionError(`${destination} answered ${status}${excerpt ? `: ${excerpt}` : ''}`, {
      retryable,
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }

  /** No answer at all (refused, reset, timed out): the request may not have arrived, so try again. */
  static network(destination: string, cause: unknown): ActionError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new ActionError(`${destination} unreachable: ${reason}`, { retryable: true, cause });
  }
}

/**
 * The notification itself cannot be handed to the action, and never will be, whoever retries: an
 * environment past the system's limit for a command. Never retried; a sender waiting for the
 * outcome (a `before-ack` action) is answered 400, not 500, so that it does not send it again.
 */
export class ActionInputError extends ActionError {
  constructor(message: string) {
    super(message, { retryable: false });
    this.name = 'ActionInputError';
  }
}

/** Reads a Retry-After header (seconds, or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
