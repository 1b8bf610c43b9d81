import type { Alert, Enrichment, EnrichmentField } from '../../model/model.js';
import type { AlertmanagerClient } from '../../alertmanager/alertmanager-client.js';
import type { BatchEnricherContext, Enricher, EnrichmentsByFingerprint, EnrichRequest } from '../enricher.js';
import type { PrometheusClient } from '../../prometheus/prometheus-client.js';
import { anyOf } from '../../prometheus/promql-selector.js';
import { describeCounts, isSameAlert, relatedTo, type OtherAlert, type PodPlacement, type Scope } from './related-alerts-match.js';
import { requirePrometheus } from '../require-prometheus.js';

export interface RelatedAlertsOptions {
  /** When set, alerts come from Alertmanager too, with their silenced and inhibited state. */
  readonly alertmanager?: AlertmanagerClient;
  /** Alert names listed per scope before "and N more". */
  readonly maxNames?: number;
}

const LABELS: Record<Scope, string> = {
  pod: 'Also firing on the pod',
  node: 'Also firing on the node',
  namespace: 'Also firing in the namespace',
};

/**
 * The other alerts firing now on the alert's pod, its node or its namespace, as counts per alert
 * name: what an on-call engineer checks first to tell a cause from a symptom. One call to
 * Prometheus's alerts list, one to Alertmanager's when configured, and at most one PromQL query
 * (where the pods run, from kube_pod_info) per round of notifications, whatever the number of pods:
 * `enrichBatch` asks once for all of them, and each notification reads the answer as its own
 * query would have returned it.
 */
export function createRelatedAlertsEnricher(options: RelatedAlertsOptions = {}): Enricher {
  const maxNames = options.maxNames ?? 6;
  async function enrichBatch(requests: readonly EnrichRequest[], ctx: BatchEnricherContext): Promise<EnrichmentsByFingerprint[]> {
    const prometheus = requirePrometheus(ctx);
    const { signal } = ctx;
    const notes: string[] = [];
    const [fromPrometheus, fromAlertmanager, placed] = await Promise.all([
      prometheus.alerts(signal).then(
        (list) =>
          list.filter((a) => a.state === 'firing').map((a): OtherAlert => ({ labels: a.labels, silenced: false, inhibited: false })),
        (error: unknown) => failed(notes, error),
      ),
      options.alertmanager?.alerts(signal).then(
        (list): OtherAlert[] => list,
        (error: unknown) => failed(notes, error),
      ),
      placementSamples(
        prometheus,
        requests.flatMap((request) => request.alerts),
        signal,
      ).catch((error: unknown): PlacementSample[] => {
        failed(notes, error);
        return [];
      }),
    ]);
    if (fromPrometheus === undefined && (options.alertmanager === undefined || fromAlertmanager === undefined)) {
      throw new Error(notes.join('; '));
    }
    const others = merge(fromAlertmanager, fromPrometheus);
    return requests.map(({ alerts }) => {
      const placement = placementOf(placed, alerts);
      return new Map(alerts.map((alert) => [alert.fingerprint, describe(alert, others, placement, notes, maxNames)]));
    });
  }
  return {
    name: 'related-alerts',
    appliesTo: (alert) => Boolean(alert.labels.namespace || alert.labels.node || alert.labels.instance),
    async enrich(alerts, ctx) {
      const [results] = await enrichBatch([{ notification: ctx.notification, alerts }], ctx);
      return results ?? new Map();
    },
    enrichBatch,
  };
}

function failed(notes: string[], error: unknown): undefined {
  // The alerts list and the placement query fail alike when Prometheus is down: say it once.
  const message = error instanceof Error ? error.message : String(error);
  if (!notes.includes(message)) notes.push(message);
  return undefined;
}

/** Alertmanager's view where it has one (it knows silences); Prometheus's alerts it does not hold yet are added. */
function merge(managed: readonly OtherAlert[] | undefined, rules: readonly OtherAlert[] | undefined): OtherAlert[] {
  if (managed === undefined) return [...(rules ?? [])];
  const byName = new Map<string, OtherAlert[]>();
  for (const alert of managed) byName.set(alert.labels.alertname ?? '', [...(byName.get(alert.labels.alertname ?? '') ?? []), alert]);
  const unknown = (rules ?? []).filter(
    (rule) => !(byName.get(rule.labels.alertname ?? '') ?? []).some((m) => isSameAlert(m.labels, rule.labels)),
  );
  return [...managed, ...unknown];
}

