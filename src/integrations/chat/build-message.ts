import type { EnrichedAlert, EnrichedNotification, LabelSet } from '../../model/model.js';
import { alertLinks, safeLink, type Link } from './alert-links.js';
import type { LabelPair, Message, MessageAlert, MessageField } from './message-model.js';

// Labels worth showing first, in this order; the rest follow alphabetically.
const KEY_LABELS = ['namespace', 'pod', 'container', 'deployment', 'instance', 'node', 'job', 'service', 'cluster', 'severity'];
// Labels that say nothing to a person reading the message.
const HIDDEN_LABELS = new Set(['alertname', 'prometheus', 'endpoint', 'receive', 'tenant_id']);
// A sparkline at the end of an enrichment value (`… · ▁▂▃▅▇`), as the built-in enrichers write it.
const TRAILING_SPARKLINE = /^(.*?)\s*·\s*([▁▂▃▄▅▆▇█]+)$/su;

export interface MessageOptions {
  /** Alerts shown in full before the rest fold into "…and N more". */
  readonly maxAlerts: number;
}

/** Text a template rendered in place of the defaults; see `message-templates.ts`. */
export interface MessageOverrides {
  readonly title?: string;
  readonly text?: string;
  /** The per-alert line, by fingerprint. */
  readonly alertLines?: ReadonlyMap<string, string>;
  readonly notes?: readonly string[];
}

/** The neutral message for a notification: what every chat adapter renders. Pure. */
export function buildMessage(notification: EnrichedNotification, options: MessageOptions, overrides: MessageOverrides = {}): Message {
  const name = notification.commonLabels.alertname ?? notification.groupLabels.alertname ?? 'alerts';
  const count = notification.alerts.length;
  const firing = notification.status === 'firing';
  const shown = notification.alerts.slice(0, Math.max(1, options.maxAlerts));
  const externalURL = safeLink(notification.externalURL);
  return {
    state: notification.status,
    title: overrides.title ?? `${firing ? '🔥 FIRING' : '✅ RESOLVED'}: ${name}${count > 1 ? ` (${count})` : ''}`,
    name,
    context: orderedLabels(notification.commonLabels),
    receiver: notification.receiver,
    ...(overrides.text === undefined ? {} : { text: overrides.text }),
    fallback: fallback(notification, name),
    alerts: shown.map((alert) => messageAlert(alert, notification, overrides.alertLines?.get(alert.fingerprint))),
    hidden: count - shown.length + notification.truncatedAlerts,
    notes: overrides.notes ?? [],
    ...(externalURL ? { externalURL } : {}),
    groupKey: notification.groupKey,
    ...(notification.escalation ? { escalation: notification.escalation } : {}),
  };
}

function messageAlert(alert: EnrichedAlert, notification: EnrichedNotification, line: string | undefined): MessageAlert {
  const { summary, description } = alert.annotations;
  return {
    fingerprint: alert.fingerprint,
    name: alert.labels.alertname ?? alert.fingerprint,
    status: alert.status,
    statusDiffers: alert.status !== notification.status,
    labels: orderedLabels(alert.labels).filter(([k]) => notification.commonLabels[k] !== alert.labels[k]),
    ...(line === undefined ? {} : { line }),
    ...(summary && summary !== notification.commonAnnotations.summary ? { summary } : {}),
    ...(description ? { description } : {}),
    fields: Object.values(alert.enrichment).flatMap((found) => found.fields.map(splitSparkline)),
    // The enrich chain has already put each enricher's notes here, prefixed with its name.
    notes: alert.notes,
    // An enricher's links (a graph) beside the alert's own; only plain http(s) URLs, encoded so
    // that every platform's link markup can carry them.
    links: [...alertLinks(alert, notification.externalURL), ...Object.values(alert.enrichment).flatMap((e) => enricherLinks(e.links))],
    when: alert.status === 'resolved' && alert.endsAt ? `resolved ${clock(alert.endsAt)}` : `since ${clock(alert.startsAt)}`,
  };
}

function enricherLinks(links: readonly Link[] | undefined): Link[] {
  return (links ?? []).flatMap((link) => {
    const url = safeLink(link.url);
    return url === undefined ? [] : [{ text: link.text, url }];
  });
}

/** Flattens an enrichment into `label: value` lines, for actions that show text (the log, PagerDuty). */
export function enrichmentLines(alert: EnrichedAlert): Record<string, string> {
  return fieldsAsRecord(Object.values(alert.enrichment).flatMap((found) => found.fields));
}

/** `{ CPU: '0.42 cores · …' }`: enrichment fields as one record, later labels winning. */
export function fieldsAsRecord(fields: readonly { label: string; value: string }[]): Record<string, string> {
  return Object.fromEntries(fields.map((field) => [field.label, field.value]));
}

function splitSparkline(field: { label: string; value: string }): MessageField {
  const match = TRAILING_SPARKLINE.exec(field.value);
  return match ? { label: field.label, value: match[1] ?? '', sparkline: match[2] ?? '' } : { label: field.label, value: field.value };
}

/** What notifications and screen readers show: `[FIRING:2] KubePodCrashLooping shop: Pod is crash looping.` */
function fallback(notification: EnrichedNotification, name: string): string {
  const scope = notification.commonLabels.namespace ?? notification.commonLabels.instance ?? '';
  const summary = notification.commonAnnotations.summary;
  return `[${notification.status.toUpperCase()}:${notification.alerts.length}] ${name}${scope ? ` ${scope}` : ''}${summary ? `: ${summary}` : ''}`;
}

export function orderedLabels(labels: LabelSet): LabelPair[] {
  const rank = (name: string): number => (KEY_LABELS.includes(name) ? KEY_LABELS.indexOf(name) : KEY_LABELS.length);
  return Object.entries(labels)
    .filter(([name]) => !HIDDEN_LABELS.has(name))
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

/** `2026-11-22 12:04 UTC`: one clock for everyone on the channel. */
function clock(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
