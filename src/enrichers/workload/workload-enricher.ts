import type { EnrichmentField } from '../../model/model.js';
import type { Enricher } from '../enricher.js';
import { perAlertEnricher } from '../per-alert-enricher.js';
import { formatDuration } from '../../lib/format-units.js';
import { anyOf } from '../../prometheus/promql-selector.js';
import { requirePrometheus } from '../require-prometheus.js';
import { WORKLOAD_METRICS, workloadOf, type Workload } from './workload-owners.js';

export interface WorkloadOptions {
  /** How far back a generation change counts as a recent rollout, and the resolution of its time, in seconds. */
  readonly historySeconds: number;
  readonly stepSeconds: number;
}

export const DEFAULT_WORKLOAD_OPTIONS: WorkloadOptions = { historySeconds: 3600, stepSeconds: 60 };

const STATUS_METRICS = Object.values(WORKLOAD_METRICS).flatMap((m) => [m.desired, m.available, m.generation, m.observed]);
const GENERATION_METRICS = Object.values(WORKLOAD_METRICS).map((m) => m.generation);

/**
 * The workload that owns each alert's pod (through its ReplicaSet to the Deployment, or its
 * StatefulSet or DaemonSet), its replicas desired against available, and whether its spec changed
 * within the last hour: the rollout that so often precedes a page. Four queries per notification,
 * whatever the number of pods: pod owners, ReplicaSet owners restricted to those pods' ReplicaSets,
 * the workloads' figures, and their generations over the window.
 */
export function createWorkloadEnricher(options: Partial<WorkloadOptions> = {}): Enricher {
  const { historySeconds, stepSeconds } = { ...DEFAULT_WORKLOAD_OPTIONS, ...options };
  return perAlertEnricher({
    name: 'workload',
    appliesTo: (alert) => Boolean(alert.labels.namespace && alert.labels.pod),
    async fetch(alerts, ctx) {
      const prometheus = requirePrometheus(ctx);
      const namespaces = anyOf(
        'namespace',
        alerts.map((a) => a.labels.namespace as string),
      );
      const selector = `${namespaces}, ${anyOf(
        'pod',
        alerts.map((a) => a.labels.pod as string),
      )}`;
      const { signal } = ctx;
      const [podOwners, replicaSetOwners, status, generations] = await Promise.all([
        prometheus.query(`kube_pod_owner{${selector}}`, signal),
        prometheus.query(
          `kube_replicaset_owner{${namespaces}} and on (namespace, replicaset) label_replace(kube_pod_owner{owner_kind="ReplicaSet", ${selector}}, "replicaset", "$1", "owner_name", "(.+)")`,
          signal,
        ),
        prometheus.query(`{__name__=~"${STATUS_METRICS.join('|')}", ${namespaces}}`, signal),
        prometheus.queryRange(
          `{__name__=~"${GENERATION_METRICS.join('|')}", ${namespaces}}`,
          { rangeSeconds: historySeconds, stepSeconds },
          signal,
        ),
      ]);
      return { series: { podOwners, replicaSetOwners, status, generations }, now: Date.now() / 1000 };
    },
    describe(alert, { series, now }) {
      const { namespace, pod } = alert.labels as { namespace: string; pod: string };
      const workload = workloadOf(namespace, pod, series);
      if (workload === undefined) return { fields: [], notes: [`no kube_pod_owner series for ${namespace}/${pod} in Prometheus`] };
      return { fields: fieldsOf(workload, now, historySeconds), data: { ...workload } };
    },
  });
}

/** `Deployment cart (ReplicaSet cart-7d9f8b6c5) · 2 of 3 available` and the rollout line. */
function fieldsOf(workload: Workload, now: number, historySeconds: number): EnrichmentField[] {
  const parts = [`${workload.kind} ${workload.name}${workload.replicaSet ? ` (ReplicaSet ${workload.replicaSet})` : ''}`];
  if (workload.desired !== undefined) parts.push(`${workload.available ?? 'n/a'} of ${workload.desired} available`);
  const fields: EnrichmentField[] = [{ label: 'Workload', value: parts.join(' · ') }];
  if (workload.generation === undefined) return fields;
  const rollout: string[] = [];
  if (workload.changedAt !== undefined) {
    rollout.push(
      `rolled out ${formatDuration(now - workload.changedAt)} ago (generation ${workload.previousGeneration} → ${workload.generation})`,
    );
  } else {
    rollout.push(`none in the last ${formatDuration(historySeconds)} (generation ${workload.generation})`);
  }
  if (workload.observedGeneration !== undefined && workload.observedGeneration < workload.generation) {
    rollout.push(`in progress: the controller has seen generation ${workload.observedGeneration}`);
  }
  fields.push({ label: 'Rollout', value: rollout.join(' · ') });
  return fields;
}
