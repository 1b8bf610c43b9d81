import { escapeRegex } from '../lib/escape.js';
/**
 * Safe pieces of PromQL built from label values that come from alerts (and so from anyone who
 * can post one): values are always quoted, and regex alternations always escaped.
 */

/** A PromQL string literal. JSON's escapes (`\"`, `\\`, `\n`, `\uXXXX`) are valid in PromQL too. */
export function promqlString(value: string): string {
  return JSON.stringify(value);
}

/** `label=~"a|b|c"` matching exactly these values, each escaped, duplicates removed, sorted (stable queries cache better). */
export function anyOf(label: string, values: Iterable<string>, suffix = ''): string {
  const unique = [...new Set(values)].sort();
  const pattern = unique.length === 1 ? `${escapeRegex(unique[0] as string)}${suffix}` : `(${unique.map(escapeRegex).join('|')})${suffix}`;
  return `${label}=~${promqlString(pattern)}`;
}
