import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { RRule, RRuleSet, datetime } from 'rrule';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/lib/config-error.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { createOnCallLookup } from '../../../src/oncall/create-on-call-lookup.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/oncall');
const CALENDAR = readFileSync(path.join(FIXTURES, 'secondary.ics'), 'utf8');
const PEOPLE = `
people:
  alice: { email: alice@example.com }
  bob: { email: bob@example.com }
`;

/**
 * Europe/Berlin written out by hand (EU rule: summer time from the last Sunday of March to the
 * last Sunday of October, 01:00 UTC), so the expected instants owe nothing to ical.js or luxon.
 */
function berlinToInstant(wall: Date): number {
  const year = wall.getUTCFullYear();
  const lastSunday = (month: number): number => {
    const last = new Date(Date.UTC(year, month + 1, 0));
    return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), 1);
  };
  const guess = wall.getTime() - 3_600_000;
  const summer = guess >= lastSunday(2) && guess < lastSunday(9);
  return wall.getTime() - (summer ? 2 : 1) * 3_600_000;
}

/** The fixture's shifts expanded by `rrule` (wall-clock dates, as floating UTC) and the offsets above. */
function expectedShifts(): { start: number; end: number; who: string }[] {
  const weekly = (dtstart: Date, exdates: Date[] = []): Date[] => {
    const set = new RRuleSet();
    set.rrule(new RRule({ freq: RRule.WEEKLY, interval: 2, count: 20, dtstart }));
    for (const exdate of exdates) set.exdate(exdate);
    return set.all();
  };
  const week = 7 * 86_400_000;
  const shifts: { start: number; end: number; who: string }[] = [];
  for (const start of weekly(datetime(2026, 3, 16, 9, 0, 0), [datetime(2026, 4, 13, 9, 0, 0)]))
    shifts.push({ start: berlinToInstant(start), end: berlinToInstant(new Date(start.getTime() + week)), who: 'alice' });
  for (const start of weekly(datetime(2026, 3, 23, 9, 0, 0))) {
    // The occurrence of 6 April was moved to begin at 14:00 (RECURRENCE-ID), ending as planned.
    const moved = start.getTime() === datetime(2026, 4, 6, 9, 0, 0).getTime() ? datetime(2026, 4, 6, 14, 0, 0) : start;
    shifts.push({ start: berlinToInstant(moved), end: berlinToInstant(new Date(start.getTime() + week)), who: 'bob' });
  }
  shifts.push({ start: Date.parse('2026-04-14T08:00:00Z'), end: Date.parse('2026-04-15T08:00:00Z'), who: 'Dana Cover' });
  return shifts;
}

function expectedAt(at: number): string | undefined {
  return expectedShifts().find((shift) => shift.start <= at && at < shift.end)?.who;
}

async function calendarLookup(ical: string, extra = '', now?: () => number) {
  const config = parseConfigText(`schedules:\n  secondary: { ical: '${ical}'${extra} }\n${PEOPLE}`, 'test.yml', {});
  return createOnCallLookup(config, { baseDir: FIXTURES, logger: createSilentLogger(), ...(now ? { now } : {}) });
}

