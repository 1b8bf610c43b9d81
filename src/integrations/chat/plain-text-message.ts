import { escalationLines } from './escalation-lines.js';
import { ALERT_BUDGET, alertHeading, cut, fitAlerts, moreAlertsText, type Message, type MessageAlert } from './message-model.js';

/**
 * The message model as plain text, for destinations that show a text field rather than a chat
 * message: an Opsgenie alert's description, a Splunk On-Call incident's state message, an
 * incident.io alert's description. Everything a chat adapter shows is there (the group's labels,
 * each alert's summary, enrichment fields with their sparklines, notes and links, "…and N more"),
 * within `limit` characters: alerts fold away first, then one alert is cut short.
 */
export function plainTextMessage(message: Message, limit: number): string {
  const text = fitAlerts(
    message,
    (shown, hidden, compact) => render(message, shown, hidden, compact),
    (rendered) => rendered.length <= limit,
  );
  return cut(text, limit);
}

function render(message: Message, shown: readonly MessageAlert[], hidden: number, compact: boolean): string {
  const budget = compact ? ALERT_BUDGET.compact : ALERT_BUDGET.full;
  const lines: string[] = [message.title];
  const context = [...message.context.map(([k, v]) => `${k} ${v}`), ...(message.receiver ? [`receiver ${message.receiver}`] : [])];
  if (context.length > 0) lines.push(context.join('  ·  '));
  if (message.escalation) lines.push('', ...escalationLines(message.escalation, (plain) => plain));
  if (message.text) lines.push('', cut(message.text, budget.text));
  for (const alert of shown) lines.push('', ...alertLines(alert, budget));
  if (hidden > 0) lines.push('', `${moreAlertsText(hidden)}${message.externalURL ? ` (Alertmanager: ${message.externalURL})` : ''}`);
  for (const note of message.notes) lines.push(`⚠ ${note}`);
  return lines.join('\n');
}

function alertLines(alert: MessageAlert, budget: (typeof ALERT_BUDGET)[keyof typeof ALERT_BUDGET]): string[] {
  const status = !alert.statusDiffers ? '' : alert.status === 'resolved' ? '✅ resolved · ' : '🔥 firing · ';
  const lines = [`— ${status}${alertHeading(alert)}`];
  if (alert.summary) lines.push(cut(alert.summary, budget.text));
  if (alert.description) lines.push(cut(alert.description, budget.text));
  for (const field of alert.fields.slice(0, budget.fields))
    lines.push(cut(`${field.label}: ${field.value}${field.sparkline ? ` · ${field.sparkline}` : ''}`, budget.fieldValue));
  for (const note of alert.notes.slice(0, budget.notes)) lines.push(`⚠ ${cut(note, budget.text)}`);
  lines.push([alert.when, ...alert.links.map((link) => `${link.text}: ${link.url}`)].join('  ·  '));
  return lines;
}