/** A kube_pod_info series' labels. */
type PlacementSample = Readonly<Record<string, string>>;

/** What the placement query selects for a set of alerts: its pods (as two matchers), and its nodes. */
interface PlacementSelection {
  readonly namespaces: ReadonlySet<string>;
  readonly pods: ReadonlySet<string>;
  readonly nodes: ReadonlySet<string>;
}

function selectionOf(alerts: readonly Alert[]): PlacementSelection {
  const withPod = alerts.filter((a) => a.labels.namespace && a.labels.pod);
  return {
    namespaces: new Set(withPod.map((a) => a.labels.namespace as string)),
    pods: new Set(withPod.map((a) => a.labels.pod as string)),
    nodes: new Set(
      alerts
        .flatMap((a) => [a.labels.node, a.labels.pod ? undefined : a.labels.instance?.replace(/:\d+$/, '')])
        .filter((n): n is string => Boolean(n)),
    ),
  };
}

/**
 * The kube_pod_info series for the alerts' pods and every pod sharing a node with them (so an
 * alert on a neighbour counts as "on the node"), and for pods on the alerts' nodes: one query.
 */
async function placementSamples(prometheus: PrometheusClient, alerts: readonly Alert[], signal: AbortSignal): Promise<PlacementSample[]> {
  const { namespaces, pods, nodes } = selectionOf(alerts);
  const parts: string[] = [];
  if (pods.size > 0) parts.push(`(kube_pod_info and on (node) kube_pod_info{${anyOf('namespace', namespaces)}, ${anyOf('pod', pods)}})`);
  if (nodes.size > 0) parts.push(`kube_pod_info{${anyOf('node', nodes)}}`, `kube_pod_info{${anyOf('host_ip', nodes)}}`);
  if (parts.length === 0) return [];
  return (await prometheus.query(parts.join(' or '), signal)).map((sample) => sample.labels);
}

/**
 * Which node each pod runs on, from the series the query for these alerts alone would have
 * returned: a round's answer holds every notification's pods, and a neighbour of another
 * notification's pod must not count as this one's. PromQL's `and on (node)` matches a series
 * without `node` to every other without it, hence the empty string.
 */
function placementOf(samples: readonly PlacementSample[], alerts: readonly Alert[]): PodPlacement {
  const { namespaces, pods, nodes } = selectionOf(alerts);
  const nodesOfPods = new Set<string>();
  if (pods.size > 0) {
    for (const labels of samples) {
      if (namespaces.has(labels.namespace ?? '') && pods.has(labels.pod ?? '')) nodesOfPods.add(labels.node ?? '');
    }
  }
  const placement = new Map<string, string[]>();
  for (const labels of samples) {
    const selected =
      nodesOfPods.has(labels.node ?? '') ||
      (labels.node !== undefined && nodes.has(labels.node)) ||
      (labels.host_ip !== undefined && nodes.has(labels.host_ip));
    if (!selected || !labels.namespace || !labels.pod) continue;
    placement.set(
      `${labels.namespace}/${labels.pod}`,
      [labels.node, labels.host_ip].filter((n): n is string => Boolean(n)),
    );
  }
  return placement;
}

function describe(
  alert: Alert,
  others: readonly OtherAlert[],
  placement: PodPlacement,
  notes: readonly string[],
  maxNames: number,
): Enrichment {
  const related = relatedTo(alert, others, placement);
  const fields: EnrichmentField[] = [];
  for (const scope of ['pod', 'node', 'namespace'] as const) {
    if (related[scope].length > 0) fields.push({ label: LABELS[scope], value: describeCounts(related[scope], maxNames) });
  }
  if (fields.length === 0) fields.push({ label: 'Related alerts', value: 'none firing on this pod, node or namespace' });
  const node = [...(placement.get(`${alert.labels.namespace}/${alert.labels.pod}`) ?? [])][0] ?? alert.labels.node;
  return { fields, data: { ...related, ...(node ? { node } : {}) }, ...(notes.length > 0 ? { notes: [...notes] } : {}) };
}
