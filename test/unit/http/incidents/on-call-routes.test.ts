import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../src/config/load-config.js';
import { createOnCallRouter } from '../../../../src/http/incidents/on-call-routes.js';
import { createOnCallLookup } from '../../../../src/oncall/create-on-call-lookup.js';
import { createSilentLogger } from '../../../../src/observability/logger.js';

const closers: Array<() => void> = [];
afterEach(() => closers.splice(0).forEach((close) => close()));

/** `GET /api/oncall` of these schedules at `at`, on the real lookup. */
async function onCallAt(yaml: string, at: string) {
  const config = parseConfigText(yaml, 'test config', {});
  const lookup = await createOnCallLookup(config, { baseDir: process.cwd(), logger: createSilentLogger() });
  const app = express().use(createOnCallRouter({ onCall: () => lookup, auth: (_req, _res, next) => next(), now: () => Date.parse(at) }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  closers.push(() => server.close());
  const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/oncall`);
  return (await answer.json()) as { at: string; schedules: Array<Record<string, unknown>> };
}

const PEOPLE = ['people:', '  alice: { name: Alice Smith }', '  bob: {}'];

describe('GET /api/oncall', () => {
  it('in a gap (a weekend outside business hours) says nobody now and who comes next, from when', async () => {
    const yaml = [
      ...PEOPLE,
      'schedules:',
      '  office:',
      '    time_zone: Europe/Berlin',
      '    rotation:',
      '      participants: [alice, bob]',
      '      shift: 1d',
      "      handoff: '09:00'",
      "      start: '2026-11-30T09:00:00+01:00'",
      "      restrictions: { days: [mon, tue, wed, thu, fri], from: '09:00', to: '17:00' }",
    ].join('\n');
    // Saturday 5 December: nobody; Monday the 7th at 09:00 Berlin, day 7 of the daily turns from the start (alice on even days): bob.
    const { schedules } = await onCallAt(yaml, '2026-12-05T12:00:00Z');
    expect(schedules).toEqual([
      {
        name: 'office',
        timeZone: 'Europe/Berlin',
        now: null,
        next: { name: 'bob', from: '2026-12-07T08:00:00.000Z' },
        note: null,
      },
    ]);
  });

  it('while someone is on call says until when, and who holds it from then', async () => {
    const yaml = [
      ...PEOPLE,
      'schedules:',
      '  primary:',
      "    rotation: { participants: [alice, bob], shift: 1w, handoff: 'monday 09:00', start: '2026-11-30T09:00:00Z' }",
    ].join('\n');
    const { at, schedules } = await onCallAt(yaml, '2026-12-09T10:00:00Z');
    expect(at).toBe('2026-12-09T10:00:00.000Z');
    expect(schedules).toEqual([
      {
        name: 'primary',
        timeZone: 'UTC',
        now: { name: 'bob', from: '2026-12-07T09:00:00.000Z', until: '2026-12-14T09:00:00.000Z' },
        next: { name: 'alice', displayName: 'Alice Smith', from: '2026-12-14T09:00:00.000Z' },
        note: null,
      },
    ]);
  });

  it('with no schedules answers an empty list', async () => {
    expect((await onCallAt('', '2026-12-09T10:00:00Z')).schedules).toEqual([]);
  });
});
