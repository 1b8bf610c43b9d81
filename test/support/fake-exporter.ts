import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderKubeState, type FakeKubeState } from './fake-kube-state.js';

/** A pod as cAdvisor and kube-state-metrics describe it. Limits and requests are per container. */
export interface FakePod {
  readonly namespace: string;
  readonly pod: string;
  readonly containers: ReadonlyArray<{
    readonly name: string;
    /** Cores used: the CPU counter grows by this many seconds per second of wall time. */
    readonly cpuCores: number;
    readonly memoryBytes: number;
    readonly cpuRequest?: number;
    readonly cpuLimit?: number;
    readonly memoryRequest?: number;
    readonly memoryLimit?: number;
  }>;
}

/** A node as node_exporter describes it. */
export interface FakeNode {
  readonly instance: string;
  readonly cpus: number;
  /** Fraction of CPU time busy (the idle counter grows by cpus × (1 − busy) per second). */
  readonly busy: number;
  readonly memoryAvailable: number;
  readonly memoryTotal: number;
  readonly rootSize: number;
  /** Free bytes on `/` at start, and how many bytes a second it loses. */
  readonly rootFree: number;
  readonly rootFillBytesPerSecond?: number;
}

export interface FakeExporter {
  readonly url: string;
  /** `host:port` for a Prometheus scrape config. */
  readonly target: string;
  close(): Promise<void>;
}

/**
 * Serves /metrics in the Prometheus text format, shaped like cAdvisor, kube-state-metrics v2 and
 * node_exporter, with counters that grow with wall-clock time so `rate()` gives back the configured
 * figures. One target stands in for all three exporters.
 */
export async function startFakeExporter(scene: {
  pods?: readonly FakePod[];
  nodes?: readonly FakeNode[];
  kubeState?: FakeKubeState;
}): Promise<FakeExporter> {
  const started = Date.now() / 1000;
  // Changes such as a rollout are timed from the first scrape, so Prometheus sees both sides.
  let firstScrape: number | undefined;
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    firstScrape ??= Date.now() / 1000;
    res.end(render(scene, Date.now() / 1000 - started, Date.now() / 1000 - firstScrape));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    target: `127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function render(
  scene: { pods?: readonly FakePod[]; nodes?: readonly FakeNode[]; kubeState?: FakeKubeState },
  elapsed: number,
  scraped: number,
): string {
  const lines: string[] = [
    '# TYPE container_cpu_usage_seconds_total counter',
    '# TYPE container_memory_working_set_bytes gauge',
    '# TYPE kube_pod_container_resource_requests gauge',
    '# TYPE kube_pod_container_resource_limits gauge',
  ];
  const label = (pairs: Record<string, string>): string =>
    `{${Object.entries(pairs)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',')}}`;
  for (const { namespace, pod, containers } of scene.pods ?? []) {
    for (const c of containers) {
      const id = { namespace, pod, container: c.name };
      lines.push(`container_cpu_usage_seconds_total${label({ ...id, cpu: 'total' })} ${(1000 + c.cpuCores * elapsed).toFixed(6)}`);
      lines.push(`container_memory_working_set_bytes${label(id)} ${c.memoryBytes}`);
      const bounds: Array<[string, string, string, number | undefined]> = [
        ['requests', 'cpu', 'core', c.cpuRequest],
        ['limits', 'cpu', 'core', c.cpuLimit],
        ['requests', 'memory', 'byte', c.memoryRequest],
        ['limits', 'memory', 'byte', c.memoryLimit],
      ];
      for (const [kind, resource, unit, value] of bounds) {
        if (value !== undefined)
          lines.push(`kube_pod_container_resource_${kind}${label({ ...id, node: 'node-1', resource, unit })} ${value}`);
      }
    }
    // The pod-level cgroup (container="") that the enricher must not count twice.
    const sum = containers.reduce((s, c) => s + c.memoryBytes, 0);
    lines.push(`container_memory_working_set_bytes${label({ namespace, pod, container: '' })} ${sum}`);
  }
  lines.push(
    '# TYPE node_cpu_seconds_total counter',
    '# TYPE node_memory_MemAvailable_bytes gauge',
    '# TYPE node_memory_MemTotal_bytes gauge',
  );
  lines.push('# TYPE node_filesystem_avail_bytes gauge', '# TYPE node_filesystem_size_bytes gauge');
  for (const node of scene.nodes ?? []) {
    // node_exporter's own `instance` is the scrape target's; these series carry it explicitly and
    // the scrape config keeps it (honor_labels).
    for (let cpu = 0; cpu < node.cpus; cpu++) {
      lines.push(
        `node_cpu_seconds_total${label({ instance: node.instance, cpu: String(cpu), mode: 'idle' })} ${(10_000 + (1 - node.busy) * elapsed).toFixed(6)}`,
      );
      lines.push(
        `node_cpu_seconds_total${label({ instance: node.instance, cpu: String(cpu), mode: 'user' })} ${(10_000 + node.busy * elapsed).toFixed(6)}`,
      );
    }
    lines.push(`node_memory_MemAvailable_bytes${label({ instance: node.instance })} ${node.memoryAvailable}`);
    lines.push(`node_memory_MemTotal_bytes${label({ instance: node.instance })} ${node.memoryTotal}`);
    const fs = { instance: node.instance, device: '/dev/vda1', fstype: 'ext4', mountpoint: '/' };
    lines.push(`node_filesystem_avail_bytes${label(fs)} ${Math.round(node.rootFree - (node.rootFillBytesPerSecond ?? 0) * elapsed)}`);
    lines.push(`node_filesystem_size_bytes${label(fs)} ${node.rootSize}`);
    const tmp = { instance: node.instance, device: 'tmpfs', fstype: 'tmpfs', mountpoint: '/' };
    lines.push(`node_filesystem_avail_bytes${label(tmp)} 1`);
  }
  if (scene.kubeState) lines.push(...renderKubeState(scene.kubeState, scraped));
  return `${lines.join('\n')}\n`;
}
