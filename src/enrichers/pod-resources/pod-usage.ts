import type { Sample, Series } from '../../prometheus/prometheus-client.js';

/** One resource of one pod: used now, its request and limit (when every container has one), the last hour. */
export interface ResourceUsage {
  readonly used: number;
  readonly request: number | undefined;
  readonly limit: number | undefined;
  readonly history: readonly number[];
  /** The same, with each value's time (epoch seconds): what a graph is drawn from. */
  readonly timeline: ReadonlyArray<readonly [number, number]>;
}

export interface PodUsage {
  readonly cpu: ResourceUsage;
  readonly memory: ResourceUsage;
}

export interface PodQueryResults {
  readonly cpu: readonly Sample[];
  readonly mem: readonly Sample[];
  readonly requests: readonly Sample[];
  readonly limits: readonly Sample[];
  readonly cpuHistory: readonly Series[];
  readonly memHistory: readonly Series[];
}

const keyOf = (labels: Readonly<Record<string, string>>): string => `${labels.namespace ?? ''}/${labels.pod ?? ''}`;

/**
 * Folds the per-container query results into one figure per pod, for the pods asked about only:
 * a selector of namespaces × pods can match pairs nobody asked for. A pod has a limit only when
 * every container that uses the resource has one; a single unlimited container makes the pod's
 * usage unbounded, and a sum of the others' limits would be a misleading "% of limit".
 */
export function podUsageOf(results: PodQueryResults, wanted: ReadonlySet<string>): Map<string, PodUsage> {
  // Each result indexed by pod once: a storm's round asks about hundreds of pods, and scanning
  // every answer for each of them made the fold quadratic.
  const cpu = byPod(results.cpu);
  const mem = byPod(results.mem);
  const requests = byPod(results.requests);
  const limits = byPod(results.limits);
  const cpuHistory = byPod(results.cpuHistory);
  const memHistory = byPod(results.memHistory);
  const usage = new Map<string, PodUsage>();
  for (const pod of wanted) {
    const cpuUsed = cpu.get(pod) ?? [];
    const memUsed = mem.get(pod) ?? [];
    if (cpuUsed.length === 0 && memUsed.length === 0) continue;
    const bounds = { requests: requests.get(pod) ?? [], limits: limits.get(pod) ?? [] };
    usage.set(pod, {
      cpu: resource('cpu', cpuUsed, bounds, cpuHistory.get(pod)?.[0]),
      memory: resource('memory', memUsed, bounds, memHistory.get(pod)?.[0]),
    });
  }
  return usage;
}

/** The samples or series of each pod, in the order Prometheus answered them. */
function byPod<T extends { readonly labels: Readonly<Record<string, string>> }>(items: readonly T[]): Map<string, T[]> {
  const index = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item.labels);
    const list = index.get(key);
    if (list === undefined) index.set(key, [item]);
    else list.push(item);
  }
  return index;
}

function resource(
  name: 'cpu' | 'memory',
  used: readonly Sample[],
  bounds: { readonly requests: readonly Sample[]; readonly limits: readonly Sample[] },
  history: Series | undefined,
): ResourceUsage {
  const running = new Set(used.map((s) => s.labels.container ?? ''));
  const timeline = history?.points ?? [];
  return {
    used: used.reduce((sum, s) => sum + (Number.isFinite(s.value) ? s.value : 0), 0),
    request: boundFor(name, running, bounds.requests),
    limit: boundFor(name, running, bounds.limits),
    history: timeline.map(([, value]) => value),
    timeline,
  };
}

/** The pod's request or limit (from its own samples): the sum over its containers, if every running container has one. */
function boundFor(name: string, running: ReadonlySet<string>, samples: readonly Sample[]): number | undefined {
  const byContainer = new Map<string, number>();
  for (const sample of samples) {
    if (sample.labels.resource !== name || !(sample.value > 0)) continue;
    byContainer.set(sample.labels.container ?? '', sample.value);
  }
  if (byContainer.size === 0) return undefined;
  for (const container of running) if (!byContainer.has(container)) return undefined;
  return [...byContainer.values()].reduce((a, b) => a + b, 0);
}
