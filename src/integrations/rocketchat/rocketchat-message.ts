import { ALERT_BUDGET, alertHeading, cut, moreAlertsText, type Message, type MessageAlert } from '../chat/message-model.js';
import { plainRocketText as plain, rocketLink } from './rocketchat-text.js';

/**
 * The message model as a Rocket.Chat message: a one-line text (what notifications show) and
 * attachments, one for the group (its title, common labels, template text, the fold and notes,
 * and what the config adds: fields, buttons, an image) and one per alert (its summary,
 * description, notes and links, the enrichment as short fields). Pure: no I/O.
 */

// Rocket.Chat refuses a text past Message_MaxAllowedSize (5,000 characters unless changed);
// Alertmanager cuts the title at 1,024.
export const ROCKETCHAT_LIMITS = { text: 5_000, title: 1_024 } as const;

const COLOURS = { firing: 'red', resolved: 'green' } as const;

export interface RocketField {
  readonly short: boolean;
  readonly title: string;
  readonly value: string;
}

export interface RocketButton {
  readonly type: 'button';
  readonly text: string;
  readonly url?: string;
  readonly msg?: string;
  readonly msg_in_chat_window?: boolean;
}

export interface RocketAttachment {
  readonly color: string;
  readonly title: string;
  readonly title_link?: string;
  readonly text?: string;
  readonly fields?: readonly RocketField[];
  readonly image_url?: string;
  readonly thumb_url?: string;
  readonly actions?: readonly RocketButton[];
}

export interface RocketMessage {
  readonly text: string;
  readonly attachments: readonly RocketAttachment[];
}

/** What the config adds to the group's attachment, as Alertmanager's rocketchat_config adds it. */
export interface RocketExtras {
  readonly color?: string | undefined;
  readonly title_link?: string | undefined;
  readonly fields?: readonly RocketField[] | undefined;
  readonly image_url?: string | undefined;
  readonly thumb_url?: string | undefined;
  readonly actions?: readonly RocketButton[] | undefined;
}

export function rocketMessage(message: Message, extras: RocketExtras = {}): RocketMessage {
  const color = extras.color ?? COLOURS[message.state];
  const lines: string[] = [];
  const context = [
    ...message.context.map(([k, v]) => `*${plain(k)}* ${plain(v)}`),
    ...(message.receiver ? [`receiver ${plain(message.receiver)}`] : []),
  ];
  if (context.length > 0) lines.push(context.join('  ·  '));
  if (message.text) lines.push(plain(message.text));
  if (message.hidden > 0)
    lines.push(`${moreAlertsText(message.hidden)}${message.externalURL ? ` (${rocketLink(message.externalURL, 'Alertmanager')})` : ''}`);
  for (const note of message.notes) lines.push(`:warning: ${plain(note)}`);
  const titleLink = extras.title_link ?? message.externalURL;
  const group: RocketAttachment = {
    color,
    title: cut(plain(message.title), ROCKETCHAT_LIMITS.title),
    ...(titleLink ? { title_link: titleLink } : {}),
    ...(lines.length > 0 ? { text: cut(lines.join('\n'), ALERT_BUDGET.full.text) } : {}),
    ...(extras.fields && extras.fields.length > 0 ? { fields: extras.fields } : {}),
    ...(extras.image_url ? { image_url: extras.image_url } : {}),
    ...(extras.thumb_url ? { thumb_url: extras.thumb_url } : {}),
    ...(extras.actions && extras.actions.length > 0 ? { actions: extras.actions } : {}),
  };
  return {
    text: cut(plain(message.fallback), ROCKETCHAT_LIMITS.text),
    attachments: [group, ...message.alerts.map((alert) => alertAttachment(alert, color))],
  };
}

function alertAttachment(alert: MessageAlert, color: string): RocketAttachment {
  const budget = ALERT_BUDGET.full;
  const status = !alert.statusDiffers ? '' : alert.status === 'resolved' ? '✅ resolved · ' : '🔥 firing · ';
  const lines: string[] = [];
  if (alert.summary) lines.push(`*${plain(alert.summary)}*`);
  if (alert.description) lines.push(plain(alert.description));
  for (const note of alert.notes.slice(0, budget.notes)) lines.push(`:warning: _${plain(note)}_`);
  lines.push(alert.when);
  // The links go last and stay whole: the text before them is what gets cut.
  const links = alert.links.map((link) => rocketLink(link.url, link.text)).join('  ·  ');
  const text = [cut(lines.join('\n'), budget.text), links].filter((part) => part !== '').join('\n');
  const fields = alert.fields.slice(0, budget.fields).map((field) => ({
    short: true,
    title: plain(field.label),
    value: cut(`${plain(field.value)}${field.sparkline ? ` · ${field.sparkline}` : ''}`, budget.fieldValue),
  }));
  return {
    color,
    title: cut(plain(`${status}${alertHeading(alert)}`), ROCKETCHAT_LIMITS.title),
    text,
    ...(fields.length > 0 ? { fields } : {}),
  };
}

/** The documented limits, checked on a finished body: what `alertpipe render` reports. */
export function checkRocketMessage(body: RocketMessage): string[] {
  const problems: string[] = [];
  if (body.text.length > ROCKETCHAT_LIMITS.text) problems.push(`text over ${ROCKETCHAT_LIMITS.text} characters`);
  body.attachments.forEach((attachment, index) => {
    for (const [f, field] of (attachment.fields ?? []).entries())
      if (field.title === '' || field.value === '') problems.push(`attachment ${index} field ${f}: title and value must not be empty`);
  });
  return problems;
}