describe('an iCalendar schedule (weekly RRULE, EXDATE, a moved occurrence, VTIMEZONE across DST)', () => {
  it('answers at every boundary as an independent expansion of the same calendar does', async () => {
    const lookup = await calendarLookup('./secondary.ics');
    const boundaries = [...new Set(expectedShifts().flatMap((s) => [s.start, s.end]))].sort((a, b) => a - b);
    expect(boundaries.length).toBeGreaterThan(40);
    for (const boundary of boundaries) {
      for (const at of [boundary - 1000, boundary]) {
        const shift = await lookup.onCallAt('secondary', new Date(at));
        expect({ at: new Date(at).toISOString(), who: shift?.person.name }).toEqual({
          at: new Date(at).toISOString(),
          who: expectedAt(at),
        });
      }
    }
  });

  it('takes the handoff across the DST change at 09:00 local, and the shift ends where the next begins', async () => {
    const lookup = await calendarLookup('./secondary.ics');
    const bob = await lookup.onCallAt('secondary', new Date('2026-03-29T12:00:00+02:00'));
    expect(bob).toMatchObject({
      person: { name: 'bob', email: 'bob@example.com' },
      from: new Date('2026-03-23T08:00:00Z'),
      until: new Date('2026-03-30T07:00:00Z'),
    });
    const october = await lookup.onCallAt('secondary', new Date('2026-10-25T12:00:00+01:00'));
    expect(october).toMatchObject({ person: { name: 'bob' }, until: new Date('2026-10-26T08:00:00Z') });
  });

  it('in the gap the EXDATE leaves, names who comes next; someone not in people: is a person by name', async () => {
    const lookup = await calendarLookup('./secondary.ics');
    const gap = await lookup.answerAt('secondary', new Date('2026-04-13T12:00:00+02:00'));
    expect(gap.shift).toBeUndefined();
    expect(gap.next).toEqual({ person: { name: 'Dana Cover' }, at: new Date('2026-04-14T08:00:00Z') });
    expect(gap.timeZone).toBe('Europe/Berlin');
  });

  it('an ical file that cannot be read or is not a calendar is a config problem at its path', async () => {
    await expect(calendarLookup('./missing.ics')).rejects.toThrow(ConfigError);
    await expect(calendarLookup('./missing.ics')).rejects.toThrow(
      'schedules.secondary.ical: cannot read its calendar: cannot read the file: ENOENT',
    );
    await expect(calendarLookup('../../../package.json')).rejects.toThrow(
      /schedules\.secondary\.ical: cannot read its calendar: not an iCalendar file/,
    );
  });
});

describe('an iCalendar URL', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server?.listening) await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });
  async function serveCalendar(): Promise<{ url: string; requests: () => number }> {
    let requests = 0;
    server = createServer((request, response) => {
      requests += 1;
      response.writeHead(200, { 'Content-Type': 'text/calendar; charset=utf-8' }).end(CALENDAR);
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/secondary.ics`, requests: () => requests };
  }

  it('is read at the first question, kept for its refresh interval, and its last good copy used (and said) when it is down', async () => {
    const { url, requests } = await serveCalendar();
    let now = Date.parse('2026-12-03T06:00:00Z');
    const lookup = await calendarLookup(url, ', refresh: 5m', () => now);
    expect(requests()).toBe(0); // a URL is not read to build the lookup (nor by check-config)
    const first = await lookup.onCallAt('secondary', new Date('2026-03-29T12:00:00+02:00'));
    expect(first).toMatchObject({ person: { name: 'bob' } });
    expect(first?.note).toBeUndefined();
    now += 60_000;
    await lookup.onCallAt('secondary', new Date('2026-03-29T12:00:00+02:00'));
    expect(requests()).toBe(1);
    await new Promise((resolve) => server?.close(resolve));
    now += 5 * 60_000;
    const stale = await lookup.onCallAt('secondary', new Date('2026-03-29T12:00:00+02:00'));
    expect(stale?.person.name).toBe('bob');
    expect(stale?.note).toMatch(/^the calendar could not be read again \(.+\); answered from the last good copy$/);
  });

  it('rejects with a clear error when its first read fails', async () => {
    const { url } = await serveCalendar();
    await new Promise((resolve) => server?.close(resolve));
    const lookup = await calendarLookup(url);
    await expect(lookup.onCallAt('secondary', new Date())).rejects.toThrow(/^schedule secondary: cannot read its calendar: /);
  });

  it('rejects when the URL answers with an error status', async () => {
    server = createServer((request, response) => response.writeHead(404).end('not found'));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const lookup = await calendarLookup(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x.ics`);
    await expect(lookup.onCallAt('secondary', new Date())).rejects.toThrow(
      "cannot read its calendar: the calendar's URL answered HTTP 404",
    );
  });
});
