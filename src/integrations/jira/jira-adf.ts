import { ALERT_BUDGET, alertHeading, cut, fitAlerts, moreAlertsText, type Message, type MessageAlert } from '../chat/message-model.js';
import { JIRA_LIMITS } from './jira-limits.js';

/**
 * The message model in the Atlassian Document Format, the rich text of API v3 (Cloud): a JSON
 * tree, so an alert's text is never markup and needs no escaping. Alerts fold into "…and N more"
 * to keep the document's JSON within a text field's 32,767 characters.
 */

export interface AdfNode {
  readonly type: string;
  readonly attrs?: Readonly<Record<string, unknown>>;
  readonly content?: readonly AdfNode[];
  readonly text?: string;
  readonly marks?: readonly { readonly type: string; readonly attrs?: Readonly<Record<string, unknown>> }[];
}

export interface AdfDocument extends AdfNode {
  readonly type: 'doc';
  readonly version: 1;
  readonly content: readonly AdfNode[];
}

export function jiraAdfDescription(message: Message): AdfDocument {
  return fitAlerts(
    message,
    (shown, hidden, compact) => adfDocument(message, shown, hidden, compact),
    (doc) => JSON.stringify(doc).length <= JIRA_LIMITS.textChars,
  );
}

function adfDocument(message: Message, shown: readonly MessageAlert[], hidden: number, compact: boolean): AdfDocument {
  const budget = compact ? ALERT_BUDGET.compact : ALERT_BUDGET.full;
  const context = [...message.context.map(([k, v]) => `${k} ${v}`), ...(message.receiver ? [`receiver ${message.receiver}`] : [])];
  const content: AdfNode[] = [{ type: 'heading', attrs: { level: 3 }, content: texts(message.title) }];
  if (context.length > 0) content.push(paragraph(texts(context.join('  ·  '), [{ type: 'em' }])));
  if (message.text) content.push(...plainParagraphs(message.text));
  for (const alert of shown) content.push({ type: 'rule' }, ...alertNodes(alert, budget));
  if (hidden > 0) {
    const more = texts(moreAlertsText(hidden));
    if (message.externalURL) more.push(...texts(' ('), ...texts('Alertmanager', [link(message.externalURL)]), ...texts(')'));
    content.push({ type: 'rule' }, paragraph(more));
  }
  for (const note of message.notes) content.push(paragraph(texts(`⚠ ${note}`)));
  return { type: 'doc', version: 1, content };
}

function alertNodes(alert: MessageAlert, budget: (typeof ALERT_BUDGET)[keyof typeof ALERT_BUDGET]): AdfNode[] {
  const status = !alert.statusDiffers ? '' : alert.status === 'resolved' ? '✅ resolved · ' : '🔥 firing · ';
  const nodes: AdfNode[] = [paragraph(texts(`${status}${alertHeading(alert)}`, [{ type: 'strong' }]))];
  if (alert.summary) nodes.push(paragraph(texts(cut(alert.summary, budget.text))));
  if (alert.description) nodes.push(...plainParagraphs(cut(alert.description, budget.text)));
  const fields = alert.fields.slice(0, budget.fields);
  if (fields.length > 0) {
    nodes.push({
      type: 'bulletList',
      content: fields.map((field) =>
        listItem([
          ...texts(`${cut(field.label, 100)}: `, [{ type: 'strong' }]),
          ...texts(cut(`${field.value}${field.sparkline ? ` · ${field.sparkline}` : ''}`, budget.fieldValue)),
        ]),
      ),
    });
  }
  for (const note of alert.notes.slice(0, budget.notes)) nodes.push(paragraph(texts(`⚠ ${cut(note, budget.text)}`)));
  const footer = texts(alert.when);
  for (const l of alert.links) footer.push(...texts('  ·  '), ...texts(l.text, [link(l.url)]));
  nodes.push(paragraph(footer));
  return nodes;
}

/** A short comment (what changed), one paragraph a line. */
export function jiraAdfComment(lines: readonly string[]): AdfDocument {
  return { type: 'doc', version: 1, content: lines.map((line) => paragraph(texts(cut(line, 2_000)))) };
}

/**
 * A description template's text as a document: the document itself when it renders ADF's JSON
 * (as Alertmanager's v3 templates must), else the text as paragraphs.
 */
export function adfFromTemplate(text: string): AdfDocument {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as Partial<AdfDocument>;
      if (parsed.type === 'doc' && Array.isArray(parsed.content)) return { ...parsed, type: 'doc', version: 1, content: parsed.content };
    } catch {
      // Not JSON: it is text.
    }
  }
  return { type: 'doc', version: 1, content: plainParagraphs(trimmed) };
}

/** Paragraphs at blank lines, hard breaks at single newlines. */
function plainParagraphs(text: string): AdfNode[] {
  return text
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter(Boolean)
    .map((block) => paragraph(block.split('\n').flatMap((line, i) => [...(i > 0 ? [{ type: 'hardBreak' }] : []), ...texts(line)])));
}

function paragraph(content: readonly AdfNode[]): AdfNode {
  return { type: 'paragraph', content };
}

function listItem(content: readonly AdfNode[]): AdfNode {
  return { type: 'listItem', content: [paragraph(content)] };
}

function link(href: string): { type: string; attrs: { href: string } } {
  return { type: 'link', attrs: { href } };
}

/** A text node, or none: ADF refuses a text node whose text is empty. */
function texts(text: string, marks?: AdfNode['marks']): AdfNode[] {
  if (text === '') return [];
  return [{ type: 'text', text, ...(marks ? { marks } : {}) }];
}
