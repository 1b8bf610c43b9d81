import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../../../src/http/ingest/fingerprint.js';
import { fixtureText } from '../../../support/fixtures.js';
import { startTestService, type TestService } from '../../../support/test-service.js';
import { alive, until } from '../../../support/until.js';

const scripts = path.resolve(import.meta.dirname, '../../../support/scripts');
const node = process.execPath;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-exec-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string): string => path.join(dir, name);
const readJson = (name: string) => JSON.parse(readFileSync(file(name), 'utf8')) as { env: Record<string, string>; args: string[] };
const command = (name: string, fields: string): string => `  ${name}: { type: exec, cmd: "${node}", ${fields} }`;

async function withService(actions: string[], run: (app: TestService) => Promise<void>): Promise<void> {
  const app = await startTestService(
    `actions:\n${actions.join('\n')}\nroutes:\n  - actions: [${actions.map((a) => a.trim().split(':')[0]).join(', ')}]\n`,
  );
  try {
    await run(app);
  } finally {
    await app.stop();
  }
}

const resolvedVersion = (text: string): string =>
  text
    .replaceAll('"status": "firing"', '"status": "resolved"')
    .replaceAll('"endsAt": "0001-01-01T00:00:00Z"', '"endsAt": "2026-11-22T12:30:00Z"');

