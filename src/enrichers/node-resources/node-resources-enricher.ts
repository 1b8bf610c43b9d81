import type { Alert, EnrichmentField } from '../../model/model.js';
import type { Enricher } from '../enricher.js';
import { perAlertEnricher } from '../per-alert-enricher.js';
import { formatBytes, formatDuration, formatPercent } from '../../lib/format-units.js';
import type { PrometheusClient, Sample } from '../../prometheus/prometheus-client.js';
import { promqlString } from '../../prometheus/promql-selector.js';
import { escapeRegex } from '../../lib/escape.js';
import { requirePrometheus } from '../require-prometheus.js';

export interface NodeResourcesOptions {
  readonly rateWindow: string;
  /** The window the fill-time prediction looks back over; as in the usual "disk will fill" rule. */
  readonly fillWindow: string;
}

export const DEFAULT_NODE_RESOURCES_OPTIONS: NodeResourcesOptions = { rateWindow: '5m', fillWindow: '6h' };

// Filesystems that are not a disk filling up.
const VIRTUAL_FS = 'fstype!~"tmpfs|overlay|squashfs|rootfs|nsfs|ramfs"';

/**
 * The node an alert is about (its `instance`, its Kubernetes `node` name with any port, or, for a
 * pod's alert, the node the pod runs on): CPU busy, memory available, root filesystem free and when
 * it will be full at the current rate: what the alerts people write for nodes (down, CPU, memory,
 * disk filling) leave one wanting to know, and what a crash-looping pod's reader asks next. Four
 * queries per notification, whatever the number of nodes, and one more (`kube_pod_info`) to place
 * its pods. An instance with no node_exporter series (not a node, or down: the alert already says
 * so) gets nothing rather than noise.
 */
export function createNodeResourcesEnricher(options: Partial<NodeResourcesOptions> = {}): Enricher {
  const { rateWindow, fillWindow } = { ...DEFAULT_NODE_RESOURCES_OPTIONS, ...options };
  return perAlertEnricher({
    name: 'node-resources',
    appliesTo: (alert) => Boolean(alert.labels.instance || alert.labels.node || podOf(alert.labels)),
    async fetch(alerts, ctx) {
      const prometheus = requirePrometheus(ctx);
      const { signal } = ctx;
      const placement = await placementOf(prometheus, alerts, signal);
      const patterns = new Set<string>();
      for (const alert of alerts) {
        if (alert.labels.instance) patterns.add(escapeRegex(alert.labels.instance));
        for (const name of nodeNamesOf(alert, placement)) patterns.add(`${escapeRegex(name)}(:[0-9]+)?`);
      }
      if (patterns.size === 0) return { cpu: [], memory: [], filesystem: [], slope: [], placement };
      const selector = `instance=~${promqlString([...patterns].sort().join('|'))}`;
      const rootFs = `mountpoint="/", ${VIRTUAL_FS}, ${selector}`;
      const [cpu, memory, filesystem, slope] = await Promise.all([
        prometheus.query(`1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle", ${selector}}[${rateWindow}]))`, signal),
        prometheus.query(`{__name__=~"node_memory_MemAvailable_bytes|node_memory_MemTotal_bytes", ${selector}}`, signal),
        prometheus.query(`{__name__=~"node_filesystem_avail_bytes|node_filesystem_size_bytes", ${rootFs}}`, signal),
        prometheus.query(`deriv(node_filesystem_avail_bytes{${rootFs}}[${fillWindow}])`, signal),
      ]);
      return { cpu, memory, filesystem, slope, placement };
    },
    describe(alert, { cpu, memory, filesystem, slope, placement }) {
      const instance = instanceOf(alert, nodeNamesOf(alert, placement), [...cpu, ...memory, ...filesystem]);
      if (instance === undefined) return undefined;
      const of = (samples: readonly Sample[], name?: string) =>
        samples.find((s) => s.labels.instance === instance && (name === undefined || s.labels.__name__ === name))?.value;
      const figures = {
        instance,
        cpuBusy: of(cpu),
        memoryAvailable: of(memory, 'node_memory_MemAvailable_bytes'),
        memoryTotal: of(memory, 'node_memory_MemTotal_bytes'),
        rootFree: of(filesystem, 'node_filesystem_avail_bytes'),
        rootSize: of(filesystem, 'node_filesystem_size_bytes'),
        rootSlope: of(slope),
      };
      return { fields: fieldsOf(figures, fillWindow), data: { ...figures, rootFullInSeconds: fullIn(figures) } };
    },
  });
}

