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

/** The label that says which part of a merged query a series answers; none of the parts has it. */
const PART = 'alertpipe_part';

/** `a or b or …`, each part's series labelled with its name, so that `or` keeps them all apart. */
function tagged(parts: Readonly<Record<string, string>>): string {
  return Object.entries(parts)
    .map(([name, promql]) => `label_replace(${promql}, "${PART}", "${name}", "", "")`)
    .join(' or ');
}

/** The series of one part of a merged answer, in the order Prometheus answered them. */
function partOf<T extends { readonly labels: Readonly<Record<string, string>> }>(answer: readonly T[], name: string): T[] {
  return answer.filter((item) => item.labels[PART] === name);
}

/**
 * The queries behind a pod's CPU and memory against its requests and limits, for every pod of the
 * alerts at once: one instant query (usage, requests, limits) and one range query (the last hour),
 * each the six former queries' parts joined with `or`, every part's series labelled with its name,
 * so that a round costs Prometheus two requests and the figures are those of the parts asked
 * apart. `pod-resources` and `graph` both call this: with the same options they send
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
  const [now, history] = await Promise.all([
    prometheus.query(
      tagged({
        cpu: `sum by (namespace, pod, container) (${cpuRate})`,
        mem: `sum by (namespace, pod, container) (${memory})`,
        requests: `sum by (namespace, pod, container, resource) (kube_pod_container_resource_requests{resource=~"cpu|memory", ${selector}})`,
        limits: `sum by (namespace, pod, container, resource) (kube_pod_container_resource_limits{resource=~"cpu|memory", ${selector}})`,
      }),
      signal,
    ),
    prometheus.queryRange(
      tagged({ cpu: `sum by (namespace, pod) (${cpuRate})`, mem: `sum by (namespace, pod) (${memory})` }),
      range,
      signal,
    ),
  ]);
  return podUsageOf(
    {
      cpu: partOf(now, 'cpu'),
      mem: partOf(now, 'mem'),
      requests: partOf(now, 'requests'),
      limits: partOf(now, 'limits'),
      cpuHistory: partOf(history, 'cpu'),
      memHistory: partOf(history, 'mem'),
    },
    pods,
  );
}
