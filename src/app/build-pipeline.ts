import type { Action } from '../integrations/action.js';
import { logActionType } from '../integrations/log/log-action.js';
import type { ActionDeps } from '../integrations/action-type.js';
import { createAction } from '../integrations/registry.js';
import type { Config } from '../config/schema.js';
import { createAlertmanagerClient } from '../alertmanager/alertmanager-client.js';
import {
  createBuiltinEnricher,
  DEFAULT_ENRICHERS,
  type BuiltinEnricherDeps,
  type BuiltinEnricherName,
} from '../enrichers/builtin-enrichers.js';
import { loadEnricherModule } from '../enrichers/load-enricher-module.js';
import { createPrometheusClient, type PrometheusClient } from '../prometheus/prometheus-client.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { EnricherStep } from '../pipeline/enrich-chain.js';
import type { Route } from '../pipeline/router.js';
import type { EscalationPolicy } from '../oncall/escalation-policy.js';

/** How the config becomes the pipeline's parts: the Prometheus client, actions, enrichers, routes. */

export function buildPrometheusClient(config: Config, metrics: Metrics): PrometheusClient | undefined {
  const { url, timeout, auth, headers, cache_ttl, max_response_size } = config.prometheus;
  if (url === undefined) return undefined;
  return createPrometheusClient({
    url,
    timeoutMs: timeout,
    cacheTtlMs: cache_ttl,
    maxResponseBytes: max_response_size,
    metrics,
    ...(auth?.bearer_token ? { bearerToken: auth.bearer_token } : {}),
    ...(auth?.basic ? { basicAuth: auth.basic } : {}),
    ...(headers ? { headers } : {}),
  });
}

/** Builds every action, compiling their message templates (`baseDir` resolves `template_file`). */
export function buildActions(config: Config, logger: Logger, more: Omit<ActionDeps, 'logger'>): Map<string, Action> {
  // `log` exists even when the config does not define it, so routes can always name it.
  const sections = { log: logActionType.schema.parse({ type: 'log' }), ...config.actions };
  return new Map(Object.entries(sections).map(([name, section]) => [name, createAction(name, section, { logger, ...more })]));
}

/** Without routes, every alert goes to every action: the environment-only behaviour. */
export function routesOf(config: Config, actions: ReadonlyMap<string, Action>): Route[] {
  return config.routes ?? [{ matchers: [], actions: [...actions.keys()], continue: false }];
}

/** The config's `escalations:` as the engine walks them (durations already in ms). */
export function policiesOf(config: Config): Map<string, EscalationPolicy> {
  return new Map(
    Object.entries(config.escalations ?? {}).map(([name, policy]) => [
      name,
      {
        name,
        repeat: policy.repeat,
        steps: policy.steps.map((step) => ({ after: step.after, actions: step.actions, ...(step.notify ? { notify: step.notify } : {}) })),
      },
    ]),
  );
}

const DEFAULT_ENRICHER_TIMEOUT_MS = 3_000;

/**
 * The configured enrichers, or, when the config names none, the built-ins, as long as there is a
 * Prometheus to ask. Modules of your own are loaded here, once, at start-up.
 */
export async function buildEnricherSteps(config: Config, baseDir: string): Promise<EnricherStep[]> {
  const entries = config.enrichers ?? (config.prometheus.url ? DEFAULT_ENRICHERS : []);
  const { url: alertmanagerUrl, timeout, max_response_size } = config.alertmanager;
  const deps: BuiltinEnricherDeps = {
    ...(alertmanagerUrl
      ? { alertmanager: createAlertmanagerClient({ url: alertmanagerUrl, timeoutMs: timeout, maxResponseBytes: max_response_size }) }
      : {}),
    ...(config.server.external_url ? { externalUrl: config.server.external_url } : {}),
  };
  return Promise.all(
    entries.map(async (entry): Promise<EnricherStep> => {
      if (typeof entry === 'string')
        return { enricher: createBuiltinEnricher(entry as BuiltinEnricherName, undefined, deps), timeoutMs: DEFAULT_ENRICHER_TIMEOUT_MS };
      const timeoutMs = entry.timeout ?? DEFAULT_ENRICHER_TIMEOUT_MS;
      if ('module' in entry) return { enricher: await loadEnricherModule(entry.module, baseDir, entry.options), timeoutMs };
      return { enricher: createBuiltinEnricher(entry.name as BuiltinEnricherName, entry.options, deps), timeoutMs };
    }),
  );
}
