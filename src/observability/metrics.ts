import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createAmExecutorMetrics, type AmExecutorMetrics } from './am-executor-metrics.js';

/**
 * Every metric alertpipe exports, on a registry of its own (never prom-client's global one, so two
 * apps in one test process do not share counters).
 */
export interface Metrics {
  readonly registry: Registry;
  readonly notificationsReceived: Counter<'endpoint' | 'shape'>;
  readonly alertsReceived: Counter<'status'>;
  readonly invalidRequests: Counter<'reason'>;
  readonly alertFieldsTruncated: Counter<'field'>;
  readonly enrichmentDuration: Histogram<'enricher'>;
  readonly enrichmentErrors: Counter<'enricher' | 'reason'>;
  readonly prometheusQueries: Counter<'endpoint' | 'outcome'>;
  readonly prometheusQueryDuration: Histogram<'endpoint'>;
  readonly prometheusCacheHits: Counter<'endpoint'>;
  readonly actionOutcomes: Counter<'action' | 'type' | 'outcome'>;
  readonly actionDuration: Histogram<'action' | 'type'>;
  readonly alertsUnrouted: Counter<string>;
  readonly alertsDeduplicated: Counter<string>;
  readonly queueDepth: Gauge<string>;
  /** prometheus-am-executor's `am_executor_*` metrics, for the commands `exec` actions run. */
  readonly amExecutor: AmExecutorMetrics;
  readonly storeErrors: Counter<'operation'>;
  readonly templateErrors: Counter<'action' | 'template'>;
  readonly slackClicks: Counter<'button' | 'outcome'>;
  readonly slackGraphUploads: Counter<'outcome'>;
  readonly slackSocketConnected: Gauge<'action'>;
  readonly slackSocketReconnects: Counter<'action' | 'reason'>;
  readonly configReloadSuccessful: Gauge<string>;
  readonly configReloadSuccessTimestamp: Gauge<string>;
  readonly escalationSteps: Counter<'policy'>;
  readonly escalationStepLateness: Histogram<string>;
  readonly incidentChanges: Counter<'state'>;
}

