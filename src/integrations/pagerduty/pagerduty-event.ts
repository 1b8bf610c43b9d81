import { labelValue } from '../../model/label-value.js';
import { describeEscalationPage, describeEscalationStep, type EscalationStep } from '../../model/escalation-step.js';
import type { EnrichedAlert, EnrichedNotification, LabelSet } from '../../model/model.js';
import { alertLinks, safeLink } from '../chat/alert-links.js';
import { fieldsAsRecord } from '../chat/build-message.js';
import { renderLabelTemplate } from '../label-template.js';

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

/** An Events API v2 event (developer.pagerduty.com/docs/events-api-v2/trigger-events). */
export interface PagerDutyEvent {
  readonly routing_key: string;
  readonly event_action: 'trigger' | 'resolve' | 'acknowledge';
  readonly dedup_key: string;
  readonly payload?: {
    readonly summary: string;
    readonly source: string;
    readonly severity: PagerDutySeverity;
    readonly timestamp: string;
    readonly component?: string;
    readonly group?: string;
    readonly class?: string;
    readonly custom_details: Record<string, unknown>;
  };
  readonly links?: readonly { readonly href: string; readonly text: string }[];
  readonly client?: string;
  readonly client_url?: string;
}

export interface PagerDutyEventOptions {
  readonly routingKey: string;
  /** Values of the severity label (lower-cased) to PagerDuty's four severities. */
  readonly severityMap: Readonly<Record<string, PagerDutySeverity>>;
  readonly severityLabel: string;
  readonly defaultSeverity: PagerDutySeverity;
  /** Label templates (`{{ namespace }}`); absent means the default described on each field. */
  readonly source?: string;
  readonly component?: string;
  readonly group?: string;
  readonly class?: string;
  readonly client: string;
  readonly clientUrl?: string;
}

// The Events API's own limits: summary at most 1024 characters, dedup_key at most 255.
const SUMMARY_MAX = 1024;
const DEDUP_KEY_MAX = 255;

/** What every dedup key alertpipe sends begins with: a webhook's incident_key names one of its alerts by it. */
export const DEDUP_KEY_PREFIX = 'alertpipe-';

/** The severities people put in their `severity` label, onto PagerDuty's four. */
export const DEFAULT_SEVERITY_MAP: Readonly<Record<string, PagerDutySeverity>> = {
  critical: 'critical',
  page: 'critical',
  fatal: 'critical',
  emergency: 'critical',
  error: 'error',
  high: 'error',
  major: 'error',
  warning: 'warning',
  warn: 'warning',
  minor: 'warning',
  medium: 'warning',
  info: 'info',
  informational: 'info',
  low: 'info',
  none: 'info',
};

/**
 * The dedup key of an alert: its fingerprint (a hash of its labels), so the alert's resolve
 * finds its trigger, a resend or a retry lands on the same incident, and the key stays the same
 * across restarts and replicas.
 */
export function dedupKeyOf(alert: Pick<EnrichedAlert, 'fingerprint'>): string {
  return `${DEDUP_KEY_PREFIX}${alert.fingerprint}`.slice(0, DEDUP_KEY_MAX);
}

/** One event per alert: a trigger while it fires, a resolve with the same key once it resolves. */
export function pagerDutyEvent(alert: EnrichedAlert, notification: EnrichedNotification, options: PagerDutyEventOptions): PagerDutyEvent {
  const dedupKey = dedupKeyOf(alert);
  if (alert.status === 'resolved') {
    return { routing_key: options.routingKey, event_action: 'resolve', dedup_key: dedupKey };
  }
  const labels = alert.labels;
  const links = alertLinks(alert, notification.externalURL).map((link) => ({ href: link.url, text: link.text }));
  const clientUrl = options.clientUrl ?? safeLink(notification.externalURL);
  const component = fromTemplate(options.component, labels) ?? labels.container ?? labels.job;
  const group = fromTemplate(options.group, labels) ?? labels.namespace ?? labels.job;
  const eventClass = fromTemplate(options.class, labels) ?? labels.alertname;
  return {
    routing_key: options.routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: cut(summaryOf(alert), SUMMARY_MAX),
      source: fromTemplate(options.source, labels) ?? defaultSource(labels, notification),
      severity: severityOf(labels, options),
      timestamp: alert.startsAt.toISOString(),
      ...(component ? { component } : {}),
      ...(group ? { group } : {}),
      ...(eventClass ? { class: eventClass } : {}),
      custom_details: customDetails(alert, notification),
    },
    ...(links.length > 0 ? { links } : {}),
    client: options.client,
    ...(clientUrl ? { client_url: clientUrl } : {}),
  };
}

function summaryOf(alert: EnrichedAlert): string {
  const summary = alert.annotations.summary?.trim();
  if (summary) return summary;
  const name = alert.labels.alertname ?? 'alert';
  const where = podOf(alert.labels) ?? alert.labels.instance;
  return where ? `${name} on ${where}` : name;
}

/** `namespace/pod`, or the pod alone without a namespace label. */
function podOf(labels: LabelSet): string | undefined {
  if (!labels.pod) return undefined;
  return labels.namespace ? `${labels.namespace}/${labels.pod}` : labels.pod;
}

function severityOf(labels: LabelSet, options: PagerDutyEventOptions): PagerDutySeverity {
  // Own properties only: a severity label reading `constructor` must not find Object's.
  const value = labelValue(labels, options.severityLabel).trim().toLowerCase();
  return (Object.hasOwn(options.severityMap, value) ? options.severityMap[value] : undefined) ?? options.defaultSeverity;
}

// PagerDuty wants the affected system, "preferably a hostname or FQDN".
function defaultSource(labels: LabelSet, notification: EnrichedNotification): string {
  if (labels.instance) return labels.instance;
  if (labels.node) return labels.node;
  return podOf(labels) ?? (notification.receiver || 'alertpipe');
}

function customDetails(alert: EnrichedAlert, notification: EnrichedNotification): Record<string, unknown> {
  const enrichment: Record<string, unknown> = {};
  for (const [name, found] of Object.entries(alert.enrichment)) {
    // The readable lines as the Slack message shows them, and the numbers for whoever wants them.
    const lines = fieldsAsRecord(found.fields);
    enrichment[name] = found.data ? { ...lines, data: found.data } : lines;
  }
  return {
    labels: alert.labels,
    annotations: alert.annotations,
    ...(Object.keys(enrichment).length > 0 ? { enrichment } : {}),
    ...(alert.notes.length > 0 ? { notes: alert.notes } : {}),
    fingerprint: alert.fingerprint,
    starts_at: alert.startsAt.toISOString(),
    receiver: notification.receiver,
    group_key: notification.groupKey,
    ...(notification.escalation ? { escalation: escalationDetails(notification.escalation) } : {}),
  };
}

/** An escalation step as the PagerDuty incident's details show it: which step, who is on call, who was paged before. */
function escalationDetails(step: EscalationStep): Record<string, unknown> {
  return {
    step: describeEscalationStep(step),
    episode: step.incident,
    on_call: step.onCall.map((contact) => (contact.schedule ? `${contact.name} (${contact.schedule})` : contact.name)),
    paged_before: step.pagedBefore.map(describeEscalationPage),
    ...(step.notes.length > 0 ? { notes: step.notes } : {}),
  };
}

function fromTemplate(template: string | undefined, labels: LabelSet): string | undefined {
  if (template === undefined) return undefined;
  const rendered = renderLabelTemplate(template, labels);
  return 'value' in rendered ? rendered.value : undefined;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
