import { escapeHtml } from '../../lib/escape.js';
import type { Link } from './alert-links.js';
import { ALERT_BUDGET, alertHeading, cut, fitAlerts, moreAlertsText, type Message, type MessageAlert } from './message-model.js';

/** How a text platform marks up its body: plain text, or a small HTML (Pushover's `html=1`). */
export interface TextMarkup {
  readonly escape: (text: string) => string;
  readonly bold: (text: string) => string;
  /** The alert's links after its time; plain text has none (the platform shows one URL of its own). */
  readonly links: (links: readonly Link[]) => string;
}

export const PLAIN_TEXT: TextMarkup = { escape: (t) => t, bold: (t) => t, links: () => '' };

// safeLink has already percent-encoded quotes and brackets, so the URL cannot leave its attribute.
export const SMALL_HTML: TextMarkup = {
  escape: escapeHtml,
  bold: (t) => `<b>${t}</b>`,
  links: (list) => list.map((l) => ` · <a href="${l.url}">${escapeHtml(l.text)}</a>`).join(''),
};

/**
 * The message model as the body of a notification that is only text (a push to a phone, an SMS, an
 * SNS message): the group's labels, then per alert its heading, summary, description, enrichment
 * fields, notes and time, as many alerts as fit in `limit` (measured by `measure`: characters or
 * bytes, as the platform counts), the rest folded into "…and N more". Never longer than the limit.
 */
export function textBody(
  message: Message,
  options: { readonly limit: number; readonly measure?: (text: string) => number; readonly markup?: TextMarkup },
): string {
  const measure = options.measure ?? ((text: string) => text.length);
  const markup = options.markup ?? PLAIN_TEXT;
  const body = fitAlerts(
    message,
    (shown, hidden, compact) => render(message, shown, hidden, compact, markup),
    (text) => measure(text) <= options.limit,
  );
  return fitTo(body, options.limit, measure, markup !== PLAIN_TEXT);
}

function render(message: Message, shown: readonly MessageAlert[], hidden: number, compact: boolean, markup: TextMarkup): string {
  const budget = compact ? ALERT_BUDGET.compact : ALERT_BUDGET.full;
  const esc = markup.escape;
  const lines: string[] = [];
  if (message.text) lines.push(esc(cut(message.text, budget.text)));
  if (message.context.length > 0) lines.push(esc(message.context.map(([k, v]) => `${k} ${v}`).join(' · ')));
  for (const alert of shown) {
    lines.push('');
    lines.push(markup.bold(esc(`${alert.statusDiffers ? `[${alert.status.toUpperCase()}] ` : ''}${alertHeading(alert)}`)));
    if (alert.summary) lines.push(esc(cut(alert.summary, budget.text)));
    if (alert.description) lines.push(esc(cut(alert.description, budget.text)));
    for (const field of alert.fields.slice(0, budget.fields))
      lines.push(esc(`${field.label}: ${cut(field.value, budget.fieldValue)}${field.sparkline ? ` · ${field.sparkline}` : ''}`));
    for (const note of alert.notes.slice(0, budget.notes)) lines.push(esc(`⚠ ${note}`));
    lines.push(`${esc(alert.when)}${markup.links(alert.links)}`);
  }
  if (hidden > 0) lines.push('', esc(moreAlertsText(hidden)));
  for (const note of message.notes) lines.push(esc(`⚠ ${note}`));
  return lines.join('\n').trim();
}

/**
 * Even one compact alert may not fit (a 2,000-character summary): cut, never refused. Markup is
 * cut at a line break, so no tag or entity is left half written.
 */
function fitTo(body: string, limit: number, measure: (text: string) => number, markup: boolean): string {
  if (measure(body) <= limit) return body;
  // The longest head (in code points, so no surrogate pair is split) that fits with its ellipsis.
  const points = [...body];
  let [lo, hi] = [0, points.length];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(`${points.slice(0, mid).join('')}…`) <= limit) lo = mid;
    else hi = mid - 1;
  }
  let text = points.slice(0, lo).join('');
  if (markup) {
    const end = text.lastIndexOf('\n');
    text = end > 0 ? text.slice(0, end) : text.replace(/<[^>]*$|&[a-z#0-9]*$/i, '');
  }
  return `${text}…`;
}
