import { escapeHtml } from '../../lib/escape.js';
import { safeLink, type Link } from '../chat/alert-links.js';
import { ALERT_BUDGET, alertHeading, cut, fitAlerts, moreAlertsText, type Message, type MessageAlert } from '../chat/message-model.js';

/** Pushover's documented limits (pushover.net/api#limits), in characters. */
export const PUSHOVER_LIMITS = { title: 250, message: 1024, url: 512, urlTitle: 100 } as const;

/** What one Pushover message shows: the form fields that carry text. */
export interface PushoverText {
  readonly title: string;
  readonly message: string;
  /** The supplementary URL and its title: the first alert's runbook, dashboard or source. */
  readonly url?: string;
  readonly url_title?: string;
}

/**
 * The message model as a Pushover notification: a title and a body of at most 1,024 characters,
 * in plain text, or in Pushover's small HTML (`<b>`, `<a href>`) when `html` is set. A phone shows
 * a few lines of it, so alerts fold early: as many as fit, then "…and N more".
 */
export function pushoverText(message: Message, options: { readonly html: boolean }): PushoverText {
  const body = fitAlerts(
    message,
    (shown, hidden, compact) => renderBody(message, shown, hidden, compact, options.html),
    (text) => text.length <= PUSHOVER_LIMITS.message,
  );
  const link = message.alerts.flatMap((a) => a.links).find((l) => l.text !== 'Silence') ?? alertmanagerPage(message);
  return {
    title: cut(message.title, PUSHOVER_LIMITS.title),
    // Even one compact alert may not fit (a 2,000-character summary): cut, never refused.
    message: options.html ? cutHtml(body) : cut(body, PUSHOVER_LIMITS.message),
    ...(link && link.url.length <= PUSHOVER_LIMITS.url ? { url: link.url, url_title: cut(link.text, PUSHOVER_LIMITS.urlTitle) } : {}),
  };
}

/** Alertmanager's own default `url`: its page of the receiver's alerts. */
function alertmanagerPage(message: Message): Link | undefined {
  const base = message.externalURL?.replace(/\/+$/, '');
  const url = base === undefined ? undefined : safeLink(`${base}/#/alerts?receiver=${encodeURIComponent(message.receiver)}`);
  return url === undefined ? undefined : { text: 'Alertmanager', url };
}

function renderBody(message: Message, shown: readonly MessageAlert[], hidden: number, compact: boolean, html: boolean): string {
  const budget = compact ? ALERT_BUDGET.compact : ALERT_BUDGET.full;
  const esc = html ? escapeHtml : (text: string) => text;
  const lines: string[] = [];
  if (message.text) lines.push(esc(cut(message.text, budget.text)));
  if (message.context.length > 0) lines.push(esc(message.context.map(([k, v]) => `${k} ${v}`).join(' · ')));
  for (const alert of shown) {
    lines.push('');
    const heading = `${alert.statusDiffers ? `[${alert.status.toUpperCase()}] ` : ''}${alertHeading(alert)}`;
    lines.push(html ? `<b>${esc(heading)}</b>` : heading);
    if (alert.summary) lines.push(esc(cut(alert.summary, budget.text)));
    if (alert.description) lines.push(esc(cut(alert.description, budget.text)));
    for (const field of alert.fields.slice(0, budget.fields)) {
      const value = cut(field.value, budget.fieldValue);
      lines.push(esc(`${field.label}: ${value}${field.sparkline ? ` · ${field.sparkline}` : ''}`));
    }
    for (const note of alert.notes.slice(0, budget.notes)) lines.push(esc(`⚠ ${note}`));
    lines.push(html ? `${esc(alert.when)}${links(alert.links)}` : alert.when);
  }
  if (hidden > 0) lines.push('', esc(moreAlertsText(hidden)));
  for (const note of message.notes) lines.push(esc(`⚠ ${note}`));
  return lines.join('\n').trim();
}

// safeLink has already percent-encoded quotes and brackets, so the URL cannot leave its attribute.
function links(list: readonly Link[]): string {
  return list.map((l) => ` · <a href="${l.url}">${escapeHtml(l.text)}</a>`).join('');
}

/** Cuts HTML at a line break, so no tag or entity is left half written. */
function cutHtml(body: string): string {
  if (body.length <= PUSHOVER_LIMITS.message) return body;
  const head = body.slice(0, PUSHOVER_LIMITS.message - 1);
  const end = head.lastIndexOf('\n');
  return `${end > 0 ? head.slice(0, end) : head.replace(/<[^>]*$|&[a-z#0-9]*$/i, '')}…`;
}

/** The limits a finished Pushover form breaks (what `alertpipe render` reports). */
export function checkPushoverMessage(form: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  const limit = (field: string, max: number): void => {
    const value = form[field];
    if (value !== undefined && [...value].length > max) problems.push(`${field}: ${[...value].length} characters, Pushover takes ${max}`);
  };
  if (!form.message) problems.push('message: empty, Pushover refuses a message without text');
  limit('title', PUSHOVER_LIMITS.title);
  limit('message', PUSHOVER_LIMITS.message);
  limit('url', PUSHOVER_LIMITS.url);
  limit('url_title', PUSHOVER_LIMITS.urlTitle);
  if (form.priority === '2' && (Number(form.retry) < 30 || Number(form.expire) > 10_800))
    problems.push('priority 2 needs retry of at least 30 seconds and expire of at most 10800 seconds');
  return problems;
}
