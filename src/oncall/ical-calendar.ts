import ICAL from 'ical.js';
import type { Person } from './on-call.js';
import type { PeopleDirectory } from './people-directory.js';
import { DAY_MS, instantOfWallClock, isTimeZone } from './wall-clock.js';

type IcalTime = InstanceType<typeof ICAL.Time>;
type IcalEvent = InstanceType<typeof ICAL.Event>;
type IcalComponent = InstanceType<typeof ICAL.Component>;

/** A calendar as read: its events, and the time zone it says it is in (`X-WR-TIMEZONE`, as Google writes). */
export interface Calendar {
  readonly events: readonly IcalEvent[];
  readonly timeZone?: string;
}

export interface Period {
  readonly start: number;
  readonly end: number;
  readonly person: Person;
}

/** RRULE occurrences walked per event at most, so a rule of every minute for years cannot stall a lookup. */
const MAX_OCCURRENCES = 50_000;

/**
 * Parses RFC 5545 text with ical.js; each master event (no RECURRENCE-ID) carries its moved or
 * changed occurrences (same UID, with RECURRENCE-ID). Throws a plain Error saying what is wrong.
 */
export function parseCalendar(text: string): Calendar {
  let root: IcalComponent;
  try {
    root = new ICAL.Component(ICAL.parse(text));
  } catch (error) {
    throw new Error(`not an iCalendar file: ${(error as Error).message}`, { cause: error });
  }
  if (root.name !== 'vcalendar') throw new Error(`not an iCalendar file: it holds a ${root.name.toUpperCase()}, not a VCALENDAR`);
  const components = root.getAllSubcomponents('vevent');
  const masters = new Map<string, IcalEvent>();
  const events: IcalEvent[] = [];
  for (const component of components.filter((c) => !c.hasProperty('recurrence-id'))) {
    const event = new ICAL.Event(component);
    masters.set(event.uid, event);
    events.push(event);
  }
  for (const component of components.filter((c) => c.hasProperty('recurrence-id'))) {
    const master = masters.get(String(component.getFirstPropertyValue('uid')));
    // An occurrence whose series is not in the file stands on its own.
    if (master?.isRecurring()) master.relateException(component);
    else events.push(new ICAL.Event(component));
  }
  const zone = root.getFirstPropertyValue('x-wr-timezone');
  return { events, ...(typeof zone === 'string' && isTimeZone(zone) ? { timeZone: zone } : {}) };
}

/**
 * The periods of the calendar's events that overlap `[from, to)`, each with the person it names.
 * A recurring event's occurrences last as long as its first, in wall-clock time: an event from
 * Monday 09:00 to the next Monday 09:00 ends at 09:00 every week, across daylight-saving changes,
 * as calendar applications show it. Times without a zone (floating, all-day) are read in `zone`.
 */
export function periodsBetween(calendar: Calendar, from: number, to: number, zone: string, people: PeopleDirectory): Period[] {
  const periods: Period[] = [];
  const add = (item: IcalEvent, start: number, end: number): void => {
    if (end <= from || start >= to || end <= start || isCancelled(item)) return;
    const person = people.match({
      summary: item.summary ?? '',
      attendees: emailsOf(item.component, 'attendee'),
      ...organizerOf(item.component),
    });
    if (person !== undefined) periods.push({ start, end, person });
  };
  for (const event of calendar.events) {
    if (!event.isRecurring()) {
      add(event, instantOf(event.startDate, zone), instantOf(endOf(event), zone));
      continue;
    }
    if (isCancelled(event)) continue;
    const nominal = nominalLengthSeconds(event);
    const iterator = event.iterator();
    for (let count = 0; count < MAX_OCCURRENCES; count++) {
      const recurrenceId = iterator.next();
      // Moved occurrences may land a month either side of their place in the series.
      if (recurrenceId === undefined || instantOf(recurrenceId, zone) > to + 31 * DAY_MS) break;
      const details = event.getOccurrenceDetails(recurrenceId);
      if (details.item !== event || nominal === undefined) {
        add(details.item, instantOf(details.startDate, zone), instantOf(details.endDate, zone));
        continue;
      }
      const end = details.startDate.clone();
      end.addDuration(ICAL.Duration.fromSeconds(nominal));
      add(event, instantOf(details.startDate, zone), instantOf(end, zone));
    }
  }
  return periods;
}

/** The event's end: DTEND, or DTSTART plus DURATION, or (with neither) the whole day of an all-day event. */
function endOf(event: IcalEvent): IcalTime {
  if (event.component.hasProperty('dtend') || event.component.hasProperty('duration') || !event.startDate.isDate) return event.endDate;
  const end = event.startDate.clone();
  end.addDuration(ICAL.Duration.fromSeconds(24 * 60 * 60));
  return end;
}

/** DTEND minus DTSTART as the clock on the wall shows them (both in one zone), in seconds. */
function nominalLengthSeconds(event: IcalEvent): number | undefined {
  if (!event.component.hasProperty('dtend')) return event.startDate.isDate && !event.component.hasProperty('duration') ? 86_400 : undefined;
  const start = event.startDate;
  const end = event.endDate;
  if (start.zone?.tzid !== end.zone?.tzid) return undefined;
  return (wallClockMs(end) - wallClockMs(start)) / 1000;
}

function wallClockMs(time: IcalTime): number {
  return Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);
}

/**
 * The instant of an iCalendar time: UTC and TZID times with their VTIMEZONE through ical.js; a
 * TZID without a VTIMEZONE (many exports leave it out) through the IANA zone of that name;
 * floating and all-day times in the schedule's zone.
 */
function instantOf(time: IcalTime, zone: string): number {
  const tzid = time.zone?.tzid;
  if (!time.isDate && (tzid === 'UTC' || (time.zone?.component !== undefined && time.zone.component !== null)))
    return time.toUnixTime() * 1000;
  // ical.js keeps an unresolved TZID on the time, untyped.
  const { timezone } = time as IcalTime & { timezone?: unknown };
  const named = typeof timezone === 'string' && isTimeZone(timezone) ? timezone : zone;
  return instantOfWallClock(wallClockMs(time), time.isDate ? zone : named);
}

function isCancelled(event: IcalEvent): boolean {
  return String(event.component.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED';
}

function emailsOf(component: IcalComponent, property: 'attendee' | 'organizer'): string[] {
  return component
    .getAllProperties(property)
    .map((p) => String(p.getFirstValue() ?? ''))
    .filter((value) => /^mailto:/i.test(value))
    .map((value) => value.replace(/^mailto:/i, ''));
}

function organizerOf(component: IcalComponent): { organizer?: string } {
  const [organizer] = emailsOf(component, 'organizer');
  return organizer === undefined ? {} : { organizer };
}
