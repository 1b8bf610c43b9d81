import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/lib/config-error.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { createOnCallLookup } from '../../../src/oncall/create-on-call-lookup.js';

const PEOPLE = `
people:
  alice: { slack: U012ABCDEF, email: alice@example.com, telegram: 123456789 }
  bob: { email: bob@example.com }
  carol: { name: Carol Jones }
`;

async function lookupOf(schedules: string) {
  const config = parseConfigText(`${schedules}\n${PEOPLE}`, 'test.yml', {});
  return createOnCallLookup(config, { baseDir: '.', logger: createSilentLogger() });
}

const at = (text: string): Date => new Date(text);
const second = 1000;

describe('a weekly rotation in Europe/Berlin', () => {
  const schedule = `
schedules:
  primary:
    time_zone: Europe/Berlin
    rotation: { participants: [alice, bob], shift: 1w, handoff: 'monday 09:00' }
    overrides: [{ from: '2026-12-24T00:00:00+01:00', to: '2026-12-27T00:00:00+01:00', who: carol }]
`;

  it('hands over at Monday 09:00 local, counted from the documented epoch', async () => {
    const lookup = await lookupOf(schedule);
    const handoff = at('2026-12-07T09:00:00+01:00').getTime();
    const before = await lookup.onCallAt('primary', new Date(handoff - second));
    expect(before?.person).toMatchObject({ name: 'alice', slack: 'U012ABCDEF', telegram: '123456789' });
    expect(before?.from).toEqual(at('2026-11-30T09:00:00+01:00'));
    expect(before?.until).toEqual(new Date(handoff));
    const after = await lookup.onCallAt('primary', new Date(handoff));
    expect(after?.person.name).toBe('bob');
    expect(after?.until).toEqual(at('2026-12-14T09:00:00+01:00'));
  });

  it('keeps the handoff at 09:00 local across the DST changes of 29 March and 25 October 2026', async () => {
    const lookup = await lookupOf(schedule);
    // The week of 23 March is an hour shorter: it began at 09:00 CET and ends at 09:00 CEST.
    const march = await lookup.onCallAt('primary', at('2026-03-29T12:00:00+02:00'));
    expect(march?.from).toEqual(at('2026-03-23T08:00:00Z'));
    expect(march?.until).toEqual(at('2026-03-30T07:00:00Z'));
    expect((await lookup.onCallAt('primary', at('2026-03-30T06:59:59Z')))?.person.name).toBe(march?.person.name);
    expect((await lookup.onCallAt('primary', at('2026-03-30T07:00:00Z')))?.person.name).not.toBe(march?.person.name);
    // The week of 19 October is an hour longer.
    const october = await lookup.onCallAt('primary', at('2026-10-25T12:00:00+01:00'));
    expect(october?.from).toEqual(at('2026-10-19T07:00:00Z'));
    expect(october?.until).toEqual(at('2026-10-26T08:00:00Z'));
  });

  it('gives an override its dates, and the rotation back after it', async () => {
    const lookup = await lookupOf(schedule);
    expect((await lookup.onCallAt('primary', at('2026-12-23T23:59:59+01:00')))?.person.name).toBe('bob');
    const override = await lookup.onCallAt('primary', at('2026-12-24T00:00:00+01:00'));
    expect(override).toMatchObject({ person: { name: 'carol', displayName: 'Carol Jones' } });
    expect(override?.from).toEqual(at('2026-12-24T00:00:00+01:00'));
    expect(override?.until).toEqual(at('2026-12-27T00:00:00+01:00'));
    const back = await lookup.onCallAt('primary', at('2026-12-27T00:00:00+01:00'));
    expect(back?.person.name).toBe('bob');
    expect(back?.from).toEqual(at('2026-12-27T00:00:00+01:00'));
    expect(back?.until).toEqual(at('2026-12-28T09:00:00+01:00'));
  });
});

