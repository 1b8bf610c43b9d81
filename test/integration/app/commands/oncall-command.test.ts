import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../../..');
const dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-oncall-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
copyFileSync(path.join(root, 'test/fixtures/oncall/secondary.ics'), path.join(dir, 'secondary.ics'));
const configFile = path.join(dir, 'alertpipe.yml');
writeFileSync(
  configFile,
  `schedules:
  primary:
    time_zone: Europe/Berlin
    rotation: { participants: [alice, bob], shift: 1w, handoff: 'monday 09:00' }
  secondary:
    ical: ./secondary.ics
people:
  alice: { email: alice@example.com }
  bob: { email: bob@example.com }
`,
);

function cli(args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/app/cli.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('alertpipe oncall', () => {
  it('prints one line per schedule, the until in its time zone, and the next person in a gap', () => {
    expect(cli(['oncall', '-f', configFile, '--at', '2026-12-03T06:00:00Z'])).toMatchObject({
      code: 0,
      stdout: 'primary: alice (until 2026-12-07T09:00:00+01:00)\nsecondary: bob (until 2026-12-07T09:00:00+01:00)\n',
    });
    // The moved occurrence of 6 April begins at 14:00; the calendar's shifts hand over at 09:00 across DST.
    expect(cli(['oncall', '-f', configFile, 'secondary', '--at', '2026-04-06T10:00:00+02:00']).stdout).toBe(
      'secondary: nobody on call (next: bob at 2026-04-06T14:00:00+02:00)\n',
    );
    expect(cli(['oncall', '-f', configFile, 'secondary', '--at', '2026-03-30T06:59:59Z']).stdout).toBe(
      'secondary: bob (until 2026-03-30T09:00:00+02:00)\n',
    );
  }, 60_000);

  it('exits non-zero with a clear message for an unknown schedule or a bad --at', () => {
    const unknown = cli(['oncall', '-f', configFile, 'tertiary']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no schedule named "tertiary"; defined: primary, secondary');
    const badAt = cli(['oncall', '-f', configFile, '--at', '2026-12-03 10:00']);
    expect(badAt.code).toBe(2);
    expect(badAt.stderr).toContain('--at needs an RFC 3339 date and time with its offset');
  }, 60_000);

  it('check-config reports an unreadable ical file and a participant not in people', () => {
    const bad = path.join(dir, 'bad.yml');
    writeFileSync(
      bad,
      `schedules:\n  a: { ical: ./none.ics }\n  b: { rotation: { participants: [dave], shift: 1w, handoff: 'monday 09:00' } }\npeople: {}\n`,
    );
    const checked = cli(['check-config', bad]);
    expect(checked.code).toBe(2);
    expect(checked.stderr).toContain('schedules.b.rotation.participants.0: "dave" is not in people:');
    writeFileSync(bad, `schedules:\n  a: { ical: ./none.ics }\n`);
    expect(cli(['check-config', bad]).stderr).toContain('schedules.a.ical: cannot read its calendar: cannot read the file: ENOENT');
  }, 60_000);
});
