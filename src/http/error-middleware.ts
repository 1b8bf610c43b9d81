import type { ErrorRequestHandler, RequestHandler } from 'express';
import { QueueFullError, StoreUnavailableError } from '../store/ports/errors.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { HttpError, NotFoundError, ServiceUnavailableError, ValidationError } from './http-errors.js';

/** Unknown paths and methods answer in the same JSON shape as every other error. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`no route for ${req.method} ${req.path}`));
};

/**
 * Turns errors into the JSON answer: `{"status":"error","error":"...","issues":[...]}`. Only 5xx are
 * logged as errors: a 4xx is the sender's mistake, counted in the metrics. Anything unexpected is a
 * 500 here, and only here, because Alertmanager retries a 5xx forever.
 */
export function createErrorMiddleware(logger: Logger, metrics: Metrics): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const known = toHttpError(error);
    const status = known?.statusCode ?? 500;
    if (status >= 500 && status !== 503) {
      // A known 500 (an am-executor command failed) has said all there is; anything else needs its stack.
      const detail = known?.message ?? (error instanceof Error ? error.stack : String(error));
      logger.error('request failed', { method: req.method, path: req.path, error: detail });
    } else {
      metrics.invalidRequests.inc({ reason: String(status) });
    }
    for (const [name, value] of Object.entries(known?.headers ?? {})) res.setHeader(name, value);
    // A body refused half-read leaves bytes on the socket; close it rather than parse them as a request.
    if (status === 413) res.setHeader('Connection', 'close');
    res.status(status).json({
      status: 'error',
      error: known?.message ?? 'internal error',
      ...(known && known.issues.length > 0 ? { issues: known.issues } : {}),
      ...known?.fields,
    });
  };
}

function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error instanceof QueueFullError || error instanceof StoreUnavailableError) {
    return new ServiceUnavailableError(error.message, [], { 'Retry-After': String(error.retryAfterSeconds) });
  }
  // express's own errors for malformed requests (a bad URI encoding) carry a 4xx status.
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ValidationError(error instanceof Error ? error.message : 'bad request');
  }
  return undefined;
}
