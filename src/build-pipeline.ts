import type { Action } from './actions/action.js';
import { logActionType } from './actions/log-action.js';
import { createAction } from './actions/registry.js';
import type { Config } from './config/schema.js';
import { createPrometheusClient, type PrometheusClient } from './enrichers/prometheus-client.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import type { EnricherStep } from './pipeline/enrich-chain.js';
import type { Route } from './pipeline/router.js';

/** How the config becomes the pipeline's parts: the Prometheus client, actions, enrichers, routes. */

export function buildPrometheusClient(config: Config, metrics: Metrics): PrometheusClient | undefined {
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

export function buildActions(config: Config, logger: Logger): Map<string, Action> {
  // `log` exists even when the config does not define it, so routes can always name it.
  const sections = { log: logActionType.schema.parse({ type: 'log' }), ...config.actions };
  return new Map(Object.entries(sections).map(([name, section]) => [name, createAction(name, section, { logger })]));
}

/** Without routes, every alert goes to every action: the environment-only behaviour. */
export function routesOf(config: Config, actions: ReadonlyMap<string, Action>): Route[] {
  return config.routes ?? [{ matchers: [], actions: [...actions.keys()], continue: false }];
}

export async function buildEnricherSteps(_config: Config, _baseDir: string): Promise<EnricherStep[]> {
  return [];
}
