import express, { type Express } from 'express';
import type { Action } from '../integrations/action.js';
import { createReloadRouter, type ReloadAnswer } from '../http/health/reload-routes.js';
import { createConsoleApiRouter } from '../http/console/console-api-routes.js';
import { createConsoleAuth } from '../http/console/console-auth.js';
import { createConsoleStaticRouter } from '../http/console/console-static-routes.js';
import type { AcceptNotification } from '../http/ingest/accept-notification.js';
import type { DeliveryStore } from '../store/ports/delivery-store.js';
import { createAuthMiddleware, type InboundAuth } from '../http/auth-middleware.js';
import { createErrorMiddleware, notFoundHandler } from '../http/error-middleware.js';
import type { ChartRenderer } from '../charts/render-chart-png.js';
import { createGraphRouter } from '../http/graphs/graph-routes.js';
import { createHistoryRouter } from '../http/history/history-routes.js';
import { createIncidentRouter } from '../http/incidents/incident-routes.js';
import { createOnCallRouter } from '../http/incidents/on-call-routes.js';
import type { IncidentControl } from '../integrations/incident-control.js';
import type { ScheduleLookup } from '../oncall/create-on-call-lookup.js';
import { createAmExecutorRouter } from '../http/ingest/am-executor-routes.js';
import { addIngestRoutes, createIngestHandler } from '../http/ingest/ingest-routes.js';
import { createSlackInteractionsRouter, type SlackInteractionDeps } from '../integrations/slack/slack-interactions-routes.js';
import { createIncidentHookRouter, type IncidentHookDeps } from '../http/incident-hooks/incident-hook-routes.js';
import { createHealthRouter, type ReadinessCheck } from '../http/health/health-routes.js';
import type { Logger } from '../observability/logger.js';
import type { SecretMasker } from '../observability/mask-secrets.js';
import type { Metrics } from '../observability/metrics.js';
import type { Route } from '../pipeline/router.js';

export interface AppDeps {
  readonly accept: AcceptNotification;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly readiness: Readonly<Record<string, ReadinessCheck>>;
  /** Largest request body, in bytes. */
  readonly bodyLimit: number;
  /** Credentials required on ingest and the history API; none when undefined. */
  readonly auth: InboundAuth | undefined;
  /** The history API reads from here. */
  readonly store: DeliveryStore;
  readonly mask: SecretMasker;
  /** Take notifications on every path and method, as prometheus-am-executor did (`server.any_path`). */
  readonly anyPath?: boolean;
  /** Draws the graphs the `graph` enricher links to: the service's one renderer. */
  readonly charts: ChartRenderer;
  /** Slack app button clicks (`POST /slack/interactions`) as the config in force says; off when absent or without a Slack app. */
  readonly slackInteractions?: () => SlackInteractionDeps;
  /** `POST /pagerduty/webhooks`, `/opsgenie/webhooks`, `/telegram/webhooks` as the config in force says; off when absent. */
  readonly incidentHooks?: () => IncidentHookDeps;
  /** The routes and actions in force, for the console's route tester and message view; none when absent. */
  readonly routing?: () => { readonly routes: readonly Route[]; readonly actions: ReadonlyMap<string, Action> };
  /** A retried job is due now: wake delivery. */
  readonly onRetry?: () => void;
  /** Acknowledges, unacknowledges and resolves episodes under escalation: what the incidents API and the console call; absent, there are no such routes. */
  readonly incidentControl?: IncidentControl;
  /** `POST /-/reload`; absent, there is no such route. */
  readonly reload?: () => Promise<ReloadAnswer>;
  /** The schedules in force, for `GET /api/oncall`; absent, there is no such route. */
  readonly onCall?: () => ScheduleLookup;
}

/**
 * The HTTP application, built from its dependencies and nothing else, so tests build it with
 * fakes and listen on port 0.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const auth = createAuthMiddleware(deps.auth);
  // Before anything reads the body: Slack's signature covers the raw bytes.
  if (deps.slackInteractions) app.use(createSlackInteractionsRouter(deps.slackInteractions));
  // Also before: PagerDuty signs the raw body, and these platforms send no ingest credentials.
  if (deps.incidentHooks) app.use(createIncidentHookRouter(deps.incidentHooks));
  // Probes and scrapes stay open: kubelets and Prometheus rarely carry credentials, and these leak nothing.
  // Ingest first: it is nearly all the traffic, and every router before it is a detour per request.
  addIngestRoutes(app, deps.accept, deps.bodyLimit, auth, deps.metrics.amExecutor);
  app.use(createHealthRouter(deps.metrics, deps.readiness));
  if (deps.reload) app.use(createReloadRouter(deps.reload, auth));
  // The history and the console take the same credentials, plus Basic with the token (console-auth.ts).
  const consoleAuth = createConsoleAuth(deps.auth);
  app.use(createHistoryRouter(deps.store, deps.mask, consoleAuth));
  const none = { routes: [], actions: new Map<string, Action>() };
  app.use(
    createConsoleApiRouter({
      store: deps.store,
      mask: deps.mask,
      auth: consoleAuth,
      bodyLimit: deps.bodyLimit,
      routing: deps.routing ?? (() => none),
      ...(deps.onRetry ? { onRetry: deps.onRetry } : {}),
    }),
  );
  if (deps.incidentControl)
    app.use(createIncidentRouter({ incidents: deps.store, control: deps.incidentControl, auth: consoleAuth, bodyLimit: deps.bodyLimit }));
  if (deps.onCall) app.use(createOnCallRouter({ onCall: deps.onCall, auth: consoleAuth }));
  app.use(createConsoleStaticRouter(consoleAuth));
  // A graph link is opened in a browser, from a chat message: the console's credentials.
  app.use(createGraphRouter(deps.store, consoleAuth, deps.charts));
  // Last of the routes: prometheus-am-executor's catch-all takes whatever no route above did.
  app.use(
    createAmExecutorRouter(createIngestHandler(deps.accept, deps.bodyLimit, 'any', deps.metrics.amExecutor), auth, deps.anyPath ?? false),
  );
  app.use(notFoundHandler);
  app.use(createErrorMiddleware(deps.logger, deps.metrics));
  return app;
}
