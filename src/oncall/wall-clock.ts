import { DateTime, IANAZone } from 'luxon';

/**
 * Local wall-clock arithmetic in an IANA time zone. A wall-clock moment is written as the
 * milliseconds that moment would be in UTC ("2026-03-30 09:00" local is Date.UTC(2026, 2, 30, 9)),
 * so shifts and restrictions add hours and days to what a clock on the wall shows, and a 09:00
 * handoff stays at 09:00 across a daylight-saving change. luxon does the zone maths.
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 24 * 60 * MINUTE_MS;
export const WEEK_MS = 7 * DAY_MS;

export function isTimeZone(name: string): boolean {
  return IANAZone.isValidZone(name);
}

/** What the wall clock in `zone` shows at `instant`. */
export function wallClockOf(instant: number, zone: string): number {
  const local = DateTime.fromMillis(instant, { zone });
  return instant + local.offset * MINUTE_MS;
}

/**
 * The instant the wall clock in `zone` shows `wall`. A time skipped by a daylight-saving change
 * (02:30 on the morning clocks go forward) is taken an hour later, as luxon does; a time shown
 * twice (02:30 when they go back) is its first showing.
 */
export function instantOfWallClock(wall: number, zone: string): number {
  return DateTime.fromMillis(wall, { zone: 'utc' }).setZone(zone, { keepLocalTime: true }).toMillis();
}

/** The ISO weekday (1 Monday … 7 Sunday) of a wall-clock moment. */
export function weekdayOfWallClock(wall: number): number {
  return ((Math.floor(wall / DAY_MS) + 3) % 7) + 1; // 1970-01-01 was a Thursday
}

/** RFC 3339 in the zone, without milliseconds: `2026-12-07T09:00:00+01:00`. */
export function formatInZone(instant: number, zone: string): string {
  return DateTime.fromMillis(instant, { zone }).toISO({ suppressMilliseconds: true }) ?? new Date(instant).toISOString();
}
