import type { FakePod } from './fake-exporter.js';
import type { FakeKubeState } from './fake-kube-state.js';

const MiB = 1024 ** 2;

/**
 * A crash-looping pod of a Deployment that has just rolled out: its container restarts every
 * 2 s and was last OOM-killed, it is CPU-throttled, its node is under memory pressure, and a
 * neighbour in the namespace uses a lot of memory. Shared by the integration and e2e tests.
 */
export function crashLoopScene(options: { fleet?: number } = {}): { pods: FakePod[]; kubeState: FakeKubeState } {
  // `fleet` more crash-looping pods of one Deployment in namespace `fleet`, for counting queries.
  const crashing = [
    { namespace: 'shop', pod: 'cart-7d9f8b6c5-x2x9z' },
    ...Array.from({ length: options.fleet ?? 0 }, (_, i) => ({ namespace: 'fleet', pod: `cart-7d9f8b6c5-${String(i).padStart(5, '0')}` })),
  ];
  const pods: FakePod[] = [
    ...crashing.map(({ namespace, pod }) => ({
      namespace,
      pod,
      containers: [
        {
          name: 'cart',
          cpuCores: 0.45,
          memoryBytes: 480 * MiB,
          cpuRequest: 0.25,
          cpuLimit: 0.5,
          memoryRequest: 256 * MiB,
          memoryLimit: 512 * MiB,
        },
      ],
    })),
    {
      namespace: 'shop',
      pod: 'search-1',
      containers: [{ name: 'search', cpuCores: 0.1, memoryBytes: 900 * MiB, memoryLimit: 1024 * MiB }],
    },
  ];
  return {
    pods,
    kubeState: {
      pods: [
        ...crashing.map(({ namespace, pod }) => ({
          namespace,
          pod,
          node: 'node-1',
          hostIp: '10.0.0.11',
          owner: { kind: 'ReplicaSet', name: 'cart-7d9f8b6c5' },
          containers: [
            {
              name: 'cart',
              restartsAtStart: 7,
              restartEverySeconds: 2,
              lastTerminated: { reason: 'OOMKilled', exitCode: 137 },
              throttledShare: 0.4,
            },
          ],
        })),
        {
          namespace: 'shop',
          pod: 'search-1',
          node: 'node-2',
          owner: { kind: 'StatefulSet', name: 'search' },
          containers: [{ name: 'search' }],
        },
      ],
      replicaSets: [
        { namespace: 'shop', name: 'cart-7d9f8b6c5', deployment: 'cart' },
        { namespace: 'shop', name: 'cart-5b4c3d2e1', deployment: 'cart' },
        { namespace: 'fleet', name: 'cart-7d9f8b6c5', deployment: 'cart' },
      ],
      deployments: [
        { namespace: 'shop', name: 'cart', desired: 3, available: 1, generation: 4, rolloutAfterSeconds: 4 },
        { namespace: 'fleet', name: 'cart', desired: 30, available: 0, generation: 2, rolloutAfterSeconds: 4 },
      ],
    },
  };
}

/** Alerting rules that fire on the scene: the crash loop, an OOM kill on the same pod, the node, a neighbour, and one elsewhere. */
export const CRASH_LOOP_RULES = `groups:
  - name: scene
    rules:
      - alert: KubePodCrashLooping
        expr: increase(kube_pod_container_status_restarts_total{namespace="shop", container="cart"}[20s]) > 0
          and on (namespace, pod) count_over_time(container_memory_working_set_bytes{container="cart"}[30s]) >= 12
        labels: { severity: critical }
        annotations: { summary: "Pod is crash looping." }
      # The fleet's pods start crash looping later, so their notification comes second.
      - alert: KubePodCrashLooping
        expr: increase(kube_pod_container_status_restarts_total{namespace="fleet", container="cart"}[20s]) > 0
          and on (namespace, pod) count_over_time(container_memory_working_set_bytes{container="cart"}[60s]) >= 26
        labels: { severity: critical }
        annotations: { summary: "Pod is crash looping." }
      - alert: KubeContainerOOMKilled
        expr: kube_pod_container_status_last_terminated_reason{namespace="shop", reason="OOMKilled"} == 1
        labels: { severity: warning }
      # On node-1 (where the crash-looping pod runs) and on node-2, which must not count.
      - alert: NodeMemoryPressure
        expr: max by (node) (kube_pod_info{namespace="shop"})
        labels: { severity: warning }
      - alert: PodMemoryHigh
        expr: container_memory_working_set_bytes{namespace="shop", pod="search-1", container="search"} > 800 * 1024 * 1024
        labels: { severity: warning }
`;