/** `namespace/pod` for a pod's alert. */
function podOf(labels: Readonly<Record<string, string | undefined>>): string | undefined {
  const { namespace, pod } = labels;
  return namespace && pod ? `${namespace}/${pod}` : undefined;
}

/**
 * Where the notification's pods run (`namespace/pod` to kube_pod_info's `node` and `host_ip`: a
 * node_exporter target is named by either). Asked only for pods whose alert names no node.
 */
async function placementOf(
  prometheus: PrometheusClient,
  alerts: readonly Alert[],
  signal: AbortSignal,
): Promise<ReadonlyMap<string, readonly string[]>> {
  const pods = alerts.filter((a) => !a.labels.node && podOf(a.labels) !== undefined);
  if (pods.length === 0) return new Map();
  const anyOf = (label: 'namespace' | 'pod'): string =>
    `${label}=~${promqlString([...new Set(pods.map((a) => escapeRegex(a.labels[label]!)))].sort().join('|'))}`;
  const samples = await prometheus.query(`kube_pod_info{${anyOf('namespace')}, ${anyOf('pod')}}`, signal);
  const placement = new Map<string, string[]>();
  for (const { labels } of samples) {
    const pod = podOf(labels);
    if (pod !== undefined)
      placement.set(
        pod,
        [labels.node, labels.host_ip].filter((n): n is string => Boolean(n)),
      );
  }
  return placement;
}

/** The names the alert's node goes by: its `node` label, or where its pod runs. */
function nodeNamesOf(alert: Alert, placement: ReadonlyMap<string, readonly string[]>): readonly string[] {
  if (alert.labels.node) return [alert.labels.node];
  const pod = podOf(alert.labels);
  return pod === undefined ? [] : (placement.get(pod) ?? []);
}

/** The series' instance this alert means: its own `instance`, or a name of its node with or without a port. */
function instanceOf(alert: Alert, nodeNames: readonly string[], samples: readonly Sample[]): string | undefined {
  const instances = new Set(samples.map((s) => s.labels.instance ?? ''));
  const { instance } = alert.labels;
  if (instance && instances.has(instance)) return instance;
  for (const name of nodeNames) {
    const found = [...instances].find((candidate) => candidate === name || candidate.startsWith(`${name}:`));
    if (found !== undefined) return found;
  }
  return undefined;
}

interface NodeFigures {
  cpuBusy: number | undefined;
  memoryAvailable: number | undefined;
  memoryTotal: number | undefined;
  rootFree: number | undefined;
  rootSize: number | undefined;
  rootSlope: number | undefined;
}

function fullIn(figures: NodeFigures): number | undefined {
  const { rootFree, rootSlope } = figures;
  if (rootFree === undefined || rootSlope === undefined || !(rootSlope < 0)) return undefined;
  return rootFree / -rootSlope;
}

function fieldsOf(figures: NodeFigures, fillWindow: string): EnrichmentField[] {
  const fields: EnrichmentField[] = [];
  if (figures.cpuBusy !== undefined) fields.push({ label: 'Node CPU', value: `${formatPercent(figures.cpuBusy)} busy` });
  if (figures.memoryAvailable !== undefined && figures.memoryTotal) {
    fields.push({
      label: 'Node memory',
      value: `${formatBytes(figures.memoryAvailable)} available of ${formatBytes(figures.memoryTotal)} (${formatPercent(figures.memoryAvailable / figures.memoryTotal)})`,
    });
  }
  if (figures.rootFree !== undefined && figures.rootSize) {
    const seconds = fullIn(figures);
    const trend = seconds === undefined ? 'not filling' : `full in about ${formatDuration(seconds)} at the rate of the last ${fillWindow}`;
    fields.push({
      label: 'Root filesystem',
      value: `${formatBytes(figures.rootFree)} free of ${formatBytes(figures.rootSize)} (${formatPercent(figures.rootFree / figures.rootSize)}) · ${trend}`,
    });
  }
  return fields;
}
