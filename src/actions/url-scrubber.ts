/**
 * Removes a credential URL from text, whole or in parts: a webhook URL's path or query is its
 * secret, and an upstream's error answer may quote either (Google Chat's `key` and `token`, the
 * path of a Discord or Teams webhook). Of the path's segments and the query's values, those of 16
 * characters or more are removed one by one (ids, tokens, signatures; not `webhooks` or `1.0`).
 */
export function urlScrubber(url: string, mask = '<webhook>'): (text: string) => string {
  const parts = [url];
  try {
    const parsed = new URL(url);
    parts.push(`${parsed.pathname}${parsed.search}`, parsed.pathname, parsed.search.slice(1));
    const pieces = [...parsed.searchParams.values(), ...parsed.pathname.split('/').map((p) => safeDecode(p))];
    parts.push(...pieces.filter((piece) => piece.length >= 16));
  } catch {
    // Not a URL: the whole string is all there is to remove.
  }
  const secrets = [...new Set(parts)].filter((part) => part.length >= 8).sort((a, b) => b.length - a.length);
  return (text) => maskCutTail(secrets.reduce((out, secret) => out.split(secret).join(mask), text), secrets, mask);
}

/**
 * Errors quote an upstream's answer cut at 200 characters: a secret the cut went through is no
 * longer whole, so the beginning of one at the very end of the text is masked too.
 */
function maskCutTail(text: string, secrets: readonly string[], mask: string): string {
  const ellipsis = text.endsWith('…') ? '…' : '';
  const body = text.slice(0, text.length - ellipsis.length);
  for (const secret of secrets) {
    for (let k = Math.min(secret.length - 1, body.length); k >= 4; k--) {
      if (body.endsWith(secret.slice(0, k))) return `${body.slice(0, body.length - k)}${mask}${ellipsis}`;
    }
  }
  return text;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
