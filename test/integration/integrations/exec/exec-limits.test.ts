import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../../support/test-service.js';
import { alive, until } from '../../../support/until.js';

// What an exec command cannot do to alertpipe: run again after its timeout, leave children behind,
// hold a waiting sender past its deadline, flood memory with output, or fail forever on alert data.
const scripts = path.resolve(import.meta.dirname, '../../../support/scripts');
const node = process.execPath;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-exec-limits-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string): string => path.join(dir, name);
const shell = (name: string, script: string, fields = ''): string =>
  `  ${name}: { type: exec, cmd: /bin/sh, args: ["-c", ${JSON.stringify(script)}]${fields ? `, ${fields}` : ''} }`;

async function withService(yaml: string, run: (app: TestService) => Promise<void>): Promise<void> {
  const app = await startTestService(yaml);
  try {
    await run(app);
  } finally {
    await app.stop();
  }
}

const routedTo = (actions: string[], extra = ''): string => `routes:\n  - actions: [${actions.join(', ')}]\n${extra}`;

const lines = (name: string): string[] =>
  existsSync(file(name)) ? readFileSync(file(name), 'utf8').trim().split('\n').filter(Boolean) : [];

describe('exec command limits', () => {
  it('does not run a queued command again when its timeout fires: once means once', async () => {
    const yaml = `actions:\n${shell('once', `echo run >> ${file('once.log')}; exec sleep 1000`, 'notify_on_failure: false, timeout: 300ms')}\n${routedTo(['once'], 'delivery:\n  initial_backoff: 50ms\n  max_backoff: 100ms\n')}`;
    await withService(yaml, async (app) => {
      const answer = await app.post('/alert', { labels: { alertname: 'Once' } });
      expect(answer.status).toBe(200);
      const record = await app.untilDone(String(answer.body.id));
      const job = record.jobs.find((j) => j.action === 'once')!;
      expect(job.state).toBe('failed');
      expect(job.attempts.map((a) => a.error)).toEqual(['no result within 300 ms']);
      expect(lines('once.log')).toEqual(['run']);
    });
  });

  it('kills every process of the command’s group at its timeout, background children included', async () => {
    const pids = file('group.pids');
    const script = `sleep 1000 & echo $! >> ${pids}; sleep 1000 & echo $! >> ${pids}; echo $$ >> ${pids}; wait`;
    await withService(`actions:\n${shell('group', script, 'timeout: 500ms')}\n${routedTo(['group'])}`, async (app) => {
      const answer = await app.post('/alert', { labels: { alertname: 'Group' } });
      expect(answer.status).toBe(500);
      const started = lines('group.pids').map(Number);
      expect(started).toHaveLength(3);
      await until(() => started.every((pid) => !alive(pid)), 10_000);
    });
  });

  it('answers a sender within server.request_timeout, however long the command’s own timeout', { timeout: 30_000 }, async () => {
    const yaml = `server:\n  request_timeout: 1s\nactions:\n${shell('slow', 'exec sleep 1000', 'timeout: 10m')}\n${routedTo(['slow'])}`;
    await withService(yaml, async (app) => {
      const answer = await app.post('/alert', { labels: { alertname: 'Slow' } });
      expect(answer.status).toBe(500);
      expect(answer.body.error).toBe('1 action failed: slow: no result within 1000 ms');
    });
  });

  it('keeps a fixed share of a flood of output without newlines, and says how much it dropped', async () => {
    const yaml = `actions:\n${shell('flood', 'head -c 5000000 /dev/zero | tr "\\\\0" a')}\n${routedTo(['flood'])}`;
    await withService(yaml, async (app) => {
      const answer = await app.post('/alert', { labels: { alertname: 'Flood' } });
      expect(answer.status).toBe(200);
      const record = await app.service.store.getNotification(String(answer.body.id));
      const attempt = record!.jobs.find((j) => j.action === 'flood')!.attempts[0]!;
      const dropped = Number(/; (\d+) bytes of output dropped$/.exec(attempt.detail ?? '')?.[1]);
      // 16 KiB logged as it came, the last 4 KiB kept: the rest of the 5 MB is only counted.
      expect(dropped).toBe(5_000_000 - 16 * 1024 - 4 * 1024);
      const logged = app.logs.filter((l) => l.message === 'command output').map((l) => String(l.line));
      expect(logged.join('')).toBe('a'.repeat(16 * 1024));
      expect(app.logs.find((l) => l.message === 'command output truncated')).toMatchObject({
        stream: 'stdout',
        bytes: 5_000_000,
        droppedBytes: dropped,
      });
    });
  });

  it('gives a label holding a NUL byte to the command with U+FFFD in its place, and says so', async () => {
    const yaml = `actions:\n  record: { type: exec, cmd: "${node}", args: ["${scripts}/record-env.mjs", "${file('nul.json')}"] }\n${routedTo(['record'])}`;
    await withService(yaml, async (app) => {
      const answer = await app.post('/alert', { labels: { alertname: 'Nul', pod: 'web\u0000-1', 'we\u0000ird': 'x' } });
      expect(answer.status).toBe(200);
      const { env } = JSON.parse(readFileSync(file('nul.json'), 'utf8')) as { env: Record<string, string> };
      expect(env.AMX_LABEL_pod).toBe('web\uFFFD-1');
      expect(env.AMX_LABEL_we_ird).toBe('x');
      expect(app.logs.find((l) => l.message === 'command environment changed to be representable')).toBeDefined();
    });
  });

  describe('an environment larger than the system allows (E2BIG)', () => {
    // 700 alerts with a 4 KiB label each: about 2.8 MB of AMX_ variables, past Linux's 2 MiB.
    const huge = Array.from({ length: 700 }, (_, i) => ({ labels: { alertname: 'Huge', seq: String(i), blob: 'x'.repeat(4000) } }));
    const record = (fields: string): string =>
      `actions:\n  record: { type: exec, cmd: "${node}", args: ["${scripts}/record-env.mjs", "${file('huge.json')}"]${fields} }\n${routedTo(['record'])}`;

    it('answers 400 before the answer, not a 500 Alertmanager would retry forever', async () => {
      await withService(record(''), async (app) => {
        const answer = await app.post('/alert', huge);
        expect(answer.status).toBe(400);
        expect(String(answer.body.error)).toMatch(
          /^1 action failed: record: cannot run .*: its environment \(\d+ variables, \d+ bytes, from the notification's alerts\) is more than the system lets a command have \(E2BIG\)/,
        );
        const stored = await app.service.store.getNotification(
          String((await app.service.store.listNotifications({ limit: 1 })).records[0]!.id),
        );
        expect(stored!.jobs.find((j) => j.action === 'record')!.state).toBe('failed');
        expect(existsSync(file('huge.json'))).toBe(false);
      });
    });

    it('fails a queued command for good at once, with the reason', async () => {
      await withService(record(', notify_on_failure: false'), async (app) => {
        const answer = await app.post('/alert', huge);
        expect(answer.status).toBe(200);
        const job = (await app.untilDone(String(answer.body.id))).jobs.find((j) => j.action === 'record')!;
        expect(job.state).toBe('failed');
        expect(job.attempts).toHaveLength(1);
        expect(job.attempts[0]!.error).toContain('(E2BIG); no retry can change that');
      });
    });
  });
});
