import { z } from 'zod';
import { parseHandoff, parseShiftLength, parseTimeOfDay, parseWeekday, type Handoff } from './handoff.js';
import { isTimeZone } from './wall-clock.js';
import { parseDuration } from '../lib/units.js';

/**
 * The config's `schedules:` and `people:` sections. Shapes, time zones, handoffs, shift lengths
 * and dates are checked here; who a rotation names (a key of `people:`) is checked against the
 * whole config by `scheduleReferenceProblems`, and iCalendar files are read when the lookup is
 * built, so start-up and `alertpipe check-config` find the same problems.
 */

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const NAME_MESSAGE = 'names are letters, digits, _, . and -';

const timeZoneSchema = z.string().refine(isTimeZone, 'not an IANA time zone (such as Europe/Berlin or UTC)');

/** An RFC 3339 moment with its offset (`2026-12-24T00:00:00+01:00`, or `Z`), as epoch milliseconds. */
const momentSchema = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$/,
    'expected an RFC 3339 date and time with its offset, such as 2026-12-24T00:00:00+01:00',
  )
  .transform((text, ctx) => {
    const ms = Date.parse(text.replace(' ', 'T'));
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: 'not a real date and time' });
      return z.NEVER;
    }
    return ms;
  });

const personKey = z.string().min(1);

const shiftSchema = z.string().transform((text, ctx) => {
  const ms = parseShiftLength(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a shift length such as 1w, 1d, 12h or 1d12h' });
    return z.NEVER;
  }
  return ms;
});

const handoffSchema = z.string().transform((text, ctx): Handoff => {
  const handoff = parseHandoff(text);
  if (handoff === undefined) {
    ctx.addIssue({ code: 'custom', message: "expected 'monday 09:00' (weekly) or '09:00' (24-hour time)" });
    return z.NEVER;
  }
  return handoff;
});

const weekdaySchema = z.string().transform((text, ctx) => {
  const day = parseWeekday(text);
  if (day === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a weekday: mon, tue, wed, thu, fri, sat or sun' });
    return z.NEVER;
  }
  return day;
});

