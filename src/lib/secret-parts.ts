/**
 * The forms in which a secret may show up besides its whole value. A URL that is a credential
 * (a webhook) leaks just as well by its path or query alone, or by the one long segment or
 * parameter that is its token: those parts are secrets too. Path segments and query values of 16
 * characters or more count (ids, tokens, signatures; not `webhooks` or `1.0`).
 */
export function secretParts(value: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return [value];
  }
  if (!/^https?:$/.test(parsed.protocol)) return [value];
  const parts = parsed.search ? [`${parsed.pathname}${parsed.search}`, parsed.search.slice(1)] : [];
  if (parsed.password) parts.push(parsed.password);
  const pieces = [...parsed.searchParams.values(), ...parsed.pathname.split('/').map(safeDecode)];
  parts.push(...pieces.filter((piece) => piece.length >= 16));
  return [value, ...new Set(parts.filter((part) => (part.length >= 8 || part === parsed.password) && part !== value))];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
