import { ALERT_BUDGET, alertHeading, cut, fitAlerts, moreAlertsText, type Message, type MessageAlert } from '../chat/message-model.js';
import { JIRA_LIMITS } from './jira-limits.js';

/**
 * The message model as Jira wiki markup, the rich text of API v2 (Data Center and Server): a
 * heading, the group's labels, then each alert with its enrichment as a table, its notes and its
 * links, folding alerts into "…and N more" to stay within a text field's 32,767 characters.
 */
export function jiraWikiDescription(message: Message): string {
  return fitAlerts(
    message,
    (shown, hidden, compact) => wikiText(message, shown, hidden, compact),
    (text) => text.length <= JIRA_LIMITS.textChars,
  ).slice(0, JIRA_LIMITS.textChars);
}

function wikiText(message: Message, shown: readonly MessageAlert[], hidden: number, compact: boolean): string {
  const budget = compact ? ALERT_BUDGET.compact : ALERT_BUDGET.full;
  const context = [...message.context.map(([k, v]) => `${k} ${v}`), ...(message.receiver ? [`receiver ${message.receiver}`] : [])];
  const lines = [`h3. ${escapeWiki(message.title)}`];
  if (context.length > 0) lines.push(`_${escapeWiki(context.join('  ·  '))}_`);
  if (message.text) lines.push('', escapeWiki(message.text));
  for (const alert of shown) lines.push('----', ...alertLines(alert, budget));
  if (hidden > 0) {
    const link = message.externalURL ? ` ([Alertmanager|${message.externalURL}])` : '';
    lines.push('----', `${escapeWiki(moreAlertsText(hidden))}${link}`);
  }
  for (const note of message.notes) lines.push(`(!) ${escapeWiki(note)}`);
  return lines.join('\n');
}

function alertLines(alert: MessageAlert, budget: (typeof ALERT_BUDGET)[keyof typeof ALERT_BUDGET]): string[] {
  const status = !alert.statusDiffers ? '' : alert.status === 'resolved' ? 'resolved · ' : 'firing · ';
  const lines = [`*${escapeWiki(`${status}${alertHeading(alert)}`)}*`];
  if (alert.summary) lines.push(escapeWiki(cut(alert.summary, budget.text)));
  if (alert.description) lines.push(escapeWiki(cut(alert.description, budget.text)));
  for (const field of alert.fields.slice(0, budget.fields)) {
    const value = `${field.value}${field.sparkline ? ` · ${field.sparkline}` : ''}`;
    lines.push(`||${escapeWiki(cut(field.label, 100))}|${escapeWiki(cut(value, budget.fieldValue))}|`);
  }
  for (const note of alert.notes.slice(0, budget.notes)) lines.push(`(!) ${escapeWiki(cut(note, budget.text))}`);
  // safeLink has percent-encoded `|`, `[`, `]` and spaces in every URL, so none ends the link early.
  const links = alert.links.map((link) => `[${escapeWiki(link.text)}|${link.url}]`);
  lines.push([escapeWiki(alert.when), ...links].join('  ·  '));
  return lines;
}

/** A short comment (what changed), as wiki text. */
export function jiraWikiComment(lines: readonly string[]): string {
  return cut(lines.map(escapeWiki).join('\n'), JIRA_LIMITS.textChars);
}

// Every character wiki markup reads as formatting (bold, italics, links, macros, tables, images,
// lists, strike-through, citations), escaped with a backslash so an alert's text reads as written.
const WIKI_SPECIAL = /[*_+^~\-?#[\]{}|!]/g;

/**
 * Text for wiki markup. A backslash itself is written as an entity: doubled, it is a line break.
 * Characters outside the Basic Multilingual Plane (emoji) are dropped: a Data Center database in
 * MySQL's three-byte `utf8` refuses the whole issue for one of them.
 */
export function escapeWiki(text: string): string {
  return (
    text
      .replace(/\\/g, '&#92;')
      .replace(/[\u{10000}-\u{10FFFF}]\uFE0F?\s?/gu, '')
      .replace(WIKI_SPECIAL, (c) => `\\${c}`)
      // A line of the alert's own that starts like a heading or a quote stays text.
      .replace(/^(h[1-6]|bq)\./gm, '$1&#46;')
  );
}