describe('daily shifts, layers and restrictions', () => {
  it('a 12h rotation from a start hands over at 09:00 and 21:00 local on both sides of a DST change', async () => {
    const lookup = await lookupOf(`
schedules:
  split:
    time_zone: Europe/Berlin
    rotation: { participants: [alice, bob, carol], shift: 12h, handoff: '09:00', start: '2026-03-28T09:00:00+01:00' }
`);
    expect(await lookup.onCallAt('split', at('2026-03-28T07:59:59Z'))).toBeUndefined();
    expect((await lookup.onCallAt('split', at('2026-03-28T08:00:00Z')))?.person.name).toBe('alice');
    expect((await lookup.onCallAt('split', at('2026-03-28T20:00:00Z')))?.person.name).toBe('bob');
    // Saturday 21:00 CET to Sunday 09:00 CEST: eleven hours on the clock's night of DST.
    const night = await lookup.onCallAt('split', at('2026-03-29T03:00:00Z'));
    expect(night).toMatchObject({ person: { name: 'bob' }, from: at('2026-03-28T20:00:00Z'), until: at('2026-03-29T07:00:00Z') });
    expect((await lookup.onCallAt('split', at('2026-03-29T07:00:00Z')))?.person.name).toBe('carol');
    expect((await lookup.onCallAt('split', at('2026-03-29T19:00:00Z')))?.person.name).toBe('alice');
  });

  it('a later layer wins inside its restrictions; outside them the layer below holds', async () => {
    const lookup = await lookupOf(`
schedules:
  primary:
    time_zone: Europe/Berlin
    layers:
      - { participants: [alice], shift: 1w, handoff: 'monday 09:00' }
      - participants: [bob, carol]
        shift: 1d
        handoff: '09:00'
        start: '2026-10-19T09:00:00+02:00'
        restrictions: { days: [mon, tue, wed, thu, fri], from: '09:00', to: '17:00' }
`);
    // Friday 23 October: bob's day (bob Monday, carol Tuesday, bob Wednesday, …), 09:00-17:00 only.
    expect((await lookup.onCallAt('primary', at('2026-10-23T08:59:59+02:00')))?.person.name).toBe('alice');
    const friday = await lookup.onCallAt('primary', at('2026-10-23T12:00:00+02:00'));
    expect(friday).toMatchObject({
      person: { name: 'bob' },
      from: at('2026-10-23T09:00:00+02:00'),
      until: at('2026-10-23T17:00:00+02:00'),
    });
    // The weekend is outside the restriction, across the DST change of 25 October, back to alice.
    const weekend = await lookup.onCallAt('primary', at('2026-10-25T12:00:00+01:00'));
    expect(weekend).toMatchObject({
      person: { name: 'alice' },
      from: at('2026-10-23T17:00:00+02:00'),
      until: at('2026-10-26T09:00:00+01:00'),
    });
    // Seven daily shifts after the start (the weekend's count too): carol.
    expect((await lookup.onCallAt('primary', at('2026-10-26T09:00:00+01:00')))?.person.name).toBe('carol');
  });

  it('a restricted rotation alone leaves gaps, and says who is next', async () => {
    const lookup = await lookupOf(`
schedules:
  office:
    time_zone: Europe/Berlin
    rotation:
      participants: [alice, bob]
      shift: 1w
      handoff: 'monday 09:00'
      restrictions: [{ days: [mon, tue, wed, thu, fri], from: '09:00', to: '17:00' }]
`);
    expect(await lookup.onCallAt('office', at('2026-12-05T12:00:00+01:00'))).toBeUndefined();
    const answer = await lookup.answerAt('office', at('2026-12-05T12:00:00+01:00'));
    expect(answer.next).toEqual({ person: expect.objectContaining({ name: 'bob' }), at: at('2026-12-07T09:00:00+01:00') });
    const friday = await lookup.onCallAt('office', at('2026-12-04T16:00:00+01:00'));
    expect(friday).toMatchObject({
      person: { name: 'alice' },
      from: at('2026-12-04T09:00:00+01:00'),
      until: at('2026-12-04T17:00:00+01:00'),
    });
  });

  it('an overnight restriction covers the night into the next day', async () => {
    const lookup = await lookupOf(`
schedules:
  nights:
    time_zone: UTC
    rotation: { participants: [alice], shift: 1w, handoff: 'monday 00:00', restrictions: { from: '18:00', to: '08:00' } }
`);
    expect((await lookup.onCallAt('nights', at('2026-12-03T03:00:00Z')))?.until).toEqual(at('2026-12-03T08:00:00Z'));
    expect(await lookup.onCallAt('nights', at('2026-12-03T12:00:00Z'))).toBeUndefined();
  });
});

