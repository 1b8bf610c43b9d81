import { isSecretName } from './secret-names.js';

/**
 * Replaces secrets in log output and in the history API's answers. Masking happens once, in the log formatter, so no caller has to
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
  // Credentials recognisable by their shape alone, wherever they turn up (a label, an annotation,
  // a command's output): AWS access key IDs, Slack and GitHub tokens, PEM private keys.
  [/\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g, MASK],
  [/\bxox[abposre]-[A-Za-z0-9-]{10,}/g, MASK],
  [/\bxapp-[A-Za-z0-9-]{10,}/g, MASK],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}/g, MASK],
  [/\bgithub_pat_[A-Za-z0-9_]{22,}/g, MASK],
  [
    /-----BEGIN ((?:[A-Z]+ )*)PRIVATE KEY-----(?:[\s\S]*?-----END \1PRIVATE KEY-----|[\s\S]*$)/g,
    `-----BEGIN $1PRIVATE KEY-----${MASK}-----END $1PRIVATE KEY-----`,
  ],
];

export type SecretMasker = (text: string) => string;

/**
 * The secret values to mask. A config reload adds the new config's; none is ever removed, since a
 * line about the previous config (a job still running on it) may be written after the swap.
 */
export class KnownSecrets {
  private longestFirst: readonly string[] = [];

  constructor(initial: readonly string[] = []) {
    this.add(initial);
  }

  /** Values shorter than 4 characters are ignored (masking "a" would mangle every line). */
  add(secrets: readonly string[]): void {
    const all = new Set([...this.longestFirst, ...secrets.filter((s) => s.length >= 4)]);
    this.longestFirst = [...all].sort((a, b) => b.length - a.length);
  }

  values(): readonly string[] {
    return this.longestFirst;
  }
}

/** Builds a masker for these known values (read at each call, so added ones count) plus the built-in shapes. */
export function createSecretMasker(secrets: readonly string[] | KnownSecrets): SecretMasker {
  const known = secrets instanceof KnownSecrets ? secrets : new KnownSecrets(secrets);
  return (text: string): string => {
    let out = text;
    for (const secret of known.values()) {
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

/**
 * Masks every string inside a JSON-like value, returning a copy; non-plain objects are left alone.
 * A string under a name that says it is a credential (`password`, `api_key`: see secret-names.ts)
 * is masked whole, whatever it looks like.
 */
export function maskDeep(value: unknown, mask: SecretMasker, depth = 0): unknown {
  if (typeof value === 'string') return mask(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, mask, depth + 1));
  if (value instanceof Error) return mask(value.message);
  if (value instanceof Date) return value;
  // fromEntries defines own properties: a label named `__proto__` stays a label (assigning it
  // would drop it, or with an object value replace the copy's prototype).
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key,
      typeof v === 'string' && v !== '' && isSecretName(key) ? MASK : maskDeep(v, mask, depth + 1),
    ]),
  );
}
