/**
 * Telegram's HTML parse mode (core.telegram.org/bots/api#html-style): a handful of tags, the four
 * named entities `&lt; &gt; &amp; &quot;` and numeric ones, and nothing else. A tag it does not
 * know, or one left open, makes the whole request a 400 "can't parse entities", so every value
 * from an alert is escaped (`escapeHtml`), and what a `message` template writes is checked here
 * before it is sent.
 */

// The tags the Bot API documents for parse_mode HTML; `span` only as `<span class="tg-spoiler">`.
const TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'tg-emoji',
  'a',
  'code',
  'pre',
  'blockquote',
]);
const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/** What Telegram would make of a text: the visible text, or why it would refuse it. */
export interface ParsedTelegramHtml {
  readonly text: string;
  readonly problem?: string;
}

/**
 * Parses as the Bot API does: tags from the list above, properly nested; entities decoded. `text`
 * is what the reader sees, whose length is the one the 4,096-character limit counts.
 */
export function parseTelegramHtml(html: string): ParsedTelegramHtml {
  const open: string[] = [];
  let text = '';
  let i = 0;
  while (i < html.length) {
    const c = html[i] as string;
    if (c === '&') {
      const entity = /^&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/i.exec(html.slice(i, i + 12));
      const decoded = entity ? decodeEntity(entity[1] as string) : undefined;
      // An `&` that starts no entity Telegram knows stays a literal `&`.
      text += decoded ?? '&';
      i += decoded === undefined ? 1 : (entity as RegExpExecArray)[0].length;
      continue;
    }
    if (c !== '<') {
      text += c;
      i += 1;
      continue;
    }
    const end = html.indexOf('>', i);
    if (end < 0) return { text, problem: `unclosed tag at offset ${i}` };
    const tag = /^<(\/?)([a-z][a-z0-9-]*)(\s[^>]*)?>$/i.exec(html.slice(i, end + 1));
    if (!tag) return { text, problem: `a "<" that starts no tag at offset ${i} (write &lt;)` };
    const [, closing, rawName, attributes = ''] = tag;
    const name = (rawName as string).toLowerCase();
    if (closing) {
      const top = open.pop();
      if (top === undefined) return { text, problem: `unexpected end tag </${name}> at offset ${i}` };
      if (top !== name) return { text, problem: `unmatched end tag at offset ${i}: expected </${top}>, found </${name}>` };
    } else {
      if (!TAGS.has(name)) return { text, problem: `unsupported start tag <${name}> at offset ${i}` };
      if (name === 'span' && !/class\s*=\s*["']?tg-spoiler/i.test(attributes))
        return { text, problem: `<span> without class="tg-spoiler" at offset ${i}` };
      if (name === 'a' && !/href\s*=/i.test(attributes)) return { text, problem: `<a> without href at offset ${i}` };
      open.push(name);
    }
    i = end + 1;
  }
  if (open.length > 0) return { text, problem: `no end tag for <${open.at(-1) ?? ''}>` };
  return { text };
}

function decodeEntity(body: string): string | undefined {
  if (body.startsWith('#')) {
    const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
  }
  return NAMED_ENTITIES[body];
}

/** The length Telegram counts: UTF-16 code units of the visible text, its ends trimmed. */
export function visibleLength(html: string): number {
  return parseTelegramHtml(html).text.trim().length;
}