describe('exec action', () => {
  it('runs the command once for the group with every AMX_ variable, and answers 200', async () => {
    await withService([command('record', `args: ["${scripts}/record-env.mjs", "${file('good.json')}", "0", "--flag"]`)], async (app) => {
      const answer = await app.post('/', fixtureText('amExecutorPayload'));
      expect(answer.status).toBe(200);
      const { env, args } = readJson('good.json');
      expect(args).toEqual(['--flag']);
      expect(env.AMX_STATUS).toBe('firing');
      expect(env.AMX_ALERT_LEN).toBe('2');
      expect(env.AMX_ALERT_2_LABEL_instance).toBe('localhost:5678');
      expect(env.AMX_ALERT_1_FINGERPRINT).toBe(
        fingerprintOf({ alertname: 'InstanceDown', instance: 'localhost:1234', job: 'broken', monitor: 'codelab-monitor' }),
      );
    });
  });

  it('answers 500, naming the command, when a notify_on_failure command fails', async () => {
    await withService([command('failing', `args: ["${scripts}/record-env.mjs", "${file('fail.json')}", "3"]`)], async (app) => {
      const answer = await app.post('/', fixtureText('amExecutorPayload'));
      expect(answer.status).toBe(500);
      expect(answer.body.error).toBe(`1 action failed: failing: ${node} ${scripts}/record-env.mjs ${file('fail.json')} 3: exit code 3`);
      const record = await app.service.store.getNotification(
        String((await app.service.store.listNotifications({ limit: 1 })).records[0]!.id),
      );
      expect(record!.jobs.find((j) => j.action === 'failing')!.state).toBe('failed');
    });
  });

  it('answers 200 when a command without notify_on_failure fails, and records the failure without retrying', async () => {
    await withService(
      [command('quiet', `notify_on_failure: false, args: ["${scripts}/record-env.mjs", "${file('quiet.json')}", "1"]`)],
      async (app) => {
        const answer = await app.post('/', fixtureText('amExecutorPayload'));
        expect(answer.status).toBe(200);
        await until(() => existsSync(file('quiet.json')));
        let state = '';
        await until(() => {
          void app.service.store.getNotification(String(answer.body.id)).then((r) => (state = r?.state ?? ''));
          return state === 'done';
        });
        const job = (await app.service.store.getNotification(String(answer.body.id)))!.jobs.find((j) => j.action === 'quiet')!;
        expect(job.state).toBe('failed');
        expect(job.attempts).toHaveLength(1);
      },
    );
  });

  it('skips a command whose match_labels differ from the common labels', async () => {
    await withService(
      [command('picky', `match_labels: { env: testing }, args: ["${scripts}/record-env.mjs", "${file('picky.json')}"]`)],
      async (app) => {
        expect((await app.post('/', fixtureText('amExecutorPayload'))).status).toBe(200);
        expect(existsSync(file('picky.json'))).toBe(false);
      },
    );
  });

  it('signals a running command with resolved_signal when its alert resolves, even without fingerprints in the payload', async () => {
    const marker = file('signal.txt');
    await withService(
      [command('long', `resolved_signal: SIGUSR1, args: ["${scripts}/wait-for-signal.mjs", "${marker}", "30"]`)],
      async (app) => {
        const firing = app.post('/', fixtureText('amExecutorPayload'));
        await until(() => existsSync(marker));
        const resolved = await app.post('/', resolvedVersion(fixtureText('amExecutorPayload')));
        expect(resolved.status).toBe(200);
        expect((await firing).status).toBe(200);
        const lines = readFileSync(marker, 'utf8').trim().split('\n');
        expect(lines.at(-1)).toBe('SIGUSR1');
      },
    );
  });

  it('leaves a command running through the resolution with ignore_resolved', async () => {
    const marker = file('ignore.txt');
    await withService(
      [command('stubborn', `ignore_resolved: true, resolved_signal: SIGUSR1, args: ["${scripts}/wait-for-signal.mjs", "${marker}", "1"]`)],
      async (app) => {
        const firing = app.post('/', fixtureText('amExecutorPayload'));
        await until(() => existsSync(marker));
        await app.post('/', resolvedVersion(fixtureText('amExecutorPayload')));
        expect((await firing).status).toBe(200);
        expect(readFileSync(marker, 'utf8').trim().split('\n').at(-1)).toBe('finished');
      },
    );
  });

  it('runs at most `max` instances per fingerprint', async () => {
    // Three copies of one group at once (dedup off, as Alertmanager retries would be): two run, the third is skipped.
    const app = await startTestService(
      `actions:\n  limited: { type: exec, cmd: "${node}", max: 2, args: ["-e", "require('fs').appendFileSync('${file('max.log')}', 'run\\\\n'); setTimeout(() => {}, 1500)"] }\nroutes:\n  - actions: [limited]\ndelivery:\n  dedup_window: 0\n`,
    );
    try {
      const answers = await Promise.all([1, 2, 3].map(() => app.post('/', fixtureText('amExecutorPayload'))));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(readFileSync(file('max.log'), 'utf8').trim().split('\n')).toHaveLength(2);
    } finally {
      await app.stop();
    }
  });

  it('hands label values like $(touch …) to the command as plain environment values; no shell ever runs them', async () => {
    const pwned = file('pwned');
    const hostile = { labels: { alertname: 'Evil', x: `$(touch ${pwned})`, y: `; touch ${pwned}`, z: `\`touch ${pwned}\`` } };
    await withService(
      [command('record', `args: ["${scripts}/record-env.mjs", "${file('hostile.json')}", "0", "$(touch ${pwned})"]`)],
      async (app) => {
        expect((await app.post('/alert', hostile)).status).toBe(200);
        const { env, args } = readJson('hostile.json');
        expect(env.AMX_LABEL_x).toBe(`$(touch ${pwned})`);
        expect(env.AMX_LABEL_y).toBe(`; touch ${pwned}`);
        expect(args).toEqual([`$(touch ${pwned})`]);
        expect(existsSync(pwned)).toBe(false);
      },
    );
  });

  it('kills the whole process group when the command times out', async () => {
    const marker = file('timeout.txt');
    await withService([command('slow', `timeout: 500ms, args: ["${scripts}/wait-for-signal.mjs", "${marker}", "30"]`)], async (app) => {
      const answer = await app.post('/', fixtureText('amExecutorPayload'));
      expect(answer.status).toBe(500);
      expect(answer.body.error).toBe('1 action failed: slow: no result within 500 ms');
      const [, pid, childPid] = readFileSync(marker, 'utf8').split('\n')[0]!.split(' ').map(Number);
      await until(() => !alive(pid!) && !alive(childPid!), 5000);
    });
  });
});
