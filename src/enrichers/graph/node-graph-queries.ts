import type { Alert } from '../../model/model.js';
import type { GraphPanel } from '../../charts/graph-data.js';
import { storablePoints } from '../../charts/graph-data.js';
import type { PrometheusClient, Series } from '../../prometheus/prometheus-client.js';
import { promqlString } from '../../prometheus/promql-selector.js';
import { escapeRegex } from '../../lib/escape.js';

/** A node's CPU (cores busy against its cores) and memory (used against total) over the window. */
export interface NodeGraph {
  readonly instance: string;
  readonly panels: GraphPanel[];
}

/**
 * Three queries for every node of the alerts at once: CPU busy and memory used over the window,
 * and each node's capacity (cores, memory total), from node_exporter.
 */
export async function fetchNodeGraphs(
  prometheus: PrometheusClient,
  alerts: readonly Alert[],
  options: { rateWindow: string; historySeconds: number; stepSeconds: number },
  signal: AbortSignal,
): Promise<(alert: Alert) => NodeGraph | undefined> {
  const patterns = new Set<string>();
  for (const alert of alerts) {
    if (alert.labels.instance) patterns.add(escapeRegex(alert.labels.instance));
    if (alert.labels.node) patterns.add(`${escapeRegex(alert.labels.node)}(:[0-9]+)?`);
  }
  const selector = `instance=~${promqlString([...patterns].sort().join('|'))}`;
  const range = { rangeSeconds: options.historySeconds, stepSeconds: options.stepSeconds };
  const [cpu, memory, capacity] = await Promise.all([
    prometheus.queryRange(
      `sum by (instance) (rate(node_cpu_seconds_total{mode!="idle", ${selector}}[${options.rateWindow}]))`,
      range,
      signal,
    ),
    prometheus.queryRange(`node_memory_MemTotal_bytes{${selector}} - node_memory_MemAvailable_bytes{${selector}}`, range, signal),
    prometheus.query(
      `label_replace(count by (instance) (node_cpu_seconds_total{mode="idle", ${selector}}), "__name__", "cores", "", "") or node_memory_MemTotal_bytes{${selector}}`,
      signal,
    ),
  ]);
  const instances = new Set(capacity.map((s) => s.labels.instance ?? ''));
  const pointsOf = (series: readonly Series[], instance: string) =>
    storablePoints(series.find((s) => s.labels.instance === instance)?.points ?? []);
  return (alert) => {
    const { instance: own, node } = alert.labels;
    const instance =
      own && instances.has(own) ? own : [...instances].find((i) => node !== undefined && (i === node || i.startsWith(`${node}:`)));
    if (instance === undefined) return undefined;
    const of = (name: string): number | undefined =>
      capacity.find((s) => s.labels.instance === instance && s.labels.__name__ === name)?.value;
    const cores = of('cores');
    const total = of('node_memory_MemTotal_bytes');
    return {
      instance,
      panels: [
        {
          title: 'CPU busy',
          unit: 'cores',
          points: pointsOf(cpu, instance),
          ...(cores === undefined ? {} : { limit: cores, limitLabel: 'cores' }),
        },
        {
          title: 'Memory used',
          unit: 'bytes',
          points: pointsOf(memory, instance),
          ...(total === undefined ? {} : { limit: total, limitLabel: 'total' }),
        },
      ],
    };
  };
}
