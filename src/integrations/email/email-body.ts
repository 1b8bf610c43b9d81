import { escapeHtml } from '../../lib/escape.js';
import { ALERT_BUDGET, alertHeading, cut, moreAlertsText, type Message, type MessageAlert } from '../chat/message-model.js';

/**
 * What a mail may hold. No SMTP limit is universal; these keep a mail within what the common
 * providers take (Gmail and Microsoft 365 refuse past 25 to 35 MB, many relays past 10 MB) and its
 * subject readable (RFC 5322 allows 998 characters a line; clients show far fewer).
 */
export const EMAIL_LIMITS = { subject: 250, bytes: 10 * 1024 * 1024 } as const;

export interface EmailBody {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const FIRING = '#c0392b';
const RESOLVED = '#1e8449';

/**
 * The default text and HTML parts of a group's mail, from the shared message: the header, the
 * group's labels, per alert its labels, summary, description, enrichment, notes, links and, where
 * the graph enricher drew one, the graph inline (`cids`: fingerprint → Content-ID). Everything an
 * alert carries is escaped in the HTML part, so it can neither add markup nor a link.
 */
export function emailBody(message: Message, cids: ReadonlyMap<string, string> = new Map()): EmailBody {
  return { subject: cut(message.title, EMAIL_LIMITS.subject), text: textPart(message), html: htmlPart(message, cids) };
}

function textPart(message: Message): string {
  // The one-line summary first: what a client shows as the mail's preview.
  const lines = [message.title, message.fallback, message.context.map(([k, v]) => `${k} ${v}`).join('  ·  ')];
  if (message.text) lines.push('', message.text);
  for (const alert of message.alerts) {
    lines.push('', '─'.repeat(45), heading(alert));
    for (const text of [alert.summary, alert.description]) if (text) lines.push(cut(text, ALERT_BUDGET.full.text));
    for (const field of alert.fields.slice(0, ALERT_BUDGET.full.fields))
      lines.push(`${field.label}: ${cut(field.value, ALERT_BUDGET.full.fieldValue)}${field.sparkline ? ` · ${field.sparkline}` : ''}`);
    for (const note of alert.notes.slice(0, ALERT_BUDGET.full.notes)) lines.push(`Note: ${note}`);
    lines.push(alert.when);
    for (const link of alert.links) lines.push(`${link.text}: ${link.url}`);
  }
  if (message.hidden > 0) lines.push('', moreAlertsText(message.hidden));
  for (const note of message.notes) lines.push('', `Note: ${note}`);
  return `${lines.join('\n')}\n`;
}

function htmlPart(message: Message, cids: ReadonlyMap<string, string>): string {
  const colour = message.state === 'firing' ? FIRING : RESOLVED;
  const context = message.context
    .map(([k, v]) => `<span style="margin-right:12px"><b>${escapeHtml(k)}</b> ${escapeHtml(v)}</span>`)
    .join('');
  const parts = [
    `<h2 style="margin:0 0 8px;color:${colour}">${escapeHtml(message.title)}</h2>`,
    `<p style="margin:0 0 8px">${escapeHtml(message.fallback)}</p>`,
    `<p style="margin:0 0 12px;color:#555">${context}</p>`,
    message.text ? `<p style="white-space:pre-wrap">${escapeHtml(message.text)}</p>` : '',
    ...message.alerts.map((alert) => alertHtml(alert, cids.get(alert.fingerprint))),
    message.hidden > 0 ? `<p><i>${escapeHtml(moreAlertsText(message.hidden))}</i></p>` : '',
    ...message.notes.map((note) => `<p style="color:#8a6d3b"><i>${escapeHtml(note)}</i></p>`),
  ];
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(message.title)}</title></head>\n<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px">\n${parts.filter(Boolean).join('\n')}\n</body></html>\n`;
}

function alertHtml(alert: MessageAlert, cid: string | undefined): string {
  const colour = alert.status === 'firing' ? FIRING : RESOLVED;
  const rows = alert.fields
    .slice(0, ALERT_BUDGET.full.fields)
    .map(
      (f) =>
        `<tr><td style="padding:2px 12px 2px 0"><b>${escapeHtml(f.label)}</b></td><td>${escapeHtml(cut(f.value, ALERT_BUDGET.full.fieldValue))}${f.sparkline ? ` <span style="font-family:monospace">${escapeHtml(f.sparkline)}</span>` : ''}</td></tr>`,
    );
  const links = alert.links.map((link) => `<a href="${escapeHtml(link.url)}">${escapeHtml(link.text)}</a>`).join(' · ');
  return [
    `<div style="border-left:4px solid ${colour};padding:4px 12px;margin:12px 0">`,
    `<p style="margin:0 0 4px"><b>${escapeHtml(heading(alert))}</b></p>`,
    ...[alert.summary, alert.description]
      .filter(Boolean)
      .map((t) => `<p style="margin:0 0 4px">${escapeHtml(cut(t ?? '', ALERT_BUDGET.full.text))}</p>`),
    rows.length > 0 ? `<table style="border-collapse:collapse">${rows.join('')}</table>` : '',
    ...alert.notes.slice(0, ALERT_BUDGET.full.notes).map((n) => `<p style="margin:0;color:#8a6d3b"><i>${escapeHtml(n)}</i></p>`),
    // The graph travels in the mail (a related part), so it shows without following any link.
    cid
      ? `<p><img src="cid:${escapeHtml(cid)}" alt="${escapeHtml(`${alert.name}: last hour`)}" width="600" style="max-width:100%"></p>`
      : '',
    `<p style="margin:4px 0 0;color:#777">${escapeHtml(alert.when)}${links ? ` · ${links}` : ''}</p>`,
    '</div>',
  ]
    .filter(Boolean)
    .join('\n');
}

function heading(alert: MessageAlert): string {
  return `${alert.statusDiffers ? `[${alert.status.toUpperCase()}] ` : ''}${alertHeading(alert)}`;
}

/** What a finished mail breaks of `EMAIL_LIMITS`; empty when a provider would take it. */
export function checkEmail(mail: { readonly subject: string; readonly bytes: number }): string[] {
  const problems: string[] = [];
  if (mail.subject.length > EMAIL_LIMITS.subject)
    problems.push(`subject: ${mail.subject.length} characters, more than ${EMAIL_LIMITS.subject}`);
  if (mail.bytes > EMAIL_LIMITS.bytes) problems.push(`mail: ${mail.bytes} bytes, more than ${EMAIL_LIMITS.bytes}`);
  return problems;
}
