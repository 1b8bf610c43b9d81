import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createApp } from './app.js';
import { buildActions, buildEnricherSteps, buildPrometheusClient, routesOf } from './build-pipeline.js';
import { collectSecrets } from './config/collect-secrets.js';
import type { LoadedConfig } from './config/load-config.js';
import type { Config } from './config/schema.js';
import { createDestinationLimits } from './delivery/destination-limits.js';
import { createDispatcher } from './delivery/dispatcher.js';
import type { DeliveryStore } from './delivery/delivery-store.js';
import { openStore } from './delivery/open-store.js';
import { planDeliveries } from './delivery/plan-deliveries.js';
import { runBeforeAck } from './delivery/run-before-ack.js';
import { runJob } from './delivery/run-job.js';
import { createIntake } from './ingest/accept-notification.js';
import { createLogger, type Logger, type LoggerOptions } from './observability/logger.js';
import { createSecretMasker } from './observability/mask-secrets.js';
import { createMetrics, type Metrics } from './observability/metrics.js';

export interface ServiceOptions {
  readonly logger?: Logger;
  readonly logOptions?: LoggerOptions;
  /** Overrides `server.listen` (tests pass `127.0.0.1:0`; the CLI's `-l`). */
  readonly listen?: string;
}

export interface Service {
  readonly server: Server;
  /** `http(s)://host:port` the service listens on. */
  readonly url: string;
  readonly store: DeliveryStore;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Stops accepting, lets running work finish within the grace period, closes the store. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Builds every dependency from the validated config, eagerly and once, wires them into the app,
 * and listens. Everything the process holds is reachable from the returned handle.
 */
export async function startService(loaded: LoadedConfig, options: ServiceOptions = {}): Promise<Service> {
  const { config, baseDir } = loaded;
  const secrets = collectSecrets(config);
  const logger = options.logger ?? createLogger({ ...options.logOptions, secrets });
  const metrics = createMetrics();
  const prometheus = buildPrometheusClient(config, metrics);
  const actions = buildActions(config, logger);
  const enrichers = await buildEnricherSteps(config, baseDir);
  const routes = routesOf(config, actions);
  const store = openStore(config, baseDir, logger);
  const recovered = await store.recover();
  const shutdown = new AbortController();
  const limits = createDestinationLimits(store, actions, logger);
  const { delivery } = config;

  const dispatcher = createDispatcher({
    store,
    logger,
    metrics,
    planConcurrency: delivery.concurrency,
    jobConcurrency: delivery.concurrency * 4,
    plan: (notification) => {
      const child = logger.child({ notification: notification.id, groupKey: notification.groupKey });
      return planDeliveries(notification, {
        routes,
        actions,
        enrichers,
        enrichDeps: { prometheus, logger: child, metrics },
        metrics,
        logger: child,
        store,
        dedupWindowMs: delivery.dedup_window,
      });
    },
    runJob: async (claimed) =>
      limits.afterAttempt(
        claimed,
        await runJob(claimed, {
          actions,
          logger,
          metrics,
          retryPolicy: { initialBackoffMs: delivery.initial_backoff, maxBackoffMs: delivery.max_backoff, maxAgeMs: delivery.max_age },
          shutdownSignal: shutdown.signal,
        }),
      ),
    delayFor: (claimed, now) => limits.delayFor(claimed, now),
  });
  // Work another replica queued (a shared store) wakes this one's dispatcher too.
  store.onWork(() => dispatcher.kick());

  let accepting = true;
  const app = createApp({
    accept: createIntake({
      store,
      metrics,
      logger,
      onAccepted: () => dispatcher.kick(),
      runBeforeAck: (notification) => runBeforeAck(notification, { routes, actions, store, logger, metrics, shutdownSignal: shutdown.signal }),
      isAccepting: () => accepting,
    }),
    logger,
    metrics,
    store,
    mask: createSecretMasker(secrets),
    auth: config.server.auth,
    bodyLimit: config.server.body_limit,
    readiness: {
      accepting: () => (accepting ? { ok: true } : { ok: false, reason: 'shutting down' }),
      store: () => store.health(),
      queue: () =>
        store.unfinishedCount() < delivery.max_pending ? { ok: true } : { ok: false, reason: `queue full (${delivery.max_pending})` },
    },
  });
  const server = createServer(config, baseDir, app);
  const { host, port } = parseListen(options.listen ?? config.server.listen);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const scheme = config.server.tls ? 'https' : 'http';
  const url = `${scheme}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  dispatcher.start();
  logger.info('alertpipe listening', {
    url,
    config: loaded.source,
    queue: delivery.queue,
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
    async stop(graceMs = delivery.shutdown_grace) {
      accepting = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const { unfinished } = await dispatcher.stop(graceMs, () => shutdown.abort(new Error('shutting down')));
      server.closeAllConnections();
      await closed;
      await store.close();
      logger.info('alertpipe stopped', { unfinished, kept: delivery.queue === 'memory' ? 'lost (memory queue)' : 'in the queue for the next start' });
    },
  };
}

function createServer(config: Config, baseDir: string, app: ReturnType<typeof createApp>): Server {
  const { tls, request_timeout } = config.server;
  if (tls === undefined) return createHttpServer({ requestTimeout: request_timeout }, app);
  return createHttpsServer(
    {
      requestTimeout: request_timeout,
      cert: readFileSync(path.resolve(baseDir, tls.cert_file)),
      key: readFileSync(path.resolve(baseDir, tls.key_file)),
    },
    app,
  );
}

/** `:8080` listens on every interface; `127.0.0.1:8080` on one. */
export function parseListen(listen: string): { host: string | undefined; port: number } {
  const index = listen.lastIndexOf(':');
  const host = listen.slice(0, index).replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? undefined : host, port: Number(listen.slice(index + 1)) };
}
