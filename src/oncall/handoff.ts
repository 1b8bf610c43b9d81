import { DAY_MS, MINUTE_MS, WEEK_MS } from './wall-clock.js';

/** When a rotation hands over: a time of day, and for weekly rotations a weekday. */
export interface Handoff {
  /** ISO weekday, 1 Monday … 7 Sunday; absent for `'09:00'` (every shift starts at that time). */
  readonly weekday?: number;
  /** Minutes after local midnight. */
  readonly minutes: number;
}

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const DAY_ABBREVIATIONS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** The ISO weekday of `monday` or `mon` (any case), or `undefined`. */
export function parseWeekday(text: string): number | undefined {
  const lower = text.trim().toLowerCase();
  const index = WEEKDAYS.indexOf(lower) === -1 ? DAY_ABBREVIATIONS.indexOf(lower) : WEEKDAYS.indexOf(lower);
  return index === -1 ? undefined : index + 1;
}

/** `HH:MM` (24-hour) as minutes after midnight; `24:00` only when `allowEndOfDay`. */
export function parseTimeOfDay(text: string, allowEndOfDay = false): number | undefined {
  const found = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text.trim());
  if (!found) return undefined;
  const minutes = Number(found[1]) * 60 + Number(found[2]);
  if (minutes > 24 * 60 || (minutes === 24 * 60 && !allowEndOfDay)) return undefined;
  return minutes;
}

/** `'monday 09:00'`, `'mon 09:00'` or `'09:00'`. */
export function parseHandoff(text: string): Handoff | undefined {
  const parts = text.trim().split(/\s+/);
  if (parts.length === 1) {
    const minutes = parseTimeOfDay(parts[0] as string);
    return minutes === undefined ? undefined : { minutes };
  }
  if (parts.length !== 2) return undefined;
  const weekday = parseWeekday(parts[0] as string);
  const minutes = parseTimeOfDay(parts[1] as string);
  return weekday === undefined || minutes === undefined ? undefined : { weekday, minutes };
}

const SHIFT_UNITS: Record<string, number> = { w: WEEK_MS, d: DAY_MS, h: 60 * MINUTE_MS, m: MINUTE_MS };

/**
 * A shift's length in wall-clock milliseconds: `1w`, `2w`, `1d`, `12h`, `1d12h`, `30m`. Weeks are
 * allowed (unlike the config's other durations) because a shift is not a timer.
 */
export function parseShiftLength(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(\d+(w|d|h|m))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)(w|d|h|m)/g)) total += Number(amount) * (SHIFT_UNITS[unit as string] as number);
  return total > 0 ? total : undefined;
}
