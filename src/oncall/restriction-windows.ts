import type { RestrictionConfig } from './schedules-schema.js';
import { DAY_MS, instantOfWallClock, MINUTE_MS, wallClockOf, weekdayOfWallClock } from './wall-clock.js';
import { earliest, latest, type Timeline } from './timeline.js';

interface Window {
  readonly start: number;
  readonly end: number;
}

/**
 * The windows of `restrictions` that start from two days before `at` to eight days after it, as
 * instants: enough to see the window `at` is in (one may run overnight) and the next edge of a
 * weekly pattern. Local times, so `09:00-17:00` is 09:00-17:00 on either side of a DST change.
 */
function windowsAround(at: number, restrictions: readonly RestrictionConfig[], zone: string): Window[] {
  const today = Math.floor(wallClockOf(at, zone) / DAY_MS) * DAY_MS;
  const windows: Window[] = [];
  for (let day = today - 2 * DAY_MS; day <= today + 8 * DAY_MS; day += DAY_MS) {
    for (const restriction of restrictions) {
      if (restriction.days !== undefined && !restriction.days.includes(weekdayOfWallClock(day))) continue;
      const endMinutes = restriction.to <= restriction.from ? restriction.to + 24 * 60 : restriction.to;
      windows.push({
        start: instantOfWallClock(day + restriction.from * MINUTE_MS, zone),
        end: instantOfWallClock(day + endMinutes * MINUTE_MS, zone),
      });
    }
  }
  return windows;
}

/** A layer that has someone only inside its restrictions' windows. */
export function restrictedTimeline(inner: Timeline, restrictions: readonly RestrictionConfig[], zone: string): Timeline {
  return {
    holderAt: (at) => (windowsAround(at, restrictions, zone).some((w) => w.start <= at && at < w.end) ? inner.holderAt(at) : undefined),
    nextChange: (at) => {
      const edges = windowsAround(at, restrictions, zone).flatMap((w) => [w.start, w.end]);
      return earliest(inner.nextChange(at), earliest(...edges.filter((edge) => edge > at)));
    },
    previousChange: (at) => {
      const edges = windowsAround(at, restrictions, zone).flatMap((w) => [w.start, w.end]);
      return latest(inner.previousChange(at), latest(...edges.filter((edge) => edge <= at)));
    },
  };
}
