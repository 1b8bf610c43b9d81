import type { Person } from './on-call.js';
import type { RotationConfig } from './schedules-schema.js';
import { DAY_MS, instantOfWallClock, MINUTE_MS, wallClockOf, weekdayOfWallClock } from './wall-clock.js';
import { restrictedTimeline } from './restriction-windows.js';
import type { Timeline } from './timeline.js';

/**
 * The moment a rotation without `start` counts its shifts from: Monday 1 January 2024 at the
 * handoff time in the schedule's time zone (with a weekday, the first such day from then). Fixed,
 * so that every replica and every restart agrees who is on call; `start` moves it.
 */
export const ROTATION_EPOCH_WALL_CLOCK = Date.UTC(2024, 0, 1);

/** Where a rotation's shifts begin, as a wall-clock moment in its zone. */
export function rotationStartWallClock(rotation: RotationConfig, zone: string): number {
  if (rotation.start !== undefined) return wallClockOf(rotation.start, zone);
  const handoff = rotation.handoff ?? { minutes: 0 };
  const daysToWeekday = handoff.weekday === undefined ? 0 : (handoff.weekday - weekdayOfWallClock(ROTATION_EPOCH_WALL_CLOCK) + 7) % 7;
  return ROTATION_EPOCH_WALL_CLOCK + daysToWeekday * DAY_MS + handoff.minutes * MINUTE_MS;
}

/**
 * A rotation: participants take shifts of `shift` in turn from its start. Shifts are counted in
 * wall-clock time, so a weekly handoff at Monday 09:00 stays at 09:00 local when daylight saving
 * begins or ends (that week is an hour shorter or longer).
 */
export function rotationTimeline(rotation: RotationConfig, zone: string, people: ReadonlyMap<string, Person>): Timeline {
  const participants = rotation.participants.map((key) => people.get(key) ?? { name: key });
  const startWall = rotationStartWallClock(rotation, zone);
  const start = instantOfWallClock(startWall, zone);
  const handoff = (n: number): number => instantOfWallClock(startWall + n * rotation.shift, zone);
  /** The number of the shift running at `at` (its handoff at or before `at`); -1 before the start. */
  const shiftNumber = (at: number): number => {
    if (at < start) return -1;
    let n = Math.floor((wallClockOf(at, zone) - startWall) / rotation.shift);
    // The wall clock's estimate is off by one shift at most, around a daylight-saving change.
    while (n > 0 && handoff(n) > at) n--;
    while (handoff(n + 1) <= at) n++;
    return n;
  };
  const rotationOnly: Timeline = {
    holderAt: (at) => {
      const n = shiftNumber(at);
      return n < 0 ? undefined : participants[n % participants.length];
    },
    nextChange: (at) => {
      const n = shiftNumber(at);
      return n < 0 ? start : handoff(n + 1);
    },
    previousChange: (at) => {
      const n = shiftNumber(at);
      return n < 0 ? undefined : handoff(n);
    },
  };
  return rotation.restrictions === undefined ? rotationOnly : restrictedTimeline(rotationOnly, rotation.restrictions, zone);
}
