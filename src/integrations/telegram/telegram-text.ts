import { escapeHtml } from '../../lib/escape.js';
import { escalationLines } from '../chat/escalation-lines.js';
import { ALERT_BUDGET, alertHeading, cut, fitAlerts, moreAlertsText, type Message, type MessageAlert } from '../chat/message-model.js';
import { parseTelegramHtml, visibleLength } from './telegram-html.js';

/**
 * The message model as the text of one Telegram message: the title in bold, the common labels,
 * then per alert its heading, summary, description, the enrichment as `label: value` lines, notes,
 * and its links. Telegram refuses a text past 4,096 characters after entity parsing ("message is
 * too long"), so alerts fold into "…and N more" until it fits.
 */

export const TELEGRAM_LIMITS = { text: 4_096, context: 600, title: 256, templateText: 1_500 } as const;

/** `HTML` (Alertmanager's default here) writes tags and escapes every value; `''` sends plain text. */
export type TelegramParseMode = 'HTML' | '';

interface Markup {
  readonly text: (value: string) => string;
  readonly bold: (html: string) => string;
  readonly italic: (html: string) => string;
  readonly link: (text: string, url: string) => string;
}

const HTML: Markup = {
  text: escapeHtml,
  bold: (html) => `<b>${html}</b>`,
  italic: (html) => `<i>${html}</i>`,
  // The model's links are checked http(s) URLs, percent-encoded (safeLink); escaping keeps `&` of a query an entity.
  link: (text, url) => `<a href="${escapeHtml(url)}">${escapeHtml(text)}</a>`,
};

const PLAIN: Markup = { text: (value) => value, bold: (text) => text, italic: (text) => text, link: (text, url) => `${text}: ${url}` };

export function telegramText(message: Message, parseMode: TelegramParseMode): string {
  const markup = parseMode === 'HTML' ? HTML : PLAIN;
  return fitAlerts(
    message,
    (shown, hidden, compact) => render(message, shown, hidden, compact, markup),
    (text) => textLength(text, parseMode) <= TELEGRAM_LIMITS.text,
  );
}

function render(message: Message, shown: readonly MessageAlert[], hidden: number, compact: boolean, markup: Markup): string {
  const budget = compact ? ALERT_BUDGET.compact : ALERT_BUDGET.full;
  const context = [...message.context.map(([k, v]) => `${k} ${v}`), ...(message.receiver ? [`receiver ${message.receiver}`] : [])].join(
    '  ·  ',
  );
  const head = [markup.bold(markup.text(cut(message.title, TELEGRAM_LIMITS.title)))];
  if (context) head.push(markup.text(cut(context, compact ? 200 : TELEGRAM_LIMITS.context)));
  if (message.escalation) head.push(...escalationLines(message.escalation, (plain) => markup.text(plain)));
  if (message.text) head.push(markup.text(cut(message.text, compact ? 300 : TELEGRAM_LIMITS.templateText)));
  const blocks = [head.join('\n'), ...shown.map((alert) => alertBlock(alert, budget, markup))];
  if (hidden > 0) {
    const more = moreAlertsText(hidden);
    blocks.push(message.externalURL ? `${markup.text(more)} (${markup.link('Alertmanager', message.externalURL)})` : markup.text(more));
  }
  if (message.notes.length > 0) blocks.push(message.notes.map((note) => markup.text(`⚠ ${cut(note, budget.text)}`)).join('\n'));
  return blocks.join('\n\n');
}

function alertBlock(alert: MessageAlert, budget: (typeof ALERT_BUDGET)[keyof typeof ALERT_BUDGET], markup: Markup): string {
  const status = !alert.statusDiffers ? '' : alert.status === 'resolved' ? '✅ resolved · ' : '🔥 firing · ';
  const lines = [markup.bold(markup.text(`${status}${cut(alertHeading(alert), 300)}`))];
  if (alert.summary) lines.push(markup.italic(markup.text(cut(alert.summary, budget.text))));
  if (alert.description) lines.push(markup.text(cut(alert.description, budget.text)));
  for (const field of alert.fields.slice(0, budget.fields)) {
    const value = `${field.value}${field.sparkline ? ` · ${field.sparkline}` : ''}`;
    lines.push(`${markup.bold(markup.text(`${cut(field.label, 100)}:`))} ${markup.text(cut(value, budget.fieldValue))}`);
  }
  for (const note of alert.notes.slice(0, budget.notes)) lines.push(markup.text(`⚠ ${cut(note, budget.text)}`));
  lines.push([markup.text(alert.when), ...alert.links.map((link) => markup.link(link.text, link.url))].join('  ·  '));
  return lines.join('\n');
}

/** The length Telegram counts for a text in this parse mode. */
export function textLength(text: string, parseMode: TelegramParseMode): number {
  return parseMode === 'HTML' ? visibleLength(text) : text.trim().length;
}

/**
 * What Telegram would refuse in a finished text: markup it cannot parse, nothing to show, or a
 * text too long. What `alertpipe render` reports; the renderer above keeps to these.
 */
export function checkTelegramText(text: string, parseMode: TelegramParseMode): string[] {
  const problems: string[] = [];
  if (parseMode === 'HTML') {
    const parsed = parseTelegramHtml(text);
    if (parsed.problem !== undefined) problems.push(`can't parse entities: ${parsed.problem}`);
  }
  const length = textLength(text, parseMode);
  if (length === 0) problems.push('the text is empty');
  if (length > TELEGRAM_LIMITS.text) problems.push(`${length} characters (Telegram takes ${TELEGRAM_LIMITS.text})`);
  return problems;
}
