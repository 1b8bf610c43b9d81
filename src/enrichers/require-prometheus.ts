import type { BatchEnricherContext } from './enricher.js';
import type { PrometheusClient } from '../prometheus/prometheus-client.js';

/** The Prometheus client, or an error that says how to configure one (it becomes the alert's note). */
export function requirePrometheus(ctx: Pick<BatchEnricherContext, 'prometheus'>): PrometheusClient {
  if (ctx.prometheus === undefined) throw new Error('no Prometheus configured (set PROMETHEUS_URL or prometheus.url)');
  return ctx.prometheus;
}