export interface MetricsOptions {
  /** Process and Node.js runtime metrics (off in unit tests to keep output small). */
  defaultMetrics?: boolean;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry });
    // prom-client exports these sums as gauges named `_total`, which `promtool check metrics`
    // rejects (the suffix promises a counter). `sum(nodejs_active_handles)` gives the same number.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      registry.removeSingleMetric(name);
    }
  }
  const registers = [registry];
  return {
    registry,
    notificationsReceived: new Counter({
      name: 'alertpipe_notifications_received_total',
      help: 'Notifications accepted, by endpoint and input shape.',
      labelNames: ['endpoint', 'shape'],
      registers,
    }),
    alertsReceived: new Counter({
      name: 'alertpipe_alerts_received_total',
      help: 'Alerts accepted, by their own status.',
      labelNames: ['status'],
      registers,
    }),
    invalidRequests: new Counter({
      name: 'alertpipe_invalid_requests_total',
      help: 'Requests refused before acceptance, by reason.',
      labelNames: ['reason'],
      registers,
    }),
    alertFieldsTruncated: new Counter({
      name: 'alertpipe_alert_fields_truncated_total',
      help: 'Fields of accepted alerts cut or left out for being past the input limits, by field.',
      labelNames: ['field'],
      registers,
    }),
    enrichmentDuration: new Histogram({
      name: 'alertpipe_enrichment_duration_seconds',
      help: 'Time each enricher took for one notification.',
      labelNames: ['enricher'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    enrichmentErrors: new Counter({
      name: 'alertpipe_enrichment_errors_total',
      help: 'Enricher runs that failed or ran out of time.',
      labelNames: ['enricher', 'reason'],
      registers,
    }),
    prometheusQueries: new Counter({
      name: 'alertpipe_prometheus_queries_total',
      help: 'PromQL queries sent to Prometheus (cache hits excluded), by API endpoint and outcome.',
      labelNames: ['endpoint', 'outcome'],
      registers,
    }),
    prometheusQueryDuration: new Histogram({
      name: 'alertpipe_prometheus_query_duration_seconds',
      help: 'Time Prometheus took to answer a query.',
      labelNames: ['endpoint'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    prometheusCacheHits: new Counter({
      name: 'alertpipe_prometheus_query_cache_hits_total',
      help: 'PromQL queries answered from the short-lived cache (or joined to one in flight).',
      labelNames: ['endpoint'],
      registers,
    }),
    actionOutcomes: new Counter({
      name: 'alertpipe_action_outcomes_total',
      help: 'Action attempts, by action, type and outcome.',
      labelNames: ['action', 'type', 'outcome'],
      registers,
    }),
    actionDuration: new Histogram({
      name: 'alertpipe_action_duration_seconds',
      help: 'Time one action attempt took.',
      labelNames: ['action', 'type'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    alertsUnrouted: new Counter({
      name: 'alertpipe_alerts_unrouted_total',
      help: 'Alerts that matched no route and so ran no action.',
      registers,
    }),
    alertsDeduplicated: new Counter({
      name: 'alertpipe_alerts_deduplicated_total',
      help: 'Alerts not acted on again because the same action acted on them within the dedup window.',
      registers,
    }),
    queueDepth: new Gauge({
      name: 'alertpipe_queue_depth',
      help: 'Notifications accepted and not yet processed.',
      registers,
    }),
    amExecutor: createAmExecutorMetrics(registry),
    storeErrors: new Counter({
      name: 'alertpipe_store_errors_total',
      help: 'Queue store operations that failed (a full disk, a damaged or removed file), by operation.',
      labelNames: ['operation'],
      registers,
    }),
    templateErrors: new Counter({
      name: 'alertpipe_template_errors_total',
      help: 'Message templates that failed while rendering (the default text went out in their place), by action and template.',
      labelNames: ['action', 'template'],
      registers,
    }),
    slackClicks: new Counter({
      name: 'alertpipe_slack_clicks_total',
      help: 'Slack button clicks handled, by button and outcome (done, failed, unknown message, refused: signed by another app, unchanged: already so).',
      labelNames: ['button', 'outcome'],
      registers,
    }),
    slackGraphUploads: new Counter({
      name: 'alertpipe_slack_graph_uploads_total',
      help: 'Graphs attached to Slack threads, by outcome (uploaded, failed); a failure leaves the message as posted.',
      labelNames: ['outcome'],
      registers,
    }),
    slackSocketConnected: new Gauge({
      name: 'alertpipe_slack_socket_connected',
      help: 'Whether the Slack Socket Mode connection of a Slack app (named by its first action) is open (1) or down (0).',
      labelNames: ['action'],
      registers,
    }),
    slackSocketReconnects: new Counter({
      name: 'alertpipe_slack_socket_reconnects_total',
      help: 'Slack Socket Mode connections opened anew, by reason (refresh_requested, link_disabled, warning, dropped, silent, open_failed).',
      labelNames: ['action', 'reason'],
      registers,
    }),
    // Alertmanager's and Prometheus's names for the same two facts, so the same alert rule works.
    configReloadSuccessful: new Gauge({
      name: 'alertpipe_config_last_reload_successful',
      help: 'Whether the last config load (at start, SIGHUP or POST /-/reload) succeeded (1) or kept the previous config (0).',
      registers,
    }),
    configReloadSuccessTimestamp: new Gauge({
      name: 'alertpipe_config_last_reload_success_timestamp_seconds',
      help: 'When the config in force was loaded, in seconds since the epoch.',
      registers,
    }),
    escalationSteps: new Counter({
      name: 'alertpipe_escalation_steps_total',
      help: 'Escalation steps run (their notification queued), by policy.',
      labelNames: ['policy'],
      registers,
    }),
    escalationStepLateness: new Histogram({
      name: 'alertpipe_escalation_step_lateness_seconds',
      help: 'How long after it fell due an escalation step ran.',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers,
    }),
    incidentChanges: new Counter({
      name: 'alertpipe_incidents_total',
      help: 'Episodes under escalation entering a state: triggered (begun, or unacknowledged), acknowledged, resolved.',
      labelNames: ['state'],
      registers,
    }),
  };
}
