// How the console names what the store keys by ids: a group by its alert name and key labels, an
// alert by its alert name, a receiver even for alerts that came without Alertmanager.

/** Labels that tell one group of the same alert from another, in the order a reader looks for them. */
const KEY_LABELS = ['cluster', 'namespace', 'service', 'job', 'deployment', 'pod', 'node', 'instance', 'container'];

function distinctAlertnames(alerts) {
  return [...new Set(alerts.map((a) => a.labels.alertname).filter(Boolean))];
}

/**
 * `KubePodCrashLooping · namespace=shop pod=cart-1`: the alert name (or names) and the labels
 * the group is grouped by, or, for a group by alert name alone, the key labels its alerts share.
 */
export function groupName(n) {
  const group = n.groupLabels ?? {};
  const common = n.commonLabels ?? {};
  const names = group.alertname ? [group.alertname] : distinctAlertnames(n.alerts);
  const title = names.length === 0 ? 'alerts' : names.length <= 2 ? names.join(', ') : `${names[0]} and ${names.length - 1} more`;
  const byGroup = Object.entries(group).filter(([k]) => k !== 'alertname');
  const keys = byGroup.length > 0 ? byGroup : KEY_LABELS.filter((k) => common[k] !== undefined).map((k) => [k, common[k]]);
  const labels = keys
    .slice(0, 3)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return labels ? `${title} · ${labels}` : title;
}

/** Alertmanager's receiver, or, for alerts posted straight to alertpipe, where they came from. */
export function receiverName(n) {
  if (n.receiver) return n.receiver;
  return n.shape === 'alert-array' ? 'direct (Prometheus push)' : 'direct (no Alertmanager)';
}

/** The alert names of these fingerprints in a notification, each once. */
export function alertNamesOf(n, fingerprints) {
  const wanted = new Set(fingerprints);
  return distinctAlertnames(n.alerts.filter((a) => wanted.has(a.fingerprint)));
}
