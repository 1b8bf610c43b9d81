import type { ConfigProblem } from '../lib/config-error.js';
import { rotationStartWallClock } from './rotation-timeline.js';
import type { PeopleConfig, SchedulesConfig } from './schedules-schema.js';
import { DAY_MS, MINUTE_MS, weekdayOfWallClock } from './wall-clock.js';

/**
 * What the schedules' shapes alone cannot tell: a participant or an override's `who` that is not
 * a key of `people:`, and a rotation whose `start` is not at its `handoff`.
 */
export function scheduleReferenceProblems(schedules: SchedulesConfig = {}, people: PeopleConfig = {}): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const known = Object.keys(people);
  const unknown = (key: string): string =>
    `${JSON.stringify(key)} is not in people:; ${known.length === 0 ? 'people: is empty' : `defined: ${known.join(', ')}`}`;
  for (const [name, schedule] of Object.entries(schedules)) {
    const layers = schedule.layers ?? (schedule.rotation === undefined ? [] : [schedule.rotation]);
    layers.forEach((layer, index) => {
      const at = schedule.layers === undefined ? `schedules.${name}.rotation` : `schedules.${name}.layers.${index}`;
      layer.participants.forEach((key, position) => {
        if (!(key in people)) problems.push({ path: `${at}.participants.${position}`, message: unknown(key) });
      });
      if (layer.start !== undefined && layer.handoff !== undefined) {
        const wall = rotationStartWallClock(layer, schedule.time_zone ?? 'UTC');
        const minutes = Math.round((wall % DAY_MS) / MINUTE_MS);
        const weekdayDiffers = layer.handoff.weekday !== undefined && layer.handoff.weekday !== weekdayOfWallClock(wall);
        if (minutes !== layer.handoff.minutes || weekdayDiffers)
          problems.push({
            path: `${at}.start`,
            message: "start is not at the handoff (in the schedule's time zone); leave one of them out or make them agree",
          });
      }
    });
    schedule.overrides?.forEach((override, index) => {
      if (!(override.who in people)) problems.push({ path: `schedules.${name}.overrides.${index}.who`, message: unknown(override.who) });
    });
  }
  return problems;
}
