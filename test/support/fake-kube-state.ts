/**
 * kube-state-metrics- and cAdvisor-shaped series about what happens to pods over time: restarts,
 * terminations, owners, Deployments that roll out, CPU throttling. Served by the fake exporter
 * beside its resource series; counters grow with wall-clock time so `increase()`, `rate()` and
 * range queries see real change; time counts from the first scrape.
 */
export interface FakePodLife {
  readonly namespace: string;
  readonly pod: string;
  readonly node?: string;
  readonly hostIp?: string;
  /** The pod's controller: a ReplicaSet (of a Deployment, see `replicaSets`), a StatefulSet, a DaemonSet. */
  readonly owner?: { readonly kind: string; readonly name: string };
  readonly containers: ReadonlyArray<{
    readonly name: string;
    /** The restart counter starts here and grows by one every `restartEverySeconds`. */
    readonly restartsAtStart?: number;
    readonly restartEverySeconds?: number;
    readonly lastTerminated?: { readonly reason: string; readonly exitCode: number };
    /** Share of CFS periods throttled (100 periods a second). */
    readonly throttledShare?: number;
  }>;
}

export interface FakeDeployment {
  readonly namespace: string;
  readonly name: string;
  readonly desired: number;
  readonly available: number;
  readonly generation: number;
  /** The generation goes up by one this many seconds after the first scrape: a rollout. */
  readonly rolloutAfterSeconds?: number;
}

export interface FakeKubeState {
  readonly pods?: readonly FakePodLife[];
  readonly replicaSets?: ReadonlyArray<{ readonly namespace: string; readonly name: string; readonly deployment: string }>;
  readonly deployments?: readonly FakeDeployment[];
}

type Labels = Record<string, string>;
const label = (pairs: Labels): string =>
  `{${Object.entries(pairs)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;

export function renderKubeState(scene: FakeKubeState, elapsed: number): string[] {
  const lines = [
    '# TYPE kube_pod_container_status_restarts_total counter',
    '# TYPE container_cpu_cfs_periods_total counter',
    '# TYPE container_cpu_cfs_throttled_periods_total counter',
  ];
  for (const pod of scene.pods ?? []) {
    const id = { namespace: pod.namespace, pod: pod.pod };
    if (pod.node)
      lines.push(`kube_pod_info${label({ ...id, node: pod.node, host_ip: pod.hostIp ?? '10.0.0.1', uid: `uid-${pod.pod}` })} 1`);
    if (pod.owner) {
      lines.push(
        `kube_pod_owner${label({ ...id, owner_kind: pod.owner.kind, owner_name: pod.owner.name, owner_is_controller: 'true', uid: `uid-${pod.pod}` })} 1`,
      );
    }
    for (const c of pod.containers) {
      const cid = { ...id, container: c.name };
      const restarts = (c.restartsAtStart ?? 0) + (c.restartEverySeconds ? Math.floor(elapsed / c.restartEverySeconds) : 0);
      lines.push(`kube_pod_container_status_restarts_total${label(cid)} ${restarts}`);
      if (c.lastTerminated) {
        for (const reason of ['OOMKilled', 'Error', 'Completed']) {
          lines.push(
            `kube_pod_container_status_last_terminated_reason${label({ ...cid, reason })} ${reason === c.lastTerminated.reason ? 1 : 0}`,
          );
        }
        lines.push(`kube_pod_container_status_last_terminated_exitcode${label(cid)} ${c.lastTerminated.exitCode}`);
      }
      if (c.throttledShare !== undefined) {
        lines.push(`container_cpu_cfs_periods_total${label(cid)} ${Math.floor(1000 + 100 * elapsed)}`);
        lines.push(`container_cpu_cfs_throttled_periods_total${label(cid)} ${Math.floor(100 + 100 * c.throttledShare * elapsed)}`);
      }
    }
  }
  for (const rs of scene.replicaSets ?? []) {
    lines.push(
      `kube_replicaset_owner${label({ namespace: rs.namespace, replicaset: rs.name, owner_kind: 'Deployment', owner_name: rs.deployment, owner_is_controller: 'true' })} 1`,
    );
  }
  for (const d of scene.deployments ?? []) {
    const id = { namespace: d.namespace, deployment: d.name };
    const generation = d.generation + (d.rolloutAfterSeconds !== undefined && elapsed >= d.rolloutAfterSeconds ? 1 : 0);
    lines.push(`kube_deployment_spec_replicas${label(id)} ${d.desired}`);
    lines.push(`kube_deployment_status_replicas_available${label(id)} ${d.available}`);
    lines.push(`kube_deployment_metadata_generation${label(id)} ${generation}`);
    lines.push(`kube_deployment_status_observed_generation${label(id)} ${generation}`);
  }
  return lines;
}