const timeOfDay = (allowEndOfDay: boolean) =>
  z.string().transform((text, ctx) => {
    const minutes = parseTimeOfDay(text, allowEndOfDay);
    if (minutes === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a 24-hour time such as 09:00${allowEndOfDay ? ' (24:00 for midnight)' : ''}` });
      return z.NEVER;
    }
    return minutes;
  });

/** A window a layer covers; outside every window of its layer, the layer has nobody. */
const restrictionSchema = z
  .object({
    /** The days a window starts on; every day when absent. */
    days: z.array(weekdaySchema).min(1).optional(),
    /** Local time; a `to` at or before `from` ends the next day (`from: '18:00', to: '08:00'`). */
    from: timeOfDay(false),
    to: timeOfDay(true),
  })
  .strict();

const rotationSchema = z
  .object({
    /** A label for the layer in messages and the docs; not required. */
    name: z.string().min(1).optional(),
    /** Keys of `people:`, in the order they take their shifts. */
    participants: z.array(personKey).min(1, 'a rotation has at least one participant'),
    shift: shiftSchema,
    handoff: handoffSchema.optional(),
    /** When the first participant's first shift begins; before it the layer has nobody. */
    start: momentSchema.optional(),
    restrictions: z
      .union([restrictionSchema, z.array(restrictionSchema).min(1)])
      .transform((value) => (Array.isArray(value) ? value : [value]))
      .optional(),
  })
  .strict()
  .superRefine((rotation, ctx) => {
    if (rotation.handoff === undefined && rotation.start === undefined)
      ctx.addIssue({ code: 'custom', message: "a rotation needs a handoff ('monday 09:00', '09:00') or a start", path: ['handoff'] });
    if (rotation.handoff?.weekday !== undefined && rotation.shift % (7 * 24 * 60 * 60_000) !== 0)
      ctx.addIssue({
        code: 'custom',
        message: "a handoff on a weekday needs a shift of whole weeks (1w, 2w); use '09:00' for shorter ones",
        path: ['shift'],
      });
  });

const overrideSchema = z
  .object({ from: momentSchema, to: momentSchema, who: personKey })
  .strict()
  .refine((override) => override.from < override.to, { message: 'from must be before to', path: ['to'] });

const icalSourceSchema = z
  .string()
  .min(1)
  .superRefine((text, ctx) => {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) && !/^https?:\/\//i.test(text))
      ctx.addIssue({
        code: 'custom',
        message: 'expected a file, or an https:// or http:// URL (a webcal:// link is the same URL with https://)',
      });
    else if (/^https?:\/\//i.test(text) && !URL.canParse(text)) ctx.addIssue({ code: 'custom', message: 'not a valid URL' });
  });

const refreshSchema = z.union([z.number().positive(), z.string()]).transform((value, ctx) => {
  const ms = typeof value === 'number' ? Math.round(value * 1000) : parseDuration(value);
  if (ms === undefined || ms < 1000) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration of at least 1s, such as 5m or 1h' });
    return z.NEVER;
  }
  return ms;
});

const scheduleSchema = z
  .object({
    /** Handoffs and restrictions are local times here; the command prints times in it. Default UTC. */
    time_zone: timeZoneSchema.optional(),
    rotation: rotationSchema.optional(),
    /** Rotations on top of each other: where a later layer has someone, it wins. */
    layers: z.array(rotationSchema).min(1).optional(),
    /** An iCalendar file (relative to the config file) or an https:// URL. */
    ical: icalSourceSchema.optional(),
    /** How often an iCalendar is read again (default 5m); a failed read keeps the last good copy. */
    refresh: refreshSchema.optional(),
    /** Someone else for a while; a later override wins over an earlier one. */
    overrides: z.array(overrideSchema).optional(),
  })
  .strict()
  .superRefine((schedule, ctx) => {
    const kinds = (['rotation', 'layers', 'ical'] as const).filter((key) => schedule[key] !== undefined);
    if (kinds.length !== 1)
      ctx.addIssue({
        code: 'custom',
        message:
          kinds.length === 0
            ? 'a schedule has a rotation, layers or an ical'
            : `a schedule has one of rotation, layers and ical, not ${kinds.join(' and ')}`,
      });
    if (schedule.refresh !== undefined && schedule.ical === undefined)
      ctx.addIssue({ code: 'custom', message: 'refresh applies to an ical schedule only', path: ['refresh'] });
  });

const telegramChatId = z.union([z.string().regex(/^-?\d+$/, 'expected a numeric chat ID'), z.number().int()]).transform(String);

const personSchema = z
  .object({
    /** The name calendars write (an event's SUMMARY), when it is not the key. */
    name: z.string().min(1).optional(),
    slack: z
      .string()
      .regex(/^[UW][A-Z0-9]+$/, 'expected a Slack user ID such as U012ABCDEF')
      .optional(),
    email: z.email('expected an email address').optional(),
    telegram: telegramChatId.optional(),
    pagerduty: z.string().min(1).optional(),
    phone: z
      .string()
      .regex(/^\+[1-9]\d{1,14}$/, 'expected an E.164 phone number such as +4915112345678')
      .optional(),
  })
  .strict();

export const schedulesSchema = z.record(z.string().regex(NAME, NAME_MESSAGE), scheduleSchema);
export const peopleSchema = z.record(z.string().regex(NAME, NAME_MESSAGE), personSchema);

export type SchedulesConfig = z.output<typeof schedulesSchema>;
export type ScheduleConfig = z.output<typeof scheduleSchema>;
export type RotationConfig = z.output<typeof rotationSchema>;
export type RestrictionConfig = z.output<typeof restrictionSchema>;
export type OverrideConfig = z.output<typeof overrideSchema>;
export type PeopleConfig = z.output<typeof peopleSchema>;
export type PersonConfig = z.output<typeof personSchema>;
