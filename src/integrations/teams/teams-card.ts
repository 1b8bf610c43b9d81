import { ALERT_BUDGET, alertHeading, cut, fitAlerts, moreAlertsText, type Message, type MessageAlert } from '../chat/message-model.js';

/**
 * The message model as a Teams message carrying one Adaptive Card, the body a Workflows ("When a
 * Teams webhook request is received") webhook posts to a channel. Workflows take Adaptive Cards
 * only, not the retired connectors' MessageCard.
 */

// Teams refuses a message over about 28 KB; the card keeps well inside it. Version 1.4 renders on
// desktop, web and mobile clients alike.
export const TEAMS_LIMITS = { messageBytes: 28_000, textBlock: 2_000, facts: 20 } as const;
export const ADAPTIVE_CARD_TYPE = 'application/vnd.microsoft.card.adaptive';

type CardElement = Readonly<Record<string, unknown>>;

export interface TeamsMessage {
  readonly type: 'message';
  readonly attachments: readonly [
    { readonly contentType: typeof ADAPTIVE_CARD_TYPE; readonly contentUrl: null; readonly content: CardElement },
  ];
}

export function teamsCard(message: Message): TeamsMessage {
  return fitAlerts(
    message,
    (shown, hidden, compact) => envelope(card(message, shown, hidden, compact)),
    (rendered) => Buffer.byteLength(JSON.stringify(rendered)) <= TEAMS_LIMITS.messageBytes,
  );
}

function envelope(content: CardElement): TeamsMessage {
  return { type: 'message', attachments: [{ contentType: ADAPTIVE_CARD_TYPE, contentUrl: null, content }] };
}

function card(message: Message, shown: readonly MessageAlert[], hidden: number, compact: boolean): CardElement {
  const firing = message.state === 'firing';
  const body: CardElement[] = [
    {
      type: 'Container',
      style: firing ? 'attention' : 'good',
      bleed: true,
      items: [text(escapeCardMarkdown(message.title), { size: 'Large', weight: 'Bolder' })],
    },
  ];
  const context = [...message.context.map(([k, v]) => `${k} ${v}`), ...(message.receiver ? [`receiver ${message.receiver}`] : [])].join(
    '  ·  ',
  );
  if (context) body.push(text(escapeCardMarkdown(context), { isSubtle: true, spacing: 'Small' }));
  if (message.text) body.push(text(escapeCardMarkdown(message.text)));
  for (const alert of shown) body.push(alertContainer(alert, compact ? ALERT_BUDGET.compact : ALERT_BUDGET.full));
  if (hidden > 0)
    body.push(
      text(`${moreAlertsText(hidden)}${message.externalURL ? ` ([Alertmanager](${message.externalURL}))` : ''}`, { separator: true }),
    );
  for (const note of message.notes) body.push(text(`⚠ ${escapeCardMarkdown(note)}`, { color: 'Warning' }));
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    // Without it Teams draws the card at a narrow fixed width.
    msteams: { width: 'Full' },
    fallbackText: escapeCardMarkdown(message.fallback),
    body,
  };
}

function alertContainer(alert: MessageAlert, budget: (typeof ALERT_BUDGET)[keyof typeof ALERT_BUDGET]): CardElement {
  const items: CardElement[] = [];
  const status = !alert.statusDiffers ? '' : alert.status === 'resolved' ? '✅ resolved · ' : '🔥 firing · ';
  items.push(text(`${status}${escapeCardMarkdown(alertHeading(alert))}`, { weight: 'Bolder' }));
  if (alert.summary) items.push(text(escapeCardMarkdown(cut(alert.summary, budget.text)), { weight: 'Bolder', spacing: 'None' }));
  if (alert.description) items.push(text(escapeCardMarkdown(cut(alert.description, budget.text)), { spacing: 'Small' }));
  if (alert.fields.length > 0) {
    const facts = alert.fields.slice(0, Math.min(budget.fields, TEAMS_LIMITS.facts)).map((f) => ({
      title: escapeCardMarkdown(cut(f.label, 100)),
      value: escapeCardMarkdown(cut(`${f.value}${f.sparkline ? ` · ${f.sparkline}` : ''}`, budget.fieldValue)),
    }));
    items.push({ type: 'FactSet', facts });
  }
  for (const note of alert.notes.slice(0, budget.notes))
    items.push(text(`⚠ ${escapeCardMarkdown(cut(note, budget.text))}`, { color: 'Warning', spacing: 'Small' }));
  const links = alert.links.map((link) => `[${escapeCardMarkdown(link.text)}](${link.url})`);
  items.push(text([alert.when, ...links].join('  ·  '), { isSubtle: true, size: 'Small' }));
  return { type: 'Container', separator: true, spacing: 'Medium', items };
}

/**
 * Adaptive Cards read a subset of markdown in TextBlock text and facts (bold, italic, lists,
 * `[text](url)` links) and document no escape: a backslash is not reliably honoured by every
 * client. What must never form from an alert's text is a link that hides where it goes, and every
 * link form needs a `]` right before its `(` (inline), `[` (reference) or `:` (definition); so a
 * WORD JOINER (U+2060: invisible, and no whitespace to any markdown parser) goes after each `]`,
 * and the text still reads as written. Bold and italic from an alert are left as they render.
 */
export function escapeCardMarkdown(value: string): string {
  return value.replace(/\]/g, ']\u2060');
}

function text(value: string, options: Record<string, unknown> = {}): CardElement {
  return { type: 'TextBlock', text: cut(value, TEAMS_LIMITS.textBlock), wrap: true, ...options };
}

/**
 * The platform's documented limits, checked on a finished body: what `alertpipe render` reports
 * before anything is sent. The adapter above keeps to these limits; a problem here is a bug to report.
 */
export function checkTeamsMessage(message: TeamsMessage): string[] {
  const bytes = Buffer.byteLength(JSON.stringify(message));
  return bytes > TEAMS_LIMITS.messageBytes ? [`${bytes} bytes (Teams takes about ${TEAMS_LIMITS.messageBytes})`] : [];
}
