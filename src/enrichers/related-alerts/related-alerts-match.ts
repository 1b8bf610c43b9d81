import type { Alert } from '../../model/model.js';

/** A firing alert from Prometheus or Alertmanager, with what Alertmanager says holds it back. */
export interface OtherAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly fingerprint?: string;
  readonly silenced: boolean;
  readonly inhibited: boolean;
}

export type Scope = 'pod' | 'node' | 'namespace';

/** How many alerts of one name share a scope with the alert, and how many of them are held back. */
export interface RelatedCount {
  readonly alertname: string;
  count: number;
  silenced: number;
  inhibited: number;
}

export type Related = Record<Scope, RelatedCount[]>;

/** Where pods run: `namespace/pod` to node names and host IPs (kube_pod_info's `node` and `host_ip`). */
export type PodPlacement = ReadonlyMap<string, readonly string[]>;

const podKey = (labels: Readonly<Record<string, string>>): string | undefined =>
  labels.namespace && labels.pod ? `${labels.namespace}/${labels.pod}` : undefined;

/**
 * The names a node goes by in an alert: its `node`; for a pod's alert, where the pod runs; for
 * any other, its `instance` with and without port. A pod alert's `instance` is whatever exporter
 * was scraped (kube-state-metrics' own address, say), not the pod's node.
 */
export function nodesOf(labels: Readonly<Record<string, string>>, placement: PodPlacement): Set<string> {
  const names = new Set<string>();
  if (labels.node) names.add(labels.node);
  const pod = podKey(labels);
  if (pod !== undefined) {
    for (const name of placement.get(pod) ?? []) names.add(name);
  } else if (labels.instance) {
    names.add(labels.instance);
    names.add(labels.instance.replace(/:\d+$/, ''));
  }
  return names;
}

/**
 * The same alert as seen elsewhere: Prometheus's list lacks the external labels Alertmanager
 * adds, so one label set within the other, with the same name, is the same alert.
 */
export function isSameAlert(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  if (a.alertname !== b.alertname) return false;
  const within = (x: Readonly<Record<string, string>>, y: Readonly<Record<string, string>>): boolean =>
    Object.entries(x).every(([k, v]) => y[k] === v);
  return within(a, b) || within(b, a);
}

/**
 * The other alerts that share the alert's pod, node or namespace, each counted once under the
 * closest scope, grouped by name, most frequent first. The alert itself is left out.
 */
export function relatedTo(alert: Alert, others: readonly OtherAlert[], placement: PodPlacement): Related {
  const related: Related = { pod: [], node: [], namespace: [] };
  const ownPod = podKey(alert.labels);
  const ownNodes = nodesOf(alert.labels, placement);
  const { namespace } = alert.labels;
  for (const other of others) {
    if (other.fingerprint === alert.fingerprint || isSameAlert(other.labels, alert.labels)) continue;
    const scope = scopeOf(other, ownPod, ownNodes, namespace, placement);
    if (scope === undefined) continue;
    const name = other.labels.alertname ?? '(unnamed)';
    let entry = related[scope].find((e) => e.alertname === name);
    if (entry === undefined) {
      entry = { alertname: name, count: 0, silenced: 0, inhibited: 0 };
      related[scope].push(entry);
    }
    entry.count++;
    if (other.silenced) entry.silenced++;
    if (other.inhibited) entry.inhibited++;
  }
  for (const list of Object.values(related)) list.sort((a, b) => b.count - a.count || a.alertname.localeCompare(b.alertname));
  return related;
}

function scopeOf(
  other: OtherAlert,
  ownPod: string | undefined,
  ownNodes: ReadonlySet<string>,
  namespace: string | undefined,
  placement: PodPlacement,
): Scope | undefined {
  if (ownPod !== undefined && podKey(other.labels) === ownPod) return 'pod';
  for (const node of nodesOf(other.labels, placement)) if (ownNodes.has(node)) return 'node';
  if (namespace && other.labels.namespace === namespace) return 'namespace';
  return undefined;
}

/** `KubePodOOMKilled ×2 (1 silenced), NodeMemoryPressure`, at most `max` names. */
export function describeCounts(counts: readonly RelatedCount[], max: number): string {
  const shown = counts.slice(0, max).map((c) => {
    const held = [c.silenced ? `${c.silenced} silenced` : '', c.inhibited ? `${c.inhibited} inhibited` : ''].filter(Boolean).join(', ');
    return `${c.alertname}${c.count > 1 ? ` ×${c.count}` : ''}${held ? ` (${held})` : ''}`;
  });
  const more = counts.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? `, and ${more} more` : ''}`;
}
