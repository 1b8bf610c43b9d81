import type { Sample, Series } from '../../prometheus/prometheus-client.js';

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

/** The controller a pod belongs to, and what kube-state-metrics says of it. */
export interface Workload {
  readonly kind: string;
  readonly name: string;
  /** The ReplicaSet between a Deployment and its pods. */
  readonly replicaSet?: string;
  readonly desired?: number;
  readonly available?: number;
  readonly generation?: number;
  readonly observedGeneration?: number;
  /** When the generation last changed within the window, epoch seconds, and from what. */
  readonly changedAt?: number;
  readonly previousGeneration?: number;
}

/** kube-state-metrics' series for each kind: the label naming it and the metric per figure. */
export const WORKLOAD_METRICS: Record<
  WorkloadKind,
  { label: string; desired: string; available: string; generation: string; observed: string }
> = {
  Deployment: {
    label: 'deployment',
    desired: 'kube_deployment_spec_replicas',
    available: 'kube_deployment_status_replicas_available',
    generation: 'kube_deployment_metadata_generation',
    observed: 'kube_deployment_status_observed_generation',
  },
  StatefulSet: {
    label: 'statefulset',
    desired: 'kube_statefulset_replicas',
    available: 'kube_statefulset_status_replicas_ready',
    generation: 'kube_statefulset_metadata_generation',
    observed: 'kube_statefulset_status_observed_generation',
  },
  DaemonSet: {
    label: 'daemonset',
    desired: 'kube_daemonset_status_desired_number_scheduled',
    available: 'kube_daemonset_status_number_available',
    generation: 'kube_daemonset_metadata_generation',
    observed: 'kube_daemonset_status_observed_generation',
  },
};

export interface OwnerResults {
  readonly podOwners: readonly Sample[];
  readonly replicaSetOwners: readonly Sample[];
  readonly status: readonly Sample[];
  readonly generations: readonly Series[];
}

const isKind = (kind: string): kind is WorkloadKind => Object.hasOwn(WORKLOAD_METRICS, kind);

/** Follows a pod's owner chain (pod → ReplicaSet → Deployment, or straight to its controller) and gathers the workload's figures. */
export function workloadOf(namespace: string, pod: string, results: OwnerResults): Workload | undefined {
  const owners = results.podOwners.filter(
    (s) => s.labels.namespace === namespace && s.labels.pod === pod && s.labels.owner_kind && s.labels.owner_kind !== '<none>',
  );
  // A pod has one controller; other owner references (rare) are not what runs it.
  const owner = owners.find((s) => s.labels.owner_is_controller === 'true') ?? owners[0];
  if (owner === undefined) return undefined;
  let kind = owner.labels.owner_kind as string;
  let name = owner.labels.owner_name ?? '';
  let replicaSet: string | undefined;
  if (kind === 'ReplicaSet') {
    replicaSet = name;
    const parent = results.replicaSetOwners.find((s) => s.labels.namespace === namespace && s.labels.replicaset === replicaSet);
    if (parent?.labels.owner_kind && parent.labels.owner_kind !== '<none>') {
      kind = parent.labels.owner_kind;
      name = parent.labels.owner_name ?? '';
    }
  }
  if (!isKind(kind)) return { kind, name, ...(replicaSet && kind !== 'ReplicaSet' ? { replicaSet } : {}) };
  const metrics = WORKLOAD_METRICS[kind];
  const mine = (labels: Readonly<Record<string, string>>): boolean => labels.namespace === namespace && labels[metrics.label] === name;
  const figure = (metric: string): number | undefined => results.status.find((s) => s.labels.__name__ === metric && mine(s.labels))?.value;
  const history = results.generations.find((s) => s.labels.__name__ === metrics.generation && mine(s.labels));
  const change = lastChange(history?.points ?? []);
  const found: Record<string, number | string | undefined> = {
    kind,
    name,
    replicaSet,
    desired: figure(metrics.desired),
    available: figure(metrics.available),
    generation: figure(metrics.generation),
    observedGeneration: figure(metrics.observed),
    changedAt: change?.at,
    previousGeneration: change?.from,
  };
  return Object.fromEntries(Object.entries(found).filter(([, v]) => v !== undefined)) as unknown as Workload;
}

/** The first point of the latest value, if the value changed within the series. */
function lastChange(points: ReadonlyArray<readonly [number, number]>): { at: number; from: number } | undefined {
  for (let i = points.length - 1; i > 0; i--) {
    const [at, value] = points[i] as readonly [number, number];
    const from = (points[i - 1] as readonly [number, number])[1];
    if (value !== from) return { at, from };
  }
  return undefined;
}
