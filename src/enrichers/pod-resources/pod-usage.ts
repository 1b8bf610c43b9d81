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
  const usage = new Map<string, PodUsage>();
  for (const pod of wanted) {
    const cpuUsed = results.cpu.filter((s) => keyOf(s.labels) === pod);
    const memUsed = results.mem.filter((s) => keyOf(s.labels) === pod);
    if (cpuUsed.length === 0 && memUsed.length === 0) continue;
    usage.set(pod, {
      cpu: resource(pod, 'cpu', cpuUsed, results.requests, results.limits, results.cpuHistory),
      memory: resource(pod, 'memory', memUsed, results.requests, results.limits, results.memHistory),
    });
  }
  return usage;
}

function resource(
  pod: string,
  name: 'cpu' | 'memory',
  used: readonly Sample[],
  requests: readonly Sample[],
  limits: readonly Sample[],
  history: readonly Series[],
): ResourceUsage {
  const running = new Set(used.map((s) => s.labels.container ?? ''));
  const timeline = history.find((s) => keyOf(s.labels) === pod)?.points ?? [];
  return {
    used: used.reduce((sum, s) => sum + (Number.isFinite(s.value) ? s.value : 0), 0),
    request: boundFor(pod, name, running, requests),
    limit: boundFor(pod, name, running, limits),
    history: timeline.map(([, value]) => value),
    timeline,
  };
}

/** The pod's request or limit: the sum over its containers, if every running container has one. */
function boundFor(pod: string, name: string, running: ReadonlySet<string>, samples: readonly Sample[]): number | undefined {
  const byContainer = new Map<string, number>();
  for (const sample of samples) {
    if (keyOf(sample.labels) !== pod || sample.labels.resource !== name || !(sample.value > 0)) continue;
    byContainer.set(sample.labels.container ?? '', sample.value);
  }
  if (byContainer.size === 0) return undefined;
  for (const container of running) if (!byContainer.has(container)) return undefined;
  return [...byContainer.values()].reduce((a, b) => a + b, 0);
}
