import type { Alert, Enrichment } from '../pipeline/model.js';
import type { Enricher } from './enricher.js';
import { formatBytes, formatCores, formatPercent } from './format-units.js';
import { podUsageOf, type PodUsage, type ResourceUsage } from './pod-usage.js';
import { anyOf } from './promql-selector.js';
import { requirePrometheus } from './require-prometheus.js';
import { sparkline } from './sparkline.js';

export interface PodResourcesOptions {
  /** The `rate()` window for CPU; at least four scrape intervals. */
  readonly rateWindow: string;
  /** How far back the sparklines reach, and their step, in seconds. */
  readonly historySeconds: number;
  readonly stepSeconds: number;
}

export const DEFAULT_POD_RESOURCES_OPTIONS: PodResourcesOptions = { rateWindow: '5m', historySeconds: 3600, stepSeconds: 180 };

const podKey = (namespace: string, pod: string): string => `${namespace}/${pod}`;

/**
 * CPU and memory of each alert's pod against its requests and limits (cAdvisor and
 * kube-state-metrics v2), with the last hour as a sparkline. Six queries per notification, whatever
 * the number of pods: every pod of the group is in one selector, and results are matched back to
 * the exact (namespace, pod) pairs.
 */
export function createPodResourcesEnricher(options: Partial<PodResourcesOptions> = {}): Enricher {
  const { rateWindow, historySeconds, stepSeconds } = { ...DEFAULT_POD_RESOURCES_OPTIONS, ...options };
  return {
    name: 'pod-resources',
    appliesTo: (alert) => Boolean(alert.labels.namespace && alert.labels.pod),
    async enrich(alerts, ctx) {
      const prometheus = requirePrometheus(ctx);
      const pods = new Set(alerts.map((a) => podKey(a.labels.namespace as string, a.labels.pod as string)));
      const selector = `${anyOf('namespace', alerts.map((a) => a.labels.namespace as string))}, ${anyOf('pod', alerts.map((a) => a.labels.pod as string))}`;
      // The pause container and the pod-level cgroup (container="") would count usage twice.
      const containers = `container!="", container!="POD", ${selector}`;
      const cpuRate = `rate(container_cpu_usage_seconds_total{${containers}}[${rateWindow}])`;
      const memory = `container_memory_working_set_bytes{${containers}}`;
      const range = { rangeSeconds: historySeconds, stepSeconds };
      const { signal } = ctx;
      const [cpu, mem, requests, limits, cpuHistory, memHistory] = await Promise.all([
        prometheus.query(`sum by (namespace, pod, container) (${cpuRate})`, signal),
        prometheus.query(`sum by (namespace, pod, container) (${memory})`, signal),
        prometheus.query(`sum by (namespace, pod, container, resource) (kube_pod_container_resource_requests{resource=~"cpu|memory", ${selector}})`, signal),
        prometheus.query(`sum by (namespace, pod, container, resource) (kube_pod_container_resource_limits{resource=~"cpu|memory", ${selector}})`, signal),
        prometheus.queryRange(`sum by (namespace, pod) (${cpuRate})`, range, signal),
        prometheus.queryRange(`sum by (namespace, pod) (${memory})`, range, signal),
      ]);
      const usage = podUsageOf({ cpu, mem, requests, limits, cpuHistory, memHistory }, pods);
      return new Map(alerts.map((alert) => [alert.fingerprint, describe(alert, usage.get(podKey(alert.labels.namespace as string, alert.labels.pod as string)))]));
    },
  };
}

function describe(alert: Alert, usage: PodUsage | undefined): Enrichment {
  const pod = podKey(alert.labels.namespace as string, alert.labels.pod as string);
  if (usage === undefined) {
    return { fields: [], notes: [`no cAdvisor metrics for ${pod} in Prometheus (the pod is gone, or not scraped)`] };
  }
  return {
    fields: [
      { label: 'CPU', value: line(usage.cpu, formatCores) },
      { label: 'Memory', value: line(usage.memory, formatBytes) },
    ],
    data: {
      pod,
      cpu: { usedCores: usage.cpu.used, requestCores: usage.cpu.request, limitCores: usage.cpu.limit, percentOfLimit: percentOf(usage.cpu), sparkline: sparkline(usage.cpu.history) },
      memory: { usedBytes: usage.memory.used, requestBytes: usage.memory.request, limitBytes: usage.memory.limit, percentOfLimit: percentOf(usage.memory), sparkline: sparkline(usage.memory.history) },
    },
  };
}

/** `0.42 cores · 84% of limit 0.5 cores · request 0.25 cores · ▁▂▃▅▇` */
function line(resource: ResourceUsage, format: (value: number) => string): string {
  const parts = [format(resource.used)];
  parts.push(resource.limit === undefined ? 'no limit' : `${formatPercent(resource.used / resource.limit)} of limit ${format(resource.limit)}`);
  if (resource.request !== undefined) parts.push(`request ${format(resource.request)}`);
  const spark = sparkline(resource.history);
  if (spark) parts.push(spark);
  return parts.join(' · ');
}

function percentOf(resource: ResourceUsage): number | undefined {
  return resource.limit === undefined ? undefined : Math.round((resource.used / resource.limit) * 1000) / 10;
}
