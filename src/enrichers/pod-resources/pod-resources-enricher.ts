import type { Alert, Enrichment } from '../../model/model.js';
import type { Enricher } from '../enricher.js';
import { perAlertEnricher } from '../per-alert-enricher.js';
import { formatBytes, formatCores, formatPercent } from '../../lib/format-units.js';
import { fetchPodUsage } from './pod-usage-queries.js';
import type { PodUsage, ResourceUsage } from './pod-usage.js';
import { requirePrometheus } from '../require-prometheus.js';
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
 * the number of pods, and six per batch of notifications planned together: every pod is in one
 * selector, and results are matched back to the exact (namespace, pod) pairs.
 */
export function createPodResourcesEnricher(options: Partial<PodResourcesOptions> = {}): Enricher {
  const { rateWindow, historySeconds, stepSeconds } = { ...DEFAULT_POD_RESOURCES_OPTIONS, ...options };
  return perAlertEnricher({
    name: 'pod-resources',
    appliesTo: (alert) => Boolean(alert.labels.namespace && alert.labels.pod),
    fetch: (alerts, ctx) => fetchPodUsage(requirePrometheus(ctx), alerts, { rateWindow, historySeconds, stepSeconds }, ctx.signal),
    describe: (alert, usage) => describe(alert, usage.get(podKey(alert.labels.namespace as string, alert.labels.pod as string))),
  });
}

function describe(alert: Alert, usage: PodUsage | undefined): Enrichment {
  const pod = podKey(alert.labels.namespace as string, alert.labels.pod as string);
  if (usage === undefined) {
    return { fields: [], notes: [`no cAdvisor metrics for ${pod} in Prometheus (the pod is gone, or not scraped)`] };
  }
  const recovered = alert.status === 'resolved';
  return {
    fields: [
      { label: 'CPU', value: line(usage.cpu, formatCores, recovered) },
      { label: 'Memory', value: line(usage.memory, formatBytes, recovered) },
    ],
    data: {
      pod,
      cpu: {
        usedCores: usage.cpu.used,
        requestCores: usage.cpu.request,
        limitCores: usage.cpu.limit,
        percentOfLimit: percentOf(usage.cpu),
        peakCores: peakOf(usage.cpu),
        sparkline: sparkline(usage.cpu.history),
      },
      memory: {
        usedBytes: usage.memory.used,
        requestBytes: usage.memory.request,
        limitBytes: usage.memory.limit,
        percentOfLimit: percentOf(usage.memory),
        peakBytes: peakOf(usage.memory),
        sparkline: sparkline(usage.memory.history),
      },
    },
  };
}

/**
 * `0.42 cores · 84% of limit 0.5 cores · request 0.25 cores · ▁▂▃▅▇`; once the alert has resolved,
 * the recovery first: `back to 41% of limit 512 MiB, from a peak of 96% · 210 MiB · …`, which tells
 * whoever reads the resolve whether the pod is truly fine or merely under the threshold.
 */
function line(resource: ResourceUsage, format: (value: number) => string, recovered: boolean): string {
  const parts = [format(resource.used)];
  const { limit } = resource;
  const peak = peakOf(resource);
  if (recovered) {
    const share = (value: number): string => (limit === undefined ? format(value) : formatPercent(value / limit));
    const from = peak === undefined || peak <= resource.used ? '' : `, from a peak of ${share(peak)} in the last hour`;
    parts.unshift(`back to ${share(resource.used)}${limit === undefined ? '' : ` of limit ${format(limit)}`}${from}`);
    if (limit === undefined) parts.push('no limit');
  } else {
    parts.push(limit === undefined ? 'no limit' : `${formatPercent(resource.used / limit)} of limit ${format(limit)}`);
  }
  if (resource.request !== undefined) parts.push(`request ${format(resource.request)}`);
  const spark = sparkline(resource.history);
  if (spark) parts.push(spark);
  return parts.join(' · ');
}

function peakOf(resource: ResourceUsage): number | undefined {
  const finite = resource.history.filter(Number.isFinite);
  return finite.length === 0 ? undefined : Math.max(...finite);
}

function percentOf(resource: ResourceUsage): number | undefined {
  return resource.limit === undefined ? undefined : Math.round((resource.used / resource.limit) * 1000) / 10;
}
