/**
 * The Alertmanager config that puts alertpipe in front of the receivers it took over: the route
 * tree kept as it is (grouping, timing, mute and active time intervals, inhibition all stay in
 * Alertmanager), each receiver alertpipe took over entirely replaced by one webhook receiver to
 * alertpipe's ingest URL, and what alertpipe cannot take (WeChat, a receiver with no integration)
 * left with Alertmanager as it was. A receiver of both kinds keeps what alertpipe cannot take and
 * also sends to alertpipe.
 */
export interface Handover {
  /** Receivers every integration of which alertpipe took over. */
  readonly whole: ReadonlySet<string>;
  /** Receivers some integrations of which it took over, with the `*_configs` keys left with Alertmanager. */
  readonly partial: ReadonlyMap<string, ReadonlySet<string>>;
}

type Node = Record<string, unknown>;

const KEPT_AS_IS = ['inhibit_rules', 'time_intervals', 'mute_time_intervals'] as const;

export function alertmanagerForAlertpipe(source: Readonly<Node>, handover: Handover, ingestUrl: string): Node {
  const existing = new Set(receiversOf(source).map((r) => String(r.name)));
  let name = 'alertpipe';
  for (let n = 2; existing.has(name); n++) name = `alertpipe-${n}`;
  const toAlertpipe = { url: ingestUrl, send_resolved: true };

  const receivers: Node[] = [{ name, webhook_configs: [toAlertpipe] }];
  let keepsIntegrations = false;
  for (const receiver of receiversOf(source)) {
    const receiverName = String(receiver.name);
    if (handover.whole.has(receiverName)) continue;
    const left = handover.partial.get(receiverName);
    if (left === undefined) {
      receivers.push(receiver);
      keepsIntegrations ||= Object.keys(receiver).some((key) => key.endsWith('_configs'));
      continue;
    }
    const kept: Node = { name: receiverName };
    for (const [key, value] of Object.entries(receiver)) if (left.has(key) || !key.endsWith('_configs')) kept[key] = value;
    kept.webhook_configs = [toAlertpipe];
    receivers.push(kept);
    keepsIntegrations = true;
  }

  const result: Node = {};
  const global = (source.global ?? {}) as Node;
  // The receivers' own global settings went to alertpipe with them, secrets included; only
  // what Alertmanager still uses stays.
  if (keepsIntegrations && source.global !== undefined) result.global = global;
  else if (global.resolve_timeout !== undefined) result.global = { resolve_timeout: global.resolve_timeout };
  if (keepsIntegrations && source.templates !== undefined) result.templates = source.templates;
  result.route = renameReceivers(source.route as Node, handover.whole, name);
  result.receivers = receivers;
  for (const key of KEPT_AS_IS) if (source[key] !== undefined) result[key] = source[key];
  return result;
}

function receiversOf(source: Readonly<Node>): Node[] {
  return Array.isArray(source.receivers) ? (source.receivers as Node[]) : [];
}

function renameReceivers(route: Node, whole: ReadonlySet<string>, alertpipe: string): Node {
  const copy: Node = { ...route };
  if (typeof copy.receiver === 'string' && whole.has(copy.receiver)) copy.receiver = alertpipe;
  if (Array.isArray(copy.routes)) copy.routes = (copy.routes as Node[]).map((child) => renameReceivers(child, whole, alertpipe));
  return copy;
}
