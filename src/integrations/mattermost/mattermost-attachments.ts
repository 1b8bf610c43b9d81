import { ALERT_BUDGET, alertHeading, cut, foldAlerts, moreAlertsText, type Message, type MessageAlert } from '../chat/message-model.js';
import { escapeMattermost as escape, markdownLink, noMentions } from './mattermost-markdown.js';

/**
 * The message model as Mattermost's Slack-compatible message attachments: one attachment for the
 * group (its title, common labels, template text, the fold and the notes) and one per alert (its
 * summary, description, notes and links, the enrichment as short fields), red while firing and
 * green once resolved. The same body goes to an incoming webhook and, as `props.attachments`, to
 * `POST /api/v4/posts`. Pure: no I/O.
 */

// developers.mattermost.com: a post's message holds at most 16,383 characters, its props (where
// the attachments are) at most 800,000; past either the server refuses the post with a 400.
export const MATTERMOST_LIMITS = { message: 16_383, propsCharacters: 800_000, title: 1_024 } as const;

const COLOURS = { firing: '#E01E5A', resolved: '#2EB67D' } as const;

export interface MattermostField {
  readonly title: string;
  readonly value: string;
  readonly short: boolean;
}

export interface MattermostAttachment {
  /** Required by Mattermost: the plain text shown in notifications and by clients without attachments. */
  readonly fallback: string;
  readonly color: string;
  readonly title: string;
  readonly title_link?: string;
  readonly text?: string;
  readonly fields?: readonly MattermostField[];
  readonly footer?: string;
}

export interface MattermostMessage {
  readonly attachments: readonly MattermostAttachment[];
}

export function mattermostAttachments(message: Message): MattermostMessage {
  const color = COLOURS[message.state];
  const { shown, hidden } = foldAlerts(message, message.alerts.length);
  const lines: string[] = [];
  const context = [
    ...message.context.map(([k, v]) => `**${escape(k)}** ${escape(v)}`),
    ...(message.receiver ? [`receiver ${escape(message.receiver)}`] : []),
  ];
  if (context.length > 0) lines.push(context.join('  ·  '));
  if (message.text) lines.push(escape(message.text));
  if (hidden > 0)
    lines.push(`${moreAlertsText(hidden)}${message.externalURL ? ` (${markdownLink(message.externalURL, 'Alertmanager')})` : ''}`);
  for (const note of message.notes) lines.push(`:warning: ${escape(note)}`);
  const group: MattermostAttachment = {
    fallback: cut(noMentions(message.fallback), ALERT_BUDGET.full.text),
    color,
    title: cut(noMentions(message.title), MATTERMOST_LIMITS.title),
    ...(message.externalURL ? { title_link: message.externalURL } : {}),
    ...(lines.length > 0 ? { text: cut(lines.join('\n'), ALERT_BUDGET.full.text) } : {}),
  };
  return { attachments: [group, ...shown.map((alert) => alertAttachment(alert, color))] };
}

function alertAttachment(alert: MessageAlert, color: string): MattermostAttachment {
  const budget = ALERT_BUDGET.full;
  const status = !alert.statusDiffers ? '' : alert.status === 'resolved' ? '✅ resolved · ' : '🔥 firing · ';
  const heading = noMentions(`${status}${alertHeading(alert)}`);
  const lines: string[] = [];
  if (alert.summary) lines.push(`**${escape(alert.summary)}**`);
  if (alert.description) lines.push(escape(alert.description));
  for (const note of alert.notes.slice(0, budget.notes)) lines.push(`:warning: _${escape(note)}_`);
  const links = alert.links.map((link) => markdownLink(link.url, link.text)).join('  ·  ');
  // The links go last and stay whole: the text before them is what gets cut.
  const body = cut(lines.join('\n'), budget.text);
  const text = [body, links].filter((part) => part !== '').join('\n');
  const fields = alert.fields.slice(0, budget.fields).map((field) => ({
    title: noMentions(field.label),
    value: cut(`${escape(field.value)}${field.sparkline ? ` · ${field.sparkline}` : ''}`, budget.fieldValue),
    short: true,
  }));
  return {
    fallback: cut(heading, budget.text),
    color,
    title: cut(heading, MATTERMOST_LIMITS.title),
    ...(text ? { text } : {}),
    ...(fields.length > 0 ? { fields } : {}),
    footer: alert.when,
  };
}

/**
 * The platform's documented limits, checked on a finished body: what `alertpipe render` reports
 * before anything is sent. The adapter above keeps to them; a problem here is a bug to report.
 */
export function checkMattermostMessage(body: MattermostMessage & { readonly text?: string; readonly message?: string }): string[] {
  const problems: string[] = [];
  const text = body.text ?? body.message ?? '';
  if ([...text].length > MATTERMOST_LIMITS.message) problems.push(`message over ${MATTERMOST_LIMITS.message} characters`);
  const props = [...JSON.stringify({ attachments: body.attachments })].length;
  if (props > MATTERMOST_LIMITS.propsCharacters)
    problems.push(`${props} characters of attachments (Mattermost takes at most ${MATTERMOST_LIMITS.propsCharacters})`);
  if (text === '' && body.attachments.length === 0) problems.push('neither text nor attachments');
  body.attachments.forEach((attachment, index) => {
    if (attachment.fallback === '') problems.push(`attachment ${index}: no fallback`);
  });
  return problems;
}
