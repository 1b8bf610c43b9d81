/**
 * Replaces secrets in log output. Masking happens once, in the log formatter, so no caller has to
 * remember it: known secret values (webhook URLs, routing keys, tokens from the config) are replaced
 * wherever they appear, and a few shapes are masked even when nobody registered them.
 */

const MASK = '***';

// Shapes that are secret whoever logs them: a Slack webhook's path is its credential, and so is
// anything after "Bearer" or the password part of a URL's userinfo.
const SECRET_SHAPES: readonly [RegExp, string][] = [
  [/(hooks\.slack\.com\/(?:services|workflows|triggers)\/)[^\s"'<>]+/g, `$1${MASK}`],
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, `$1${MASK}`],
  [/(Basic\s+)[A-Za-z0-9+/=]+/g, `$1${MASK}`],
  [/(\/\/[^/\s:@]+:)[^@\s/]+@/g, `$1${MASK}@`],
  [/("?(?:routing_key|routingKey|token|password|secret)"?\s*[:=]\s*"?)[^"\s,}]+/gi, `$1${MASK}`],
];

export type SecretMasker = (text: string) => string;

/** Builds a masker for these known values plus the built-in shapes. Values shorter than 4 characters are ignored (masking "a" would mangle every line). */
export function createSecretMasker(secrets: readonly string[]): SecretMasker {
  const known = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  return (text: string): string => {
    let out = text;
    for (const secret of known) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
    }
    for (const [pattern, replacement] of SECRET_SHAPES) {
      pattern.lastIndex = 0;
      if (pattern.test(out)) {
        pattern.lastIndex = 0;
        out = out.replace(pattern, replacement);
      }
    }
    return out;
  };
}

/** Masks every string inside a JSON-like value, returning a copy; non-plain objects are left alone. */
export function maskDeep(value: unknown, mask: SecretMasker, depth = 0): unknown {
  if (typeof value === 'string') return mask(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, mask, depth + 1));
  if (value instanceof Error) return mask(value.message);
  if (value instanceof Date) return value;
  // fromEntries defines own properties: a label named `__proto__` stays a label (assigning it
  // would drop it, or with an object value replace the copy's prototype).
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, maskDeep(v, mask, depth + 1)]));
}
