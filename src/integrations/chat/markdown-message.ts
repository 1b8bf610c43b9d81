import { escalationLines } from './escalation-lines.js';
import { ALERT_BUDGET, alertHeading, cut, fitAlerts, moreAlertsText, type Message, type MessageAlert } from './message-model.js';

/**
 * The message model as one Markdown text, for platforms whose message is Markdown and nothing
 * else (Webex, Zulip): a bold title, the common labels, the template's text, then per alert its
 * heading, summary, description, enrichment as a list, notes, links and time. Platforms count
 * their limit in bytes of UTF-8, so alerts fold (and, for a single huge alert, are cut) until the
 * text fits that many bytes.
 */
export interface MarkdownOptions {
  /** The platform's limit on the message, in bytes of UTF-8. */
  readonly maxBytes: number;
  /** Turns text from an alert into literal text inside a line of the platform's Markdown. */
  readonly escape: (text: string) => string;
}

export function markdownMessage(message: Message, options: MarkdownOptions): string {
  const text = fitAlerts(
    message,
    (shown, hidden, compact) => render(message, shown, hidden, compact, options.escape),
    (rendered) => byteLength(rendered) <= options.maxBytes,
  );
  return cutToBytes(text, options.maxBytes);
}

function render(message: Message, shown: readonly MessageAlert[], hidden: number, compact: boolean, escape: (t: string) => string): string {
  const budget = compact ? ALERT_BUDGET.compact : ALERT_BUDGET.full;
  const lines: string[] = [`**${escape(message.title)}**`];
  const context = [
    ...message.context.map(([k, v]) => `${escape(k)} **${escape(v)}**`),
    ...(message.receiver ? [`receiver ${escape(message.receiver)}`] : []),
  ];
  if (context.length > 0) lines.push(context.join('  ·  '));
  if (message.escalation) lines.push('', escalationLines(message.escalation, escape).join('  \n'));
  if (message.text) lines.push('', block(cut(message.text, budget.text), escape));
  for (const alert of shown) lines.push('', ...alertLines(alert, budget, escape));
  if (hidden > 0) lines.push('', `${moreAlertsText(hidden)}${message.externalURL ? ` ([Alertmanager](${message.externalURL}))` : ''}`);
  for (const note of message.notes) lines.push('', `⚠ ${escape(note)}`);
  return lines.join('\n');
}

function alertLines(
  alert: MessageAlert,
  budget: (typeof ALERT_BUDGET)[keyof typeof ALERT_BUDGET],
  escape: (t: string) => string,
): string[] {
  const status = !alert.statusDiffers ? '' : alert.status === 'resolved' ? '✅ resolved · ' : '🔥 firing · ';
  const lines = [`**${status}${escape(cut(alertHeading(alert), 300))}**`];
  if (alert.summary) lines.push(block(cut(alert.summary, budget.text), escape));
  if (alert.description) lines.push(block(cut(alert.description, budget.text), escape));
  // A list item per field keeps each on its line in every Markdown dialect; the sparkline as code
  // so that its block characters are not read as markup.
  for (const field of alert.fields.slice(0, budget.fields)) {
    const value = escape(cut(field.value, budget.fieldValue));
    lines.push(`- ${escape(field.label)}: ${value}${field.sparkline ? ` \`${field.sparkline}\`` : ''}`);
  }
  for (const note of alert.notes.slice(0, budget.notes)) lines.push(`- ⚠ *${escape(cut(note, budget.fieldValue))}*`);
  const links = alert.links.map((link) => `[${escape(link.text)}](${link.url})`);
  lines.push([...links, `*${alert.when}*`].join('  ·  '));
  return lines;
}

/**
 * Text that starts lines of its own (a summary, a description): escaped inline, and a `-`, `+`,
 * `=` or digit-dot at the start of any of its lines, which would start a list or a heading, after a backslash.
 */
function block(text: string, escape: (t: string) => string): string {
  return escape(text)
    .replace(/^(\s*)([-+=])/gm, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/gm, '$1\\$2');
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Cuts text to at most `max` bytes of UTF-8, never inside a character, with an ellipsis when cut. */
export function cutToBytes(text: string, max: number): string {
  if (byteLength(text) <= max) return text;
  const room = max - byteLength('…');
  let out = '';
  let bytes = 0;
  for (const char of text) {
    const size = byteLength(char);
    if (bytes + size > room) break;
    out += char;
    bytes += size;
  }
  return `${out}…`;
}

/**
 * CommonMark's escapes: a backslash before any ASCII punctuation shows it as written. Every
 * character that starts markup inside a line is escaped (emphasis, code, headings, quotes, tables,
 * HTML and the `<@…>` mention forms); with `[` and `]` escaped no link can form, so `(` and `)`
 * may stay as they are.
 */
export function escapeCommonMark(text: string): string {
  return text.replace(/[\\`*_[\]<>#|~]/g, '\\$&');
}