describe('bad schedules are config problems, each at its path', () => {
  const problemsOf = (text: string): string[] => {
    try {
      parseConfigText(`${text}\n${PEOPLE}`, 'test.yml', {});
    } catch (error) {
      if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
      throw error;
    }
    return [];
  };

  it('names an unknown time zone, a bad handoff, a bad shift and a participant not in people', () => {
    const problems = problemsOf(`
schedules:
  a: { time_zone: Europe/Berlinn, rotation: { participants: [alice], shift: 1w, handoff: 'monday 09:00' } }
  b: { rotation: { participants: [alice], shift: 1w, handoff: 'someday 25:00' } }
  c: { rotation: { participants: [alice], shift: 1fortnight, handoff: '09:00' } }
  d: { rotation: { participants: [alice, dave], shift: 1w, handoff: 'monday 09:00' } }
  e: { rotation: { participants: [alice], shift: 1d, handoff: 'monday 09:00' } }
  f: { ical: webcal://example.com/cal.ics }
  g: { overrides: [{ from: '2026-12-24T00:00:00', to: '2026-12-27T00:00:00+01:00', who: alice }], rotation: { participants: [alice], shift: 1w, handoff: '09:00' } }
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^schedules\.a\.time_zone: not an IANA time zone/),
        expect.stringMatching(/^schedules\.b\.rotation\.handoff: expected 'monday 09:00'/),
        expect.stringMatching(/^schedules\.c\.rotation\.shift: expected a shift length/),
        expect.stringMatching(/^schedules\.e\.rotation\.shift: a handoff on a weekday needs a shift of whole weeks/),
        expect.stringMatching(/^schedules\.f\.ical: expected a file, or an https:\/\//),
        expect.stringMatching(/^schedules\.g\.overrides\.0\.from: expected an RFC 3339/),
      ]),
    );
    expect(
      problemsOf(`
schedules:
  d: { rotation: { participants: [alice, dave], shift: 1w, handoff: 'monday 09:00' }, overrides: [{ from: '2026-12-24T00:00:00Z', to: '2026-12-25T00:00:00Z', who: erin }] }
`),
    ).toEqual([
      'schedules.d.rotation.participants.1: "dave" is not in people:; defined: alice, bob, carol',
      'schedules.d.overrides.0.who: "erin" is not in people:; defined: alice, bob, carol',
    ]);
  });

  it('refuses a schedule with two kinds, and a start that is not at the handoff', () => {
    expect(
      problemsOf(`
schedules:
  x: { ical: ./x.ics, rotation: { participants: [alice], shift: 1w, handoff: '09:00' } }
  y: { time_zone: Europe/Berlin, rotation: { participants: [alice], shift: 1w, handoff: 'monday 09:00', start: '2026-12-07T09:00:00Z' } }
`),
    ).toEqual(['schedules.x: a schedule has one of rotation, layers and ical, not rotation and ical']);
    expect(
      problemsOf(`
schedules:
  y: { time_zone: Europe/Berlin, rotation: { participants: [alice], shift: 1w, handoff: 'monday 09:00', start: '2026-12-07T09:00:00Z' } }
`),
    ).toEqual([expect.stringMatching(/^schedules\.y\.rotation\.start: start is not at the handoff/)]);
  });

  it('rejects a question about a schedule that does not exist, or an invalid moment', async () => {
    const lookup = await lookupOf(`
schedules:
  primary: { rotation: { participants: [alice], shift: 1w, handoff: '09:00' } }
`);
    await expect(lookup.onCallAt('secondary', new Date())).rejects.toThrow('no schedule named "secondary"; defined: primary');
    await expect(lookup.onCallAt('primary', new Date(Number.NaN))).rejects.toThrow('not a valid moment');
  });
});
