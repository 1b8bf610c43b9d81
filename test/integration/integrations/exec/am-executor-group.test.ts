import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureText } from '../../../support/fixtures.js';
import { startTestService } from '../../../support/test-service.js';

// A command sees the group as prometheus-am-executor gave it, and runs for every notification
// but a copy: its scripts (examples/reboot) loop over AMX_ALERT_LEN.

const scripts = path.resolve(import.meta.dirname, '../../../support/scripts');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-amx-group-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The integration payload's group with only its first alert: the group before the second joined. */
function firstAlertOnly(): string {
  const group = JSON.parse(fixtureText('amExecutorIntegration')) as { alerts: unknown[]; commonLabels: Record<string, string> };
  return JSON.stringify({
    ...group,
    alerts: group.alerts.slice(0, 1),
    commonLabels: { ...group.commonLabels, instance: 'localhost:1234' },
  });
}

describe('a command run from the queue (notify_on_failure: false)', () => {
  it('sees the whole group after an alert joins it: AMX_ALERT_LEN=2, not only the new alert', async () => {
    const out = path.join(dir, 'joined.json');
    const app = await startTestService(
      `commands:\n  - cmd: "${process.execPath}"\n    args: ["${scripts}/record-env.mjs", "${out}"]\n    notify_on_failure: false\n`,
    );
    try {
      await app.untilDone(String((await app.post('/', firstAlertOnly())).body.id));
      expect(JSON.parse(readFileSync(out, 'utf8')).env.AMX_ALERT_LEN).toBe('1');
      await app.untilDone(String((await app.post('/', fixtureText('amExecutorIntegration'))).body.id));
      const { env } = JSON.parse(readFileSync(out, 'utf8')) as { env: Record<string, string> };
      expect(env.AMX_ALERT_LEN).toBe('2');
      expect(env.AMX_ALERT_1_LABEL_instance).toBe('localhost:1234');
      expect(env.AMX_ALERT_2_LABEL_instance).toBe('localhost:5678');
    } finally {
      await app.stop();
    }
  });

  it("runs again for Alertmanager's repeat inside the delivery dedup window, but not for a copy inside its own", async () => {
    const log = path.join(dir, 'runs.log');
    const app = await startTestService(
      `actions:\n  count: { type: exec, cmd: "${process.execPath}", notify_on_failure: false, dedup_window: 500ms, args: ["-e", "require('fs').appendFileSync('${log}', 'run\\\\n')"] }\nroutes:\n  - actions: [count]\ndelivery:\n  dedup_window: 10m\n`,
    );
    const runs = (): number => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').length : 0);
    try {
      const payload = fixtureText('amExecutorIntegration');
      // The other Alertmanager of an HA pair sends its copy at once: one run for both.
      const [first, copy] = await Promise.all([app.post('/', payload), app.post('/', payload)]);
      await app.untilDone(String(first.body.id));
      await app.untilDone(String(copy.body.id));
      expect(runs()).toBe(1);
      // The repeat comes later (repeat_interval), still inside the 10 minutes: it runs, as in am-executor.
      await new Promise((resolve) => setTimeout(resolve, 600));
      await app.untilDone(String((await app.post('/', payload)).body.id));
      expect(runs()).toBe(2);
    } finally {
      await app.stop();
    }
  });
});

describe('a command run before the answer (notify_on_failure, the default)', () => {
  it('runs for every notification it receives, a repeat and a retry included, with the whole group each time', async () => {
    const out = path.join(dir, 'before.json');
    const app = await startTestService(`commands:\n  - cmd: "${process.execPath}"\n    args: ["${scripts}/record-env.mjs", "${out}"]\n`);
    try {
      for (const expected of [1, 2]) {
        rmSync(out, { force: true });
        expect((await app.post('/', fixtureText('amExecutorIntegration'))).status).toBe(200);
        expect(JSON.parse(readFileSync(out, 'utf8')).env.AMX_ALERT_LEN, `run ${expected}`).toBe('2');
      }
    } finally {
      await app.stop();
    }
  });
});
