import { setMaxListeners } from 'node:events';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createApp } from './create-app.js';
import { createConfigReloader } from './config-reload.js';
import { createSlackSockets, type SocketTuning } from './slack-sockets.js';
import type { ReloadAnswer } from '../http/health/reload-routes.js';
import { assembleGeneration, type ConfigGeneration } from './config-generation.js';
import { createChartRenderer } from '../charts/render-chart-png.js';
import { collectSecrets } from '../config/collect-secrets.js';
import { loadConfig, type LoadedConfig } from '../config/load-config.js';
import { preflight, type Prepared } from './preflight.js';
import type { Config } from '../config/schema.js';
import { createDispatcher } from '../engine/dispatcher.js';
import { InFlightWork } from '../lib/in-flight-work.js';
import type { DeliveryStore } from '../store/ports/delivery-store.js';
import { guardStore } from '../engine/guarded-store.js';
import { openStore } from './open-store.js';
import { forNotification } from '../pipeline/pipeline.js';
import { planDeliveries } from '../pipeline/plan-deliveries.js';
import { runBeforeAck } from '../pipeline/run-before-ack.js';
import { runJob } from '../pipeline/run-job.js';
import { createWatchdog } from '../engine/stall-watchdog.js';
import { createEscalationTimersLoop } from '../engine/escalation-timers-loop.js';
import { createIncidentControl } from '../pipeline/escalation/incident-control.js';
import type { IncidentControl } from '../integrations/incident-control.js';
import { createIntake } from '../http/ingest/accept-notification.js';
import { builtinEnricherCost } from '../enrichers/builtin-enrichers.js';
import { createLogger, type Logger, type LoggerOptions } from '../observability/logger.js';
import { createSecretMasker, KnownSecrets } from '../observability/mask-secrets.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { registerStallMetrics } from '../observability/stall-metrics.js';

export interface ServiceOptions {
  readonly logger?: Logger;
  readonly logOptions?: LoggerOptions;
  /** Overrides `server.listen` (tests pass `127.0.0.1:0`; the CLI's `-l`). */
  readonly listen?: string;
  /** How a reload reads the config again; by default the same file (or the environment) as at start. */
  readonly loadConfig?: () => Promise<LoadedConfig>;
  /** Slack Socket Mode's pings, silence bound, backoff and grace before not ready (tests shorten them). */
  readonly slackSocket?: SocketTuning;
  /** The escalation loop's longest sleep with nothing due (how soon another replica's episode is seen); tests shorten it. */
  readonly escalationIdleMs?: number;
}

