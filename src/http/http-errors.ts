/**
 * Errors that answer an HTTP request. Each has a constant `statusCode`; one middleware turns them
 * into the JSON answer, so no handler decides a status by looking at a message.
 */

export interface ProblemDetail {
  /** Dotted path into the body, e.g. `alerts.0.startsAt`; empty for the body itself. */
  readonly path: string;
  readonly message: string;
}

export abstract class HttpError extends Error {
  abstract readonly statusCode: number;
  readonly issues: readonly ProblemDetail[];
  readonly headers: Readonly<Record<string, string>>;
  /** More of the answer's fields, beside `status`, `error` and `issues`. */
  readonly fields?: Readonly<Record<string, unknown>>;

  constructor(message: string, issues: readonly ProblemDetail[] = [], headers: Record<string, string> = {}) {
    super(message);
    this.name = new.target.name;
    this.issues = issues;
    this.headers = headers;
  }
}

export class ValidationError extends HttpError {
  readonly statusCode = 400;
}

/**
 * Some alerts of a list kept and the rest refused, as Alertmanager's `POST /api/v2/alerts`
 * answers: 400 naming the invalid ones, the valid ones queued all the same (`id`, `alerts`).
 * Neither Prometheus nor Alertmanager sends a 4xx again, so nothing kept is sent twice.
 */
export class PartlyAcceptedError extends ValidationError {
  override readonly fields: Readonly<Record<string, unknown>>;

  constructor(message: string, issues: readonly ProblemDetail[], accepted: { readonly id: string; readonly alerts: number }) {
    super(message, issues);
    this.fields = { id: accepted.id, alerts: accepted.alerts };
  }
}

export class UnauthorizedError extends HttpError {
  readonly statusCode = 401;
}

export class NotFoundError extends HttpError {
  readonly statusCode = 404;
}

export class PayloadTooLargeError extends HttpError {
  readonly statusCode = 413;
}

export class UnsupportedMediaTypeError extends HttpError {
  readonly statusCode = 415;
}

/** Refused for now; Alertmanager retries a 503 later, so nothing is lost. */
export class ServiceUnavailableError extends HttpError {
  readonly statusCode = 503;
}

/**
 * An action that runs before the acknowledgement (a prometheus-am-executor command with
 * `notify_on_failure`) failed: the sender should try again, and a 500 makes Alertmanager do so.
 */
export class BeforeAckActionError extends HttpError {
  readonly statusCode = 500;
}

/**
 * A `before-ack` action can never take this notification (its command cannot be given it): a 400,
 * since Alertmanager retries a 5xx forever and would store a copy each time.
 */
export class BeforeAckRejectedError extends HttpError {
  readonly statusCode = 400;
}
