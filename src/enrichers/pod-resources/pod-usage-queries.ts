import type { Alert } from '../../model/model.js';
import type { PrometheusClient } from '../../prometheus/prometheus-client.js';
import { podUsageOf, type PodUsage } from './pod-usage.js';
import { anyOf } from '../../prometheus/promql-selector.js';

export interface PodUsageQueryOptions {
  readonly rateWindow: string;
  readonly historySeconds: number;
  readonly stepSeconds: number;
}

/** `namespace/pod`, the key of `fetchPodUsage`'s answer. */
export const podKey = (namespace: string, pod: string): string => `${namespace}/${pod}`;

/**
 * The six queries behind a pod's CPU and memory against its requests and limits, for every pod of
 * the alerts at once. `pod-resources` and `graph` both call this: with the same options they send
 * byte-identical queries, which the Prometheus client answers with one request (joined in flight,
 * or from its cache), so the graph costs no query of its own.
 */
export async function fetchPodUsage(
  prometheus: PrometheusClient,
  alerts: readonly Alert[],
  options: PodUsageQueryOptions,
  signal: AbortSignal,
): Promise<Map<string, PodUsage>> {
  const pods = new Set(alerts.map((a) => podKey(a.labels.namespace as string, a.labels.pod as string)));
  const selector = `${anyOf(
    'namespace',
    alerts.map((a) => a.labels.namespace as string),
  )}, ${anyOf(
    'pod',
    alerts.map((a) => a.labels.pod as string),
  )}`;
  // The pause container and the pod-level cgroup (container="") would count usage twice.
  const containers = `container!="", container!="POD", ${selector}`;
  const cpuRate = `rate(container_cpu_usage_seconds_total{${containers}}[${options.rateWindow}])`;
  const memory = `container_memory_working_set_bytes{${containers}}`;
  const range = { rangeSeconds: options.historySeconds, stepSeconds: options.stepSeconds };
  const [cpu, mem, requests, limits, cpuHistory, memHistory] = await Promise.all([
    prometheus.query(`sum by (namespace, pod, container) (${cpuRate})`, signal),
    prometheus.query(`sum by (namespace, pod, container) (${memory})`, signal),
    prometheus.query(
      `sum by (namespace, pod, container, resource) (kube_pod_container_resource_requests{resource=~"cpu|memory", ${selector}})`,
      signal,
    ),
    prometheus.query(
      `sum by (namespace, pod, container, resource) (kube_pod_container_resource_limits{resource=~"cpu|memory", ${selector}})`,
      signal,
    ),
    prometheus.queryRange(`sum by (namespace, pod) (${cpuRate})`, range, signal),
    prometheus.queryRange(`sum by (namespace, pod) (${memory})`, range, signal),
  ]);
  return podUsageOf({ cpu, mem, requests, limits, cpuHistory, memHistory }, pods);
}
