import { RE2JS } from 're2js';

/**
 * The filters Alertmanager and Prometheus template users know, for Liquid. Pure functions; each
 * throws a plain Error on input it cannot use, which the template's rendering reports.
 */

const SI_UP = ['', 'k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
const SI_DOWN = ['', 'm', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];
const IEC = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi'];

/** Go's `%.4g`: four significant digits, trailing zeros dropped. */
function g4(value: number): string {
  return String(Number(value.toPrecision(4)));
}

function toNumber(value: unknown, filter: string): number {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  if (Number.isNaN(number) && !(typeof value === 'string' && value.trim().toLowerCase() === 'nan')) {
    throw new Error(`${filter}: expected a number, got ${JSON.stringify(value)}`);
  }
  return number;
}

/** `1234567` → `1.235M`, `0.0012` → `1.2m` (Prometheus's `humanize`). */
export function humanize(value: unknown): string {
  const v = toNumber(value, 'humanize');
  if (v === 0 || !Number.isFinite(v)) return String(v);
  let scaled = v;
  let index = 0;
  if (Math.abs(v) >= 1) {
    while (Math.abs(scaled) >= 1000 && index < SI_UP.length - 1) [scaled, index] = [scaled / 1000, index + 1];
    return `${g4(scaled)}${SI_UP[index]}`;
  }
  while (Math.abs(scaled) < 1 && index < SI_DOWN.length - 1) [scaled, index] = [scaled * 1000, index + 1];
  return `${g4(scaled)}${SI_DOWN[index]}`;
}

/** `1048576` → `1Mi` (Prometheus's `humanize1024`). */
export function humanize1024(value: unknown): string {
  const v = toNumber(value, 'humanize1024');
  if (Math.abs(v) < 1 || !Number.isFinite(v)) return g4(v);
  let scaled = v;
  let index = 0;
  while (Math.abs(scaled) >= 1024 && index < IEC.length - 1) [scaled, index] = [scaled / 1024, index + 1];
  return `${g4(scaled)}${IEC[index]}`;
}

/** Seconds as `1d 2h 3m 4s`, or `1.5ms` below a second (Prometheus's `humanizeDuration`). */
export function humanizeDuration(value: unknown): string {
  const v = toNumber(value, 'humanizeDuration');
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    const total = Math.abs(v);
    const days = Math.floor(total / 86_400);
    const hours = Math.floor((total % 86_400) / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const seconds = total % 60;
    const parts = [days ? `${days}d` : '', days || hours ? `${hours}h` : '', days || hours || minutes ? `${minutes}m` : ''].filter(Boolean);
    return `${sign}${[...parts, `${parts.length > 0 ? Math.floor(seconds) : g4(seconds)}s`].join(' ')}`;
  }
  if (v === 0) return '0s';
  if (Math.abs(v) >= 1e-3) return `${g4(v * 1e3)}ms`;
  if (Math.abs(v) >= 1e-6) return `${g4(v * 1e6)}us`;
  return `${g4(v * 1e9)}ns`;
}

/** `0.8534` → `85.34%`. */
export function humanizePercentage(value: unknown): string {
  return `${g4(toNumber(value, 'humanizePercentage') * 100)}%`;
}

/** `crash looping` → `Crash Looping` (Go's strings.Title). */
export function title(value: unknown): string {
  return String(value).replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, before: string, letter: string) => `${before}${letter.toUpperCase()}`);
}

/**
 * Prometheus's `reReplaceAll`, with RE2 semantics (linear time whatever the pattern: templates are
 * user input and alerts are untrusted). `$1` and `${1}` name groups as in Go.
 */
export function reReplaceAll(value: unknown, pattern: unknown, replacement: unknown): string {
  if (typeof pattern !== 'string' || typeof replacement !== 'string') throw new Error('reReplaceAll: expected a pattern and a replacement');
  const js = replacement.replace(/\$\{(\w+)\}/g, (_m, group: string) => (/^\d+$/.test(group) ? `$${group}` : `$<${group}>`));
  return RE2JS.compile(pattern).matcher(String(value)).replaceAll(js);
}

/** A label set as `[{name, value}]` sorted by name, like Alertmanager's `.SortedPairs`. */
export function sortedPairs(value: unknown): { name: string; value: string }[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('sortedPairs: expected labels or annotations');
  return Object.keys(value)
    .sort()
    .map((name) => ({ name, value: String((value as Record<string, unknown>)[name]) }));
}

/** Time from a date (ISO text, as `startsAt`) to now, as `humanizeDuration` writes it. */
export function since(value: unknown, now: Date): string {
  const at = typeof value === 'string' || value instanceof Date ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) throw new Error(`since: expected a date, got ${JSON.stringify(value)}`);
  return humanizeDuration(Math.max(0, Math.round((now.getTime() - at.getTime()) / 1000)));
}
