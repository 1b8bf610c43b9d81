import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixtureText } from '../../../support/fixtures.js';
import { startTestService } from '../../../support/test-service.js';
import { until } from '../../../support/until.js';

/** Pids of processes whose command line is exactly `args` (Linux /proc). */
function pidsOf(args: string[]): number[] {
  const wanted = `${args.join('\0')}\0`;
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8') === wanted;
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe("prometheus-am-executor's example config and payload, unchanged", () => {
  it('runs the matching commands, and the resolution signals the sleep with SIGUSR1', async () => {
    const app = await startTestService(fixtureText('am-executor-executor.yml'));
    try {
      const before = new Set(pidsOf(['/bin/sleep', '10s']));
      const started = Date.now();
      // `/bin/sleep 10s` runs before the answer (notify_on_failure defaults to true), so this waits.
      const firing = app.post('/', fixtureText('amExecutorPayload'));
      await until(() => pidsOf(['/bin/sleep', '10s']).some((pid) => !before.has(pid)), 5000);
      const payload = fixtureText('amExecutorPayload')
        .replaceAll('"status": "firing"', '"status": "resolved"')
        .replaceAll('"endsAt": "0001-01-01T00:00:00Z"', '"endsAt": "2016-04-07T10:18:52-06:00"');
      expect((await app.post('/', payload)).status).toBe(200);
      const answer = await firing;
      expect(answer.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(9000);

      const record = (await app.service.store.getNotification(String(answer.body.id)))!;
      const outcome = Object.fromEntries(record.jobs.map((j) => [j.action, j.attempts[0]?.detail ?? j.state]));
      expect(outcome['command-2-true']).toMatch(/^\/bin\/true: exit 0 in \d+ ms$/);
      expect(outcome['command-3-sleep']).toBe('/bin/sleep 10s: stopped by SIGUSR1 when its alert resolved');
      // `echo` wants env=testing and owner=me among the common labels, which this payload lacks.
      await until(() => app.logs.some((l) => l.action === 'command-1-echo' && l.message === 'action succeeded'), 5000);
      expect(app.logs.find((l) => l.action === 'command-1-echo' && l.message === 'action succeeded')!.detail).toBe(
        'skipped: match_labels differ from the group’s common labels',
      );
    } finally {
      await app.stop();
    }
  });
});
