export class QueueFullError extends Error {
  readonly retryAfterSeconds: number;

  constructor(limit: number, retryAfterSeconds: number) {
    super(`the queue holds its limit of ${limit} unfinished notifications (delivery.max_pending); retry later`);
    this.name = 'QueueFullError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The store cannot do what was asked; try again later (ingest: 503 with `Retry-After`). */
export class StoreUnavailableError extends Error {
  readonly statusCode = 503;
  readonly retryAfterSeconds = 10;
  /** No later attempt will succeed until someone acts (and restarts alertpipe). */
  readonly lasting: boolean;

  constructor(message: string, options: { lasting?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'StoreUnavailableError';
    this.lasting = options.lasting ?? false;
  }
}
