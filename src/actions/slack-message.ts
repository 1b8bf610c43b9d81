import type { EnrichedAlert, EnrichedNotification, LabelSet } from '../pipeline/model.js';
import { alertLinks, type Link } from './alert-links.js';

/**
 * One Slack message per group, in Block Kit. Pure: no I/O, so every limit is tested on its own.
 */

// Slack's limits (api.slack.com/reference/block-kit/blocks): past them the whole message is
// refused with `invalid_blocks`, so the builder folds and truncates instead.
export const SLACK_LIMITS = { blocks: 50, headerText: 150, sectionText: 3000, contextElements: 10, fallbackText: 3000 } as const;

// Labels worth showing first, in this order; the rest follow alphabetically.
const KEY_LABELS = ['namespace', 'pod', 'container', 'deployment', 'instance', 'node', 'job', 'service', 'cluster', 'severity'];
// Labels that say nothing to a person reading the message.
const HIDDEN_LABELS = new Set(['alertname', 'prometheus', 'endpoint', 'receive', 'tenant_id']);

export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

type TextObject = { readonly type: 'mrkdwn' | 'plain_text'; readonly text: string; readonly emoji?: boolean };
export type SlackBlock =
  | { readonly type: 'header'; readonly text: TextObject }
  | { readonly type: 'section'; readonly text: TextObject }
  | { readonly type: 'context'; readonly elements: readonly TextObject[] }
  | { readonly type: 'divider' };

export interface SlackMessageOptions {
  /** Alerts shown in full before the rest fold into "…and N more". */
  readonly maxAlerts: number;
}

export function buildSlackMessage(notification: EnrichedNotification, options: SlackMessageOptions): SlackMessage {
  const firing = notification.status === 'firing';
  const name = notification.commonLabels.alertname ?? notification.groupLabels.alertname ?? 'alerts';
  const count = notification.alerts.length;
  const header = `${firing ? '🔥 FIRING' : '✅ RESOLVED'}: ${name}${count > 1 ? ` (${count})` : ''}`;
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: cut(header, SLACK_LIMITS.headerText), emoji: true } }];
  const common = groupContext(notification);
  if (common) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: cut(common, SLACK_LIMITS.sectionText) }] });

  // Two blocks are kept for the fold and the closing context.
  const room = Math.floor((SLACK_LIMITS.blocks - blocks.length - 2) / 3);
  const shown = notification.alerts.slice(0, Math.max(1, Math.min(options.maxAlerts, room)));
  shown.forEach((alert, index) => {
    if (index > 0) blocks.push({ type: 'divider' });
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(alertText(alert, notification), SLACK_LIMITS.sectionText) } });
    const context = alertContext(alert, notification);
    if (context.length > 0) blocks.push({ type: 'context', elements: context.slice(0, SLACK_LIMITS.contextElements) });
  });
  const hidden = count - shown.length + notification.truncatedAlerts;
  if (hidden > 0) {
    const where = notification.externalURL ? ` (see <${notification.externalURL}|Alertmanager>)` : '';
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `…and ${hidden} more alert${hidden === 1 ? '' : 's'}${where}` } });
  }
  return { text: cut(fallback(notification, name), SLACK_LIMITS.fallbackText), blocks };
}

/** What notifications and screen readers show: `[FIRING:2] KubePodCrashLooping shop: Pod is crash looping.` */
function fallback(notification: EnrichedNotification, name: string): string {
  const scope = notification.commonLabels.namespace ?? notification.commonLabels.instance ?? '';
  const summary = notification.commonAnnotations.summary;
  return `[${notification.status.toUpperCase()}:${notification.alerts.length}] ${name}${scope ? ` ${scope}` : ''}${summary ? `: ${summary}` : ''}`;
}

function groupContext(notification: EnrichedNotification): string {
  const parts = orderedLabels(notification.commonLabels).map(([k, v]) => `*${k}* ${escape(v)}`);
  if (notification.receiver) parts.push(`receiver ${escape(notification.receiver)}`);
  return parts.join('  ·  ');
}

function alertText(alert: EnrichedAlert, notification: EnrichedNotification): string {
  const own = orderedLabels(alert.labels).filter(([k]) => notification.commonLabels[k] !== alert.labels[k]);
  const lines: string[] = [];
  const status = alert.status === notification.status ? '' : alert.status === 'resolved' ? '✅ resolved · ' : '🔥 firing · ';
  const title = own.length > 0 ? own.map(([k, v]) => `${k} \`${escape(v)}\``).join('  ') : `\`${escape(alert.labels.alertname ?? alert.fingerprint)}\``;
  lines.push(`${status}${title}`);
  const { summary, description } = alert.annotations;
  if (summary && summary !== notification.commonAnnotations.summary) lines.push(`*${escape(summary)}*`);
  if (description) lines.push(escape(description));
  for (const enrichment of Object.values(alert.enrichment)) {
    for (const field of enrichment.fields) lines.push(`*${escape(field.label)}*: ${escape(field.value)}`);
  }
  for (const note of alert.notes) lines.push(`:warning: _${escape(note)}_`);
  return lines.join('\n');
}

function alertContext(alert: EnrichedAlert, notification: EnrichedNotification): TextObject[] {
  const when =
    alert.status === 'resolved' && alert.endsAt
      ? `resolved ${clock(alert.endsAt)}`
      : `since ${clock(alert.startsAt)}`;
  // An enricher's link goes into Slack's <url|text> markup: only plain http(s) URLs can.
  const enricherLinks = Object.values(alert.enrichment).flatMap((e) => (e.links ?? []).filter((l) => /^https?:\/\/[^\s<>|]+$/.test(l.url)));
  const links = [...alertLinks(alert, notification.externalURL), ...enricherLinks].map((link: Link) => `<${link.url}|${link.text}>`);
  return [{ type: 'mrkdwn', text: [when, ...links].join('  ·  ') }];
}

function orderedLabels(labels: LabelSet): [string, string][] {
  const rank = (name: string): number => (KEY_LABELS.includes(name) ? KEY_LABELS.indexOf(name) : KEY_LABELS.length);
  return Object.entries(labels)
    .filter(([name]) => !HIDDEN_LABELS.has(name))
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

/** `2026-11-22 12:04 UTC`: one clock for everyone on the channel. */
function clock(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Slack reads &, < and > as markup; anything from an alert must be escaped. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cut(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}
