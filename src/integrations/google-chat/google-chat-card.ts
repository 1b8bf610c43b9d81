import { createHash } from 'node:crypto';
import { ALERT_BUDGET, alertHeading, cut, fitAlerts, moreAlertsText, type Message, type MessageAlert } from '../chat/message-model.js';
import { escapeHtml } from '../../lib/escape.js';

/**
 * The message model as a Google Chat message with one `cardsV2` card, posted to a space's incoming
 * webhook. `thread.threadKey` is derived from the group key, so every update of a group lands in
 * the same thread (with `messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD` on the URL).
 */

// Google Chat refuses a message over 32,000 bytes (developers.google.com/workspace/chat/limits);
// a card's text widgets take the HTML subset (<b>, <i>, <a>, <font>, <br>).
export const GOOGLE_CHAT_LIMITS = { messageBytes: 32_000, text: 4_096 } as const;

type Widget = Readonly<Record<string, unknown>>;
interface Section {
  readonly header?: string;
  readonly widgets: readonly Widget[];
}

export interface GoogleChatMessage {
  readonly fallbackText: string;
  readonly cardsV2: readonly [
    {
      readonly cardId: string;
      readonly card: { readonly header: { readonly title: string; readonly subtitle?: string }; readonly sections: readonly Section[] };
    },
  ];
  readonly thread: { readonly threadKey: string };
}

/** The same key for every notification of a group, and nothing of the group's labels in it. */
export function threadKeyOf(groupKey: string): string {
  return `alertpipe-${createHash('sha256').update(groupKey).digest('hex').slice(0, 32)}`;
}

export function googleChatCard(message: Message): GoogleChatMessage {
  return fitAlerts(
    message,
    (shown, hidden, compact) => render(message, shown, hidden, compact),
    (rendered) => Buffer.byteLength(JSON.stringify(rendered)) <= GOOGLE_CHAT_LIMITS.messageBytes,
  );
}

function render(message: Message, shown: readonly MessageAlert[], hidden: number, compact: boolean): GoogleChatMessage {
  const context = [...message.context.map(([k, v]) => `${k} ${v}`), ...(message.receiver ? [`receiver ${message.receiver}`] : [])].join(
    '  ·  ',
  );
  const sections: Section[] = [];
  if (message.text) sections.push({ widgets: [paragraph(escapeHtml(message.text))] });
  for (const alert of shown) sections.push(alertSection(alert, compact ? ALERT_BUDGET.compact : ALERT_BUDGET.full));
  if (hidden > 0) {
    const where = message.externalURL ? ` (<a href="${escapeHtml(message.externalURL)}">Alertmanager</a>)` : '';
    sections.push({ widgets: [paragraph(`${moreAlertsText(hidden)}${where}`)] });
  }
  if (message.notes.length > 0)
    sections.push({ widgets: message.notes.map((note) => paragraph(`<font color="#b06000">⚠ ${escapeHtml(note)}</font>`)) });
  // A card needs at least one section with a widget.
  if (sections.length === 0) sections.push({ widgets: [paragraph(escapeHtml(message.fallback))] });
  return {
    fallbackText: cut(message.fallback, GOOGLE_CHAT_LIMITS.text),
    cardsV2: [
      {
        cardId: 'alertpipe',
        card: { header: { title: cut(message.title, 200), ...(context ? { subtitle: cut(context, 200) } : {}) }, sections },
      },
    ],
    thread: { threadKey: threadKeyOf(message.groupKey) },
  };
}

function alertSection(alert: MessageAlert, budget: (typeof ALERT_BUDGET)[keyof typeof ALERT_BUDGET]): Section {
  const status = !alert.statusDiffers ? '' : alert.status === 'resolved' ? '✅ resolved · ' : '🔥 firing · ';
  const widgets: Widget[] = [];
  const lines: string[] = [];
  if (alert.summary) lines.push(`<b>${escapeHtml(cut(alert.summary, budget.text))}</b>`);
  if (alert.description) lines.push(escapeHtml(cut(alert.description, budget.text)));
  if (lines.length > 0) widgets.push(paragraph(lines.join('<br>')));
  for (const field of alert.fields.slice(0, budget.fields)) {
    widgets.push({
      decoratedText: {
        topLabel: cut(field.label, 100),
        text: escapeHtml(cut(`${field.value}${field.sparkline ? ` · ${field.sparkline}` : ''}`, budget.fieldValue)),
        wrapText: true,
      },
    });
  }
  for (const note of alert.notes.slice(0, budget.notes).map((n) => cut(n, budget.text)))
    widgets.push(paragraph(`<font color="#b06000">⚠ ${escapeHtml(note)}</font>`));
  widgets.push(paragraph(`<i>${escapeHtml(alert.when)}</i>`));
  if (alert.links.length > 0) {
    widgets.push({ buttonList: { buttons: alert.links.map((link) => ({ text: link.text, onClick: { openLink: { url: link.url } } })) } });
  }
  return { header: cut(`${status}${escapeHtml(alertHeading(alert))}`, 200), widgets };
}

function paragraph(html: string): Widget {
  return { textParagraph: { text: cut(html, GOOGLE_CHAT_LIMITS.text) } };
}

// Card text (textParagraph, decoratedText's text, a section's header) takes a subset of HTML:
// what an alert wrote goes through escapeHtml, so no tag (`<a href>`) or entity forms from it and
// nothing ends the one attribute the adapter writes (an href, itself a `safeLink`). The card
// header, labels and buttons are plain text and take the values as they are.

/**
 * The platform's documented limits, checked on a finished body: what `alertpipe render` reports
 * before anything is sent. The adapter above keeps to these limits; a problem here is a bug to report.
 */
export function checkGoogleChatMessage(message: GoogleChatMessage): string[] {
  const problems: string[] = [];
  const bytes = Buffer.byteLength(JSON.stringify(message));
  if (bytes > GOOGLE_CHAT_LIMITS.messageBytes)
    problems.push(`${bytes} bytes (Google Chat takes at most ${GOOGLE_CHAT_LIMITS.messageBytes})`);
  for (const card of message.cardsV2) {
    if (card.card.sections.length === 0) problems.push(`card ${card.cardId}: no section`);
    card.card.sections.forEach((section, index) => {
      if (section.widgets.length === 0) problems.push(`card ${card.cardId} section ${index}: no widget`);
    });
  }
  return problems;
}
