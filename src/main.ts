import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Action } from './actions/action.js';
import { logActionType } from './actions/log-action.js';
import { createAction } from './actions/registry.js';
import { createApp } from './app.js';
import { collectSecrets } from './config/collect-secrets.js';
import type { LoadedConfig } from './config/load-config.js';
import type { Config } from './config/schema.js';
import { createDispatcher, type Dispatcher } from './delivery/dispatcher.js';
import type { DeliveryStore } from './delivery/delivery-store.js';
import { MemoryStore } from './delivery/memory-store.js';
import { planDeliveries } from './delivery/plan-deliveries.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './delivery/retry-policy.js';
import { runBeforeAck } from './delivery/run-before-ack.js';
import { runJob } from './delivery/run-job.js';
import { createPrometheusClient, type PrometheusClient } from './enrichers/prometheus-client.js';
import { createIntake } from './ingest/accept-notification.js';
import { createLogger, type Logger, type LoggerOptions } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import type { EnricherStep } from './pipeline/enrich-chain.js';
import type { Route } from './pipeline/router.js';

export interface ServiceOptions {
  readonly logger?: Logger;
  readonly logOptions?: LoggerOptions;
  /** Overrides `server.listen` (tests pass `127.0.0.1:0`). */
  readonly listen?: string;
  readonly retryPolicy?: Partial<RetryPolicy>;
  readonly historyLimit?: number;
}

export interface Service {
  readonly server: Server;
  /** `http://host:port` the service listens on. */
  readonly url: string;
  readonly store: DeliveryStore;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Stops accepting, lets running work finish within `graceMs`, closes the store. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Builds every dependency from the validated config, eagerly and once, wires them into the app,
 * and listens. Everything the process holds is reachable from the returned handle.
 */
export async function startService(loaded: LoadedConfig, options: ServiceOptions = {}): Promise<Service> {
  const { config } = loaded;
  const logger = options.logger ?? createLogger({ ...options.logOptions, secrets: collectSecrets(config) });
  const metrics = createMetrics();
  const prometheus = buildPrometheusClient(config, metrics);
  const actions = buildActions(config, logger);
  const enrichers = await buildEnricherSteps(config);
  const store: DeliveryStore = new MemoryStore({ maxPending: config.delivery.max_pending, historyLimit: options.historyLimit ?? 1000 });
  const recovered = await store.recover();
  const routes = routesOf(config, actions);
  const shutdown = new AbortController();

  const dispatcher: Dispatcher = createDispatcher({
    store,
    logger,
    metrics,
    planConcurrency: config.delivery.concurrency,
    jobConcurrency: config.delivery.concurrency * 4,
    plan: (notification) =>
      planDeliveries(notification, {
        routes,
        actions,
        enrichers,
        enrichDeps: { prometheus, logger: logger.child({ notification: notification.id, groupKey: notification.groupKey }), metrics },
        metrics,
        logger: logger.child({ notification: notification.id }),
      }),
    runJob: (claimed) =>
      runJob(claimed, {
        actions,
        logger,
        metrics,
        retryPolicy: { ...DEFAULT_RETRY_POLICY, maxAgeMs: config.delivery.max_age, ...options.retryPolicy },
        shutdownSignal: shutdown.signal,
      }),
  });

  let accepting = true;
  const app = createApp({
    accept: createIntake({
      store,
      metrics,
      logger,
      onAccepted: () => dispatcher.kick(),
      runBeforeAck: (notification) =>
        runBeforeAck(notification, { routes, actions, store, logger, metrics, shutdownSignal: shutdown.signal }),
    }),
    logger,
    metrics,
    bodyLimit: config.server.body_limit,
    readiness: {
      accepting: () => (accepting ? { ok: true } : { ok: false, reason: 'shutting down' }),
      queue: () =>
        store.unfinishedCount() < config.delivery.max_pending
          ? { ok: true }
          : { ok: false, reason: `queue full (${config.delivery.max_pending})` },
    },
  });
  const server = createServer({ requestTimeout: config.server.request_timeout }, app);
  const { host, port } = parseListen(options.listen ?? config.server.listen);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  dispatcher.start();
  logger.info('alertpipe listening', {
    url,
    config: loaded.source,
    actions: [...actions.keys()],
    enrichers: enrichers.map((step) => step.enricher.name),
    prometheus: config.prometheus.url ?? 'none',
    recovered,
  });

  return {
    server,
    url,
    store,
    metrics,
    logger,
    async stop(graceMs = 10_000) {
      accepting = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const { unfinished } = await dispatcher.stop(graceMs);
      shutdown.abort(new Error('shutting down'));
      server.closeAllConnections();
      await closed;
      await store.close();
      logger.info('alertpipe stopped', { unfinished });
    },
  };
}

function buildPrometheusClient(config: Config, metrics: Metrics): PrometheusClient | undefined {
  const { url, timeout, auth, headers, cache_ttl } = config.prometheus;
  if (url === undefined) return undefined;
  return createPrometheusClient({
    url,
    timeoutMs: timeout,
    cacheTtlMs: cache_ttl,
    metrics,
    ...(auth?.bearer_token ? { bearerToken: auth.bearer_token } : {}),
    ...(auth?.basic ? { basicAuth: auth.basic } : {}),
    ...(headers ? { headers } : {}),
  });
}

function buildActions(config: Config, logger: Logger): Map<string, Action> {
  // `log` exists even when the config does not define it, so routes can always name it.
  const sections = { log: logActionType.schema.parse({ type: 'log' }), ...config.actions };
  return new Map(Object.entries(sections).map(([name, section]) => [name, createAction(name, section, { logger })]));
}

/** Without routes, every alert goes to every action: the environment-only behaviour. */
function routesOf(config: Config, actions: ReadonlyMap<string, Action>): Route[] {
  return config.routes ?? [{ matchers: [], actions: [...actions.keys()], continue: false }];
}

async function buildEnricherSteps(_config: Config): Promise<EnricherStep[]> {
  return [];
}

/** `:8080` listens on every interface; `127.0.0.1:8080` on one. */
export function parseListen(listen: string): { host: string | undefined; port: number } {
  const index = listen.lastIndexOf(':');
  const host = listen.slice(0, index).replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? undefined : host, port: Number(listen.slice(index + 1)) };
}
