/**
 * The store cannot keep a notification now (its database is unreachable or refused the write).
 * Ingest answers 503 with `Retry-After`, never a 2xx it could not keep: Alertmanager and
 * Prometheus send the notification again later.
 */
export class StoreUnavailableError extends Error {
  readonly statusCode = 503;
  readonly retryAfterSeconds: number;

  constructor(reason: string, retryAfterSeconds = 5, options?: { cause?: unknown }) {
    super(`the queue cannot keep notifications now (${reason}); retry later`, options);
    this.name = 'StoreUnavailableError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
