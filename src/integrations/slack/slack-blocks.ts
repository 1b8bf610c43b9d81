import { cut, foldAlerts, moreAlertsText, type LabelPair, type Message, type MessageAlert } from '../chat/message-model.js';
import { escapeMrkdwn as escape, mrkdwnLink } from './slack-mrkdwn.js';
import { escalationLines } from '../chat/escalation-lines.js';
import type { EscalationStep } from '../../model/escalation-step.js';

// A user (or Enterprise Grid user) id: only such a string may go inside `<@…>` unescaped.
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/**
 * The message model as a Slack Block Kit message. Pure: no I/O, so every limit is tested on its own.
 */

// Slack's limits (api.slack.com/reference/block-kit/blocks): past them the whole message is
// refused with `invalid_blocks`, so the adapter folds and truncates instead.
export const SLACK_LIMITS = { blocks: 50, headerText: 150, sectionText: 3000, contextElements: 10, fallbackText: 3000 } as const;

export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

type TextObject = { readonly type: 'mrkdwn' | 'plain_text'; readonly text: string; readonly emoji?: boolean };
export type SlackBlock =
  | { readonly type: 'header'; readonly text: TextObject }
  | { readonly type: 'section'; readonly text: TextObject }
  | { readonly type: 'context'; readonly elements: readonly TextObject[] }
  | { readonly type: 'divider' }
  | { readonly type: 'actions'; readonly block_id?: string; readonly elements: readonly SlackButton[] };

export interface SlackButton {
  readonly type: 'button';
  readonly action_id: string;
  readonly text: TextObject;
  readonly value: string;
  readonly style?: 'primary' | 'danger';
}

/** An escalation step's lines in mrkdwn: a person with a Slack user id is mentioned (and so notified), anyone else named. */
export function slackEscalationLines(step: EscalationStep): string[] {
  return escalationLines(step, escape, (contact) =>
    contact.slack && SLACK_USER_ID.test(contact.slack) ? `<@${contact.slack}>` : escape(contact.name),
  );
}

/** `reserve`: blocks the caller adds after these (the Slack app's status line and buttons). */
export function slackBlocks(message: Message, reserve = 0): SlackMessage {
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(message.title, SLACK_LIMITS.headerText), emoji: true } },
  ];
  const common = [
    ...message.context.map(([k, v]) => `*${escape(k)}* ${escape(v)}`),
    ...(message.receiver ? [`receiver ${escape(message.receiver)}`] : []),
  ].join('  ·  ');
  if (common) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: cut(common, SLACK_LIMITS.sectionText) }] });
  if (message.escalation)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: cut(slackEscalationLines(message.escalation).join('\n'), SLACK_LIMITS.sectionText) },
    });
  if (message.text) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(escape(message.text), SLACK_LIMITS.sectionText) } });

  // Each alert takes up to three blocks; room is kept for the fold and the notes.
  const room = Math.floor((SLACK_LIMITS.blocks - blocks.length - 2 - reserve) / 3);
  const { shown, hidden } = foldAlerts(message, room);
  shown.forEach((alert, index) => {
    if (index > 0) blocks.push({ type: 'divider' });
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(alertText(alert), SLACK_LIMITS.sectionText) } });
    const links = alert.links.map((link) => mrkdwnLink(link.url, link.text));
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: [alert.when, ...links].join('  ·  ') }] });
  });
  if (hidden > 0) {
    const where = message.externalURL ? ` (see ${mrkdwnLink(message.externalURL, 'Alertmanager')})` : '';
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `${moreAlertsText(hidden)}${where}` } });
  }
  if (message.notes.length > 0) {
    const elements = message.notes
      .slice(0, SLACK_LIMITS.contextElements)
      .map((note) => ({ type: 'mrkdwn' as const, text: cut(`:warning: ${escape(note)}`, SLACK_LIMITS.sectionText) }));
    blocks.push({ type: 'context', elements });
  }
  // The top-level text is mrkdwn too (notifications, screen readers): `<!channel>` there would notify.
  return { text: cut(escape(message.fallback), SLACK_LIMITS.fallbackText), blocks };
}

function alertText(alert: MessageAlert): string {
  const lines: string[] = [];
  const status = !alert.statusDiffers ? '' : alert.status === 'resolved' ? '✅ resolved · ' : '🔥 firing · ';
  lines.push(`${status}${alert.line !== undefined ? escape(alert.line) : heading(alert.labels, alert.name)}`);
  if (alert.summary) lines.push(`*${escape(alert.summary)}*`);
  if (alert.description) lines.push(escape(alert.description));
  for (const field of alert.fields)
    lines.push(`*${escape(field.label)}*: ${escape(field.value)}${field.sparkline ? ` · ${field.sparkline}` : ''}`);
  for (const note of alert.notes) lines.push(`:warning: _${escape(note)}_`);
  return lines.join('\n');
}

function heading(labels: readonly LabelPair[], name: string): string {
  return labels.length > 0 ? labels.map(([k, v]) => `${escape(k)} \`${escape(v)}\``).join('  ') : `\`${escape(name)}\``;
}

/**
 * The platform's documented limits, checked on a finished body: what `alertpipe render` reports
 * before anything is sent. The adapter above keeps to these limits; a problem here is a bug to report.
 */
export function checkSlackMessage(message: SlackMessage): string[] {
  const problems: string[] = [];
  if (message.blocks.length > SLACK_LIMITS.blocks)
    problems.push(`${message.blocks.length} blocks (Slack takes at most ${SLACK_LIMITS.blocks})`);
  message.blocks.forEach((block, index) => {
    if (block.type === 'header' && block.text.text.length > SLACK_LIMITS.headerText)
      problems.push(`block ${index}: header over ${SLACK_LIMITS.headerText} characters`);
    if (block.type === 'section' && block.text.text.length > SLACK_LIMITS.sectionText)
      problems.push(`block ${index}: section over ${SLACK_LIMITS.sectionText} characters`);
    if (block.type === 'section' && block.text.text.length === 0) problems.push(`block ${index}: empty section text`);
    if (block.type === 'context' && (block.elements.length === 0 || block.elements.length > SLACK_LIMITS.contextElements))
      problems.push(`block ${index}: context needs 1 to 10 elements`);
  });
  if (message.text.length > SLACK_LIMITS.fallbackText) problems.push(`text over ${SLACK_LIMITS.fallbackText} characters`);
  return problems;
}
