import type { Logger } from '../observability/logger.js';
import { ConfigError, type ConfigProblem } from '../lib/config-error.js';
import { CalendarSource } from './calendar-source.js';
import { periodsBetween } from './ical-calendar.js';
import type { OnCallLookup, OnCallShift, Person } from './on-call.js';
import { createPeopleDirectory, type PeopleDirectory } from './people-directory.js';
import { rotationTimeline } from './rotation-timeline.js';
import type { PeopleConfig, ScheduleConfig, SchedulesConfig } from './schedules-schema.js';
import { heldAt, nextHolder, periodsTimeline, SEARCH_HORIZON_MS, stackedTimeline, type Timeline } from './timeline.js';

/** What `alertpipe oncall` prints for a schedule: the shift, or in a gap who comes next. */
export interface OnCallAnswer {
  readonly shift?: OnCallShift;
  readonly next?: { readonly person: Person; readonly at: Date };
  /** The zone the schedule's times are read in, for printing them. */
  readonly timeZone: string;
  readonly note?: string;
}

export interface ScheduleLookup extends OnCallLookup {
  answerAt(schedule: string, at: Date): Promise<OnCallAnswer>;
}

export class UnknownScheduleError extends Error {}

/**
 * Builds the `OnCallLookup` of a config's `schedules:` and `people:`. iCalendar files are read
 * here, so a file that cannot be read or parsed is a config problem at start and in
 * `check-config`; a calendar URL is read at its first question (and every `refresh` after).
 */
export async function createOnCallLookup(
  config: { readonly schedules?: SchedulesConfig; readonly people?: PeopleConfig },
  options: { readonly baseDir: string; readonly logger: Logger; readonly now?: () => number },
): Promise<ScheduleLookup> {
  const people = createPeopleDirectory(config.people);
  const schedules = new Map<string, (at: number) => Promise<{ timeline: Timeline; timeZone: string; note?: string }>>();
  const problems: ConfigProblem[] = [];
  for (const [name, schedule] of Object.entries(config.schedules ?? {})) {
    const overrides = (schedule.overrides ?? []).map((o) =>
      periodsTimeline([{ start: o.from, end: o.to, person: people.byKey.get(o.who) ?? { name: o.who } }]),
    );
    const withOverrides = (base: Timeline): Timeline => (overrides.length === 0 ? base : stackedTimeline([base, ...overrides]));
    if (schedule.ical === undefined) {
      const timeZone = schedule.time_zone ?? 'UTC';
      const timeline = withOverrides(stackedTimeline(layersOf(schedule).map((layer) => rotationTimeline(layer, timeZone, people.byKey))));
      schedules.set(name, () => Promise.resolve({ timeline, timeZone }));
      continue;
    }
    const source = new CalendarSource(name, schedule.ical, {
      baseDir: options.baseDir,
      refreshMs: schedule.refresh ?? 5 * 60_000,
      logger: options.logger,
      ...(options.now ? { now: options.now } : {}),
    });
    if (!source.isUrl) {
      try {
        await source.current();
      } catch (error) {
        problems.push({ path: `schedules.${name}.ical`, message: (error as Error).message.replace(/^schedule \S+: /, '') });
      }
    }
    schedules.set(name, (at) => calendarTimeline(source, schedule, at, people, withOverrides));
  }
  if (problems.length > 0) throw new ConfigError('schedules', problems);

  const resolve = async (schedule: string, at: Date) => {
    const timelineAt = schedules.get(schedule);
    if (timelineAt === undefined)
      throw new UnknownScheduleError(
        `no schedule named ${JSON.stringify(schedule)}; defined: ${[...schedules.keys()].join(', ') || 'none'}`,
      );
    if (Number.isNaN(at.getTime())) throw new RangeError('not a valid moment');
    return timelineAt(at.getTime());
  };
  const shiftOf = (schedule: string, at: Date, timeline: Timeline, note?: string): OnCallShift | undefined => {
    const held = heldAt(timeline, at.getTime());
    if (held === undefined) return undefined;
    return {
      schedule,
      person: held.person,
      ...(held.from === undefined ? {} : { from: new Date(held.from) }),
      ...(held.until === undefined ? {} : { until: new Date(held.until) }),
      ...(note === undefined ? {} : { note }),
    };
  };
  return {
    schedules: [...schedules.keys()],
    async onCallAt(schedule, at) {
      const { timeline, note } = await resolve(schedule, at);
      return shiftOf(schedule, at, timeline, note);
    },
    async answerAt(schedule, at) {
      const { timeline, timeZone, note } = await resolve(schedule, at);
      const shift = shiftOf(schedule, at, timeline, note);
      const next = shift === undefined ? nextHolder(timeline, at.getTime()) : undefined;
      return {
        timeZone,
        ...(shift === undefined ? {} : { shift }),
        ...(next === undefined ? {} : { next: { person: next.person, at: new Date(next.at) } }),
        ...(note === undefined ? {} : { note }),
      };
    },
  };
}

function layersOf(schedule: ScheduleConfig) {
  return schedule.layers ?? (schedule.rotation === undefined ? [] : [schedule.rotation]);
}

/** The calendar's events around `at` (the search horizon either side) as a timeline. */
async function calendarTimeline(
  source: CalendarSource,
  schedule: ScheduleConfig,
  at: number,
  people: PeopleDirectory,
  withOverrides: (base: Timeline) => Timeline,
): Promise<{ timeline: Timeline; timeZone: string; note?: string }> {
  const { calendar, note } = await source.current();
  const timeZone = schedule.time_zone ?? calendar.timeZone ?? 'UTC';
  const periods = periodsBetween(calendar, at - SEARCH_HORIZON_MS, at + SEARCH_HORIZON_MS, timeZone, people);
  return { timeline: withOverrides(periodsTimeline(periods)), timeZone, ...(note === undefined ? {} : { note }) };
}
