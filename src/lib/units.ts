import { z } from 'zod';

/**
 * Durations and sizes as people write them in YAML: `500ms`, `3s`, `10m`, `1h`, `1h30m`; `5mb`, `512kb`.
 * A bare number is seconds (durations) or bytes (sizes), as in Prometheus and Alertmanager configs.
 */

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** Milliseconds in a duration string, or `undefined` when it is not one. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) {
    total += Number(amount) * (DURATION_UNITS[unit as string] as number);
  }
  return Math.round(total);
}

export function parseSize(text: string): number | undefined {
  const found = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(text.trim());
  if (!found) return undefined;
  return Math.round(Number(found[1]) * (SIZE_UNITS[(found[2] ?? 'b').toLowerCase()] as number));
}

/**
 * The longest delay Node's timers take: 2^31-1 ms, about 24.8 days. Past it `setTimeout` (and
 * `AbortSignal.timeout`) fires after 1 ms instead, so `timeout: 25d` would abort every attempt at
 * once. Every duration in the config may become a timer, so every one is held to it.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A duration in the config; parsed to milliseconds. A bare number (or numeric text, as `${VAR}` gives) is seconds. */
export const durationSchema = z.union([z.number().nonnegative(), z.string()]).transform((value, ctx) => {
  const ms = typeof value === 'number' ? Math.round(value * 1000) : parseDurationText(value);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration such as 500ms, 3s, 10m or 1h (a bare number is seconds)' });
    return z.NEVER;
  }
  if (!(ms <= MAX_TIMER_MS)) {
    ctx.addIssue({
      code: 'custom',
      message: 'too long: durations are at most 24d20h31m23s (2^31-1 ms, the longest delay a Node.js timer takes)',
    });
    return z.NEVER;
  }
  return ms;
});

function parseDurationText(text: string): number | undefined {
  if (/^\s*\d+(\.\d+)?\s*$/.test(text)) return Math.round(Number(text) * 1000);
  return parseDuration(text);
}

/** A size in the config; parsed to bytes. */
export const sizeSchema = z.union([z.number().int().nonnegative(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  const bytes = parseSize(value);
  if (bytes === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a size such as 512kb or 5mb (a bare number is bytes)' });
    return z.NEVER;
  }
  return bytes;
});
