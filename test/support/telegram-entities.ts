const SUPPORTED = new Set([
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
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/**
 * Telegram's HTML parse mode as the Bot API applies it, with its error texts: a start tag it does
 * not support, an end tag with nothing open or not the innermost one open, a tag left open, a `<`
 * that opens no tag. `&lt; &gt; &amp; &quot;` and numeric entities are decoded; any other `&`
 * stays as it is.
 */
export function parseEntitiesAsTelegram(html: string): { text: string } | { error: string } {
  const open: string[] = [];
  let text = '';
  for (let i = 0; i < html.length;) {
    // Telegram counts offsets in UTF-8 bytes.
    const offset = (): number => Buffer.byteLength(html.slice(0, i));
    const rest = html.slice(i);
    if (rest.startsWith('&')) {
      const m = /^&(?:(lt|gt|amp|quot)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/.exec(rest);
      const code = m?.[2] ? Number(m[2]) : m?.[3] ? parseInt(m[3], 16) : undefined;
      text += m ? (m[1] ? (ENTITIES[m[1]] ?? '') : String.fromCodePoint(code ?? 0xfffd)) : '&';
      i += m ? m[0].length : 1;
    } else if (rest.startsWith('<')) {
      const end = rest.indexOf('>');
      if (end < 0) return { error: `Unclosed start tag at byte offset ${offset()}` };
      const m = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)(?:\s[^>]*)?\/?>$/.exec(rest.slice(0, end + 1));
      if (!m) return { error: `Unsupported start tag "${rest.slice(1, Math.min(end, 20)).trim()}" at byte offset ${offset()}` };
      const name = (m[2] as string).toLowerCase();
      if (m[1] === '/') {
        const top = open.pop();
        if (top === undefined) return { error: `Unexpected end tag at byte offset ${offset()}` };
        if (top !== name) return { error: `Unmatched end tag at byte offset ${offset()}, expected "</${top}>", found "</${name}>"` };
      } else {
        if (!SUPPORTED.has(name)) return { error: `Unsupported start tag "${name}" at byte offset ${offset()}` };
        open.push(name);
      }
      i += end + 1;
    } else {
      text += rest[0];
      i += 1;
    }
  }
  const left = open.pop();
  return left === undefined ? { text } : { error: `Can't find end tag corresponding to start tag "${left}"` };
}