export interface Service {
  readonly server: Server;
  /** `http(s)://host:port` the service listens on. */
  readonly url: string;
  readonly store: DeliveryStore;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Acknowledges, unacknowledges and resolves episodes under escalation, as every surface does. */
  readonly incidentControl: IncidentControl;
  /** Reads the config again and swaps it whole, or keeps the one in force on any problem (SIGHUP, `POST /-/reload`). */
  reload(): Promise<ReloadAnswer>;
  /** Stops accepting, lets running work finish within the grace period, closes the store. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Builds every dependency from the validated config, eagerly and once, wires them into the app,
 * and listens. Everything the process holds is reachable from the returned handle.
 */
export async function startService(loaded: LoadedConfig, options: ServiceOptions = {}): Promise<Service> {
  const { config, baseDir } = loaded;
  // A reload adds the new config's secrets; none is forgotten.
  const secrets = new KnownSecrets(collectSecrets(config));
  const logger = options.logger ?? createLogger({ ...options.logOptions, secrets });
  const metrics = createMetrics();
  // One chart renderer (its fonts read once) for the graph links and the Slack app's uploads.
  const charts = createChartRenderer();
  const check = (next: LoadedConfig): Promise<Prepared> =>
    preflight(next, { logger, metrics, charts, ...(options.listen !== undefined ? { listen: options.listen } : {}) });
  const prepared = await check(loaded);
  const deadLettered = (names: readonly string[]): void => {
    for (const action of names) {
      metrics.actionOutcomes.inc({ action, type: live.actions.get(action)?.type ?? 'unknown', outcome: 'dead' });
      logger.error('job dead-lettered: the process stopped while it ran too many times', { action });
    }
  };
  const store = guardStore(await openStore(config, baseDir, logger, deadLettered), { metrics, logger });
  const shutdown = new AbortController();
  // Every running attempt listens to it (up to delivery.concurrency × 4 of them, each removed
  // when its attempt ends); past Node's default of 10 it would warn of a leak that is not one.
  setMaxListeners(0, shutdown.signal);
  const beforeAckRuns = new InFlightWork();
  const slackClicks = new InFlightWork();
  const { delivery } = config;

  // Built before the first generation (whose Slack clicks use it), reading the one in force when called.
  const incidentControl = createIncidentControl({
    store,
    policies: () => live.policies,
    logger: logger.child({ component: 'incidents' }),
    metrics,
    onRestart: () => escalations.kick(),
  });
  const generationDeps = { store, logger, metrics, delivery, shutdownSignal: shutdown.signal, slackClicks, incidentControl };
  const assemble = (next: LoadedConfig, checked: Prepared): ConfigGeneration => assembleGeneration(next, checked, generationDeps);
  let live = assemble(loaded, prepared);
  const slackSockets = createSlackSockets({
    logger,
    metrics,
    clicks: slackClicks,
    ...(options.slackSocket ? { tuning: options.slackSocket } : {}),
  });
  const recovered = await store.recover();
  deadLettered(recovered.deadLettered);

  const dispatcher = createDispatcher({
    store,
    logger,
    metrics,
    planConcurrency: () => live.plansAtOnce,
    jobConcurrency: delivery.concurrency * 4,
    plan: async (notification) => {
      const plan = await planDeliveries(notification, forNotification(live.pipeline, notification));
      // An episode that began may be due at once (a first step without `after`).
      if (plan.events?.some((event) => event.kind === 'incident-opened')) escalations.kick();
      return plan;
    },
    runJob: async (claimed) => {
      const { limits, pipeline } = live;
      return limits.afterAttempt(claimed, await runJob(claimed, pipeline));
    },
    delayFor: (claimed, now) => live.limits.delayFor(claimed, now),
    onJobFinished: () => watchdog.jobFinished(),
  });
  const escalations = createEscalationTimersLoop({
    store,
    policies: () => live.policies,
    onCall: () => live.onCall,
    logger: logger.child({ component: 'escalation' }),
    metrics,
    onQueued: () => dispatcher.kick(),
    ...(options.escalationIdleMs !== undefined ? { maxIdleMs: options.escalationIdleMs } : {}),
  });
  const watchdog = createWatchdog({
    thresholdMs: delivery.watchdog,
    jobsRunning: () => dispatcher.jobsRunning(),
    nextDueAt: () => store.nextDueAt(),
    logger,
  });
  registerStallMetrics(metrics.registry, {
    oldestUnfinishedAt: () => store.oldestUnfinishedAt(),
    jobsRunning: () => dispatcher.jobsRunning(),
    watchdogStalled: () => !watchdog.state().ok,
  });
  // Work another replica queued (a shared store) wakes this one's dispatcher too.
  store.onWork(() => dispatcher.kick());

  const reload = createConfigReloader(loaded, {
    load:
      options.loadConfig ??
      (() => loadConfig({ env: process.env, ...(loaded.file ? { file: path.join(baseDir, path.basename(loaded.file)) } : {}) })),
    build: async (next) => {
      // Masked before anything reads the new file: its checks may log what a destination answered.
      secrets.add(collectSecrets(next.config));
      return assemble(next, await check(next));
    },
    swap: (generation) => {
      live = generation;
      dispatcher.kick();
      escalations.kick();
      void slackSockets.replace(generation.slackInteractions);
    },
    logger,
    metrics,
  });

  let accepting = true;
  const app = createApp({
    charts,
    accept: createIntake({
      store,
      metrics,
      logger,
      onAccepted: () => dispatcher.kick(),
      runBeforeAck: (notification) =>
        beforeAckRuns.track(runBeforeAck(notification, { ...live.pipeline, maxTimeoutMs: config.server.request_timeout })),
      isAccepting: () => accepting,
    }),
    logger,
    metrics,
    store,
    mask: createSecretMasker(secrets),
    auth: config.server.auth,
    bodyLimit: config.server.body_limit,
    anyPath: config.server.any_path,
    slackInteractions: () => live.slackInteractions,
    incidentHooks: () => live.incidentHooks,
    routing: () => live,
    onRetry: () => dispatcher.kick(),
    incidentControl,
    onCall: () => live.onCall,
    reload,
    readiness: {
      accepting: () => (accepting ? { ok: true } : { ok: false, reason: 'shutting down' }),
      queue: () =>
        store.unfinishedCount() >= delivery.max_pending ? { ok: false, reason: `queue full (${delivery.max_pending})` } : { ok: true },
      store: () => store.health(),
      watchdog: () => watchdog.state(),
      slack_socket: slackSockets.readiness,
    },
  });
  const server = createServer(config, prepared, app);
  const { host, port } = prepared.listen;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const scheme = config.server.tls ? 'https' : 'http';
  const url = `${scheme}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  dispatcher.start();
  escalations.start();
  watchdog.start();
  await slackSockets.replace(live.slackInteractions);
  logger.info('alertpipe listening', {
    url,
    config: loaded.source,
    queue: delivery.queue,
    actions: [...live.actions.keys()],
    enrichers: live.pipeline.enrichers.map((step) => step.enricher.name),
    prometheus: config.prometheus.url ?? 'none',
    recovered,
  });
  // What each enricher asks Prometheus for, so that turning them all on is a known cost.
  for (const { enricher } of live.pipeline.enrichers)
    logger.info('enricher on', {
      enricher: enricher.name,
      cost: builtinEnricherCost(enricher.name) ?? 'a module of your own: its own queries',
    });

  return {
    server,
    url,
    store,
    metrics,
    logger,
    incidentControl,
    reload,
    async stop(graceMs = delivery.shutdown_grace) {
      accepting = false;
      watchdog.stop();
      // No step fires once shutdown began: one due now is found again at the next start.
      await escalations.stop();
      // No click arrives over a socket once shutdown began; those already in hand finish below.
      await slackSockets.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const abort = (): void => shutdown.abort(new Error('shutting down'));
      const [{ unfinished }] = await Promise.all([
        dispatcher.stop(graceMs, abort),
        beforeAckRuns.stop(graceMs, abort),
        slackClicks.stop(graceMs, abort),
      ]);
      // A request already past the door when shutdown began may start its before-ack run only now.
      abort();
      await beforeAckRuns.stop(0, abort);
      server.closeAllConnections();
      await closed;
      await store.close();
      logger.info('alertpipe stopped', {
        unfinished,
        kept: delivery.queue === 'memory' ? 'lost (memory queue)' : 'in the queue for the next start',
      });
    },
  };
}

function createServer(config: Config, { tls }: Prepared, app: ReturnType<typeof createApp>): Server {
  const { request_timeout } = config.server;
  if (tls === undefined) return createHttpServer({ requestTimeout: request_timeout }, app);
  return createHttpsServer({ requestTimeout: request_timeout, cert: tls.cert, key: tls.key }, app);
}
