import type { AlertStatus } from '../../model/model.js';
import type { EscalationStep } from '../../model/escalation-step.js';
import type { Link } from './alert-links.js';

/**
 * A notification as people read it, whatever the chat tool: built once per notification by
 * `buildMessage`, then turned into each platform's format by a thin adapter (Slack Block Kit,
 * Teams Adaptive Card, Discord embeds, Google Chat cardsV2). Every string is plain text; each
 * adapter escapes it for its own markup.
 */
export interface Message {
  /** The group's status. */
  readonly state: AlertStatus;
  /** `🔥 FIRING: KubePodCrashLooping (2)`, or what the `title` template made of it. */
  readonly title: string;
  /** The alert name the group shares (`alerts` when they share none). */
  readonly name: string;
  /** The group's common labels worth showing, key labels first, then the receiver. */
  readonly context: readonly LabelPair[];
  readonly receiver: string;
  /** What the `text` template rendered; absent without one. */
  readonly text?: string;
  /** One line for notifications and screen readers: `[FIRING:2] KubePodCrashLooping shop: Pod is crash looping.` */
  readonly fallback: string;
  /** The alerts shown in full, in the group's order. */
  readonly alerts: readonly MessageAlert[];
  /** Alerts folded into "…and N more" (past `maxAlerts`, or truncated by Alertmanager). */
  readonly hidden: number;
  /** Problems with the message itself (a template that failed), shown at its end. */
  readonly notes: readonly string[];
  /** The Alertmanager that sent the group, when it is an http(s) URL. */
  readonly externalURL?: string;
  /** Identifies the group across notifications: threads and message keys are built from it. */
  readonly groupKey: string;
  /** Set for an escalation step's message: adapters show `escalationLines` of it above the alerts. */
  readonly escalation?: EscalationStep;
}

export type LabelPair = readonly [name: string, value: string];

export interface MessageAlert {
  readonly fingerprint: string;
  /** The `alertname` label, else the fingerprint: what to call an alert without labels of its own. */
  readonly name: string;
  readonly status: AlertStatus;
  /** The alert's status differs from its group's (a resolved alert in a firing group). */
  readonly statusDiffers: boolean;
  /** The alert's own labels (those not common to the group), key labels first. */
  readonly labels: readonly LabelPair[];
  /** What the per-alert `alert` template rendered; adapters show it instead of the labels. */
  readonly line?: string;
  /** The `summary` annotation, when it differs from the group's. */
  readonly summary?: string;
  readonly description?: string;
  /** Every enricher's fields, in order. */
  readonly fields: readonly MessageField[];
  /** Why some context is missing (enrichers' notes and the alert's own). */
  readonly notes: readonly string[];
  /** Source, runbook, dashboard, silence. */
  readonly links: readonly Link[];
  /** `since 2026-11-22 12:04 UTC` or `resolved 2026-11-22 12:30 UTC`. */
  readonly when: string;
}

export interface MessageField {
  readonly label: string;
  /** The value without its sparkline. */
  readonly value: string;
  /** A trend such as `▁▂▃▅▇`, when the enricher gave one at the end of the value. */
  readonly sparkline?: string;
}

/** The first `room` alerts of a message, and how many fold into "…and N more". */
export function foldAlerts(message: Message, room: number): { shown: readonly MessageAlert[]; hidden: number } {
  const shown = message.alerts.slice(0, Math.max(1, room));
  return { shown, hidden: message.hidden + message.alerts.length - shown.length };
}

/** "…and 3 more alerts". */
export function moreAlertsText(hidden: number): string {
  return `…and ${hidden} more alert${hidden === 1 ? '' : 's'}`;
}

/** Cuts text to a platform's limit, with an ellipsis to show it was cut. */
export function cut(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let end = Math.max(0, limit - 1);
  // Never half a surrogate pair: an emoji cut in two is no text, and goes out as U+FFFD.
  if (end > 0 && /[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
  return `${text.slice(0, end)}…`;
}

/**
 * Renders with as many alerts as fit: all of them when the result keeps to the platform's limits,
 * else one fewer each time, the rest folding into "…and N more". One alert always goes out: when
 * even one is too much, it is rendered `compact` (its text and fields cut short).
 */
export function fitAlerts<T>(
  message: Message,
  render: (shown: readonly MessageAlert[], hidden: number, compact: boolean) => T,
  fits: (rendered: T) => boolean,
  room = message.alerts.length,
): T {
  for (let n = Math.min(room, message.alerts.length); n >= 1; n--) {
    const { shown, hidden } = foldAlerts(message, n);
    const rendered = render(shown, hidden, false);
    if (fits(rendered)) return rendered;
  }
  const { shown, hidden } = foldAlerts(message, 1);
  return render(shown, hidden, true);
}

/** How much of an alert's text a platform shows, in full and when it must be compact. */
export const ALERT_BUDGET = {
  full: { text: 2_000, fields: 20, fieldValue: 500, notes: 5 },
  compact: { text: 300, fields: 8, fieldValue: 150, notes: 2 },
} as const;

/** The alert's own labels as `pod cart-1  container cart`, or its name when it has none of its own. */
export function alertHeading(alert: MessageAlert): string {
  if (alert.line !== undefined) return alert.line;
  return alert.labels.length > 0 ? alert.labels.map(([k, v]) => `${k} ${v}`).join('  ') : alert.name;
}
