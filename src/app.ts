import express, { type Express } from 'express';
import type { AcceptNotification } from './ingest/accept-notification.js';
import { createErrorMiddleware, notFoundHandler } from './ingest/error-middleware.js';
import { createIngestRouter } from './ingest/ingest-routes.js';
import { createHealthRouter, type ReadinessCheck } from './observability/health-routes.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';

export interface AppDeps {
  readonly accept: AcceptNotification;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly readiness: Readonly<Record<string, ReadinessCheck>>;
  /** Largest request body, in bytes. */
  readonly bodyLimit: number;
}

/**
 * The HTTP application, built from its dependencies and nothing else, so tests build it with
 * fakes and listen on port 0.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(createHealthRouter(deps.metrics, deps.readiness));
  app.use(createIngestRouter(deps.accept, deps.bodyLimit));
  app.use(notFoundHandler);
  app.use(createErrorMiddleware(deps.logger, deps.metrics));
  return app;
}
