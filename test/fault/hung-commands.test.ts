import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startChildService, type ChildService } from '../support/child-service.js';
import { reportFigure } from '../support/figures.js';
import { startHttpStandIn, type HttpStandIn } from '../support/http-stand-in.js';
import { alive, until } from '../support/until.js';

// Commands that never end, each starting a background child of its own, run by the real CLI.
// `--stress-compaction` makes every garbage collection a full one, as a long-running process
// eventually does: the condition under which the old timeouts were collected and never fired.
const HUNG = 20;
let receiver: HttpStandIn;
let dir: string;

beforeAll(async () => {
  receiver = await startHttpStandIn(() => ({ status: 200, body: 'ok' }));
  dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-hung-'));
});
afterAll(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

function configFile(name: string): { file: string; pids: string } {
  const pids = path.join(dir, `${name}.pids`);
  const hang = `echo $$ >> ${pids}; sleep 1000 & echo $! >> ${pids}; wait`;
  const file = path.join(dir, `${name}.yml`);
  writeFileSync(
    file,
    [
      'actions:',
      `  hung: { type: exec, cmd: /bin/sh, args: ["-c", ${JSON.stringify(hang)}], notify_on_failure: false, timeout: 1s }`,
      `  hung-before-ack: { type: exec, cmd: /bin/sh, args: ["-c", ${JSON.stringify(hang)}], timeout: 10m }`,
      `  receiver: { type: webhook, url: "${receiver.url}/${name}", timeout: 5s }`,
      'routes:',
      '  - matchers: [\'kind="hung"\']',
      '    actions: [hung]',
      '  - matchers: [\'kind="hung-before-ack"\']',
      '    actions: [hung-before-ack]',
      '  - matchers: [\'kind="normal"\']',
      '    actions: [receiver]',
      'server:',
      // The before-ack commands are bounded by this: far longer than the shutdown may take.
      '  request_timeout: 5m',
      'delivery:',
      `  data_dir: ${path.join(dir, `${name}-data`)}`,
      '  shutdown_grace: 1s',
      '',
    ].join('\n'),
  );
  return { file, pids };
}

const post = (url: string, labels: Record<string, string>): Promise<Response> =>
  fetch(`${url}/alert`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ labels }),
    signal: AbortSignal.timeout(60_000),
  });

const pidsIn = (file: string): number[] =>
  existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map(Number) : [];

describe('hung commands', () => {
  it(`keeps delivering with ${HUNG} hung commands: each is killed with its children at its timeout and its slot freed`, async () => {
    const { file, pids } = configFile('slots');
    const child: ChildService = await startChildService({ configFile: file, port: await freePort(), nodeArgs: ['--stress-compaction'] });
    try {
      for (let i = 0; i < HUNG; i++) expect((await post(child.url, { alertname: 'Hung', kind: 'hung', seq: String(i) })).status).toBe(200);
      const sent = Date.now();
      for (let i = 0; i < 5; i++) expect((await post(child.url, { alertname: 'Normal', kind: 'normal', seq: String(i) })).status).toBe(200);
      // Before the fix: never (every slot held by a command until it ended by itself, 1000 s).
      await until(() => receiver.requests.filter((r) => r.url === '/slots').length === 5, 60_000, 'the 5 other notifications delivered');
      const deliveredAfterMs = Date.now() - sent;
      await until(() => pidsIn(pids).length === 2 * HUNG, 30_000, 'every hung command started');
      await until(() => pidsIn(pids).every((pid) => !alive(pid)), 30_000, 'every command and background child gone');
      reportFigure('hung commands', {
        hung: HUNG,
        slots: 16,
        deliveredOthersAfterMs: deliveredAfterMs,
        processesLeft: pidsIn(pids).filter(alive).length,
      });
      expect(child.process.exitCode).toBeNull();
    } finally {
      child.process.kill('SIGKILL');
    }
  }, 120_000);

  it('ends on SIGTERM while commands hang, queued and before the answer, and leaves none of them running', async () => {
    const { file, pids } = configFile('term');
    const child: ChildService = await startChildService({ configFile: file, port: await freePort(), nodeArgs: ['--stress-compaction'] });
    try {
      for (let i = 0; i < 16; i++) expect((await post(child.url, { alertname: 'Hung', kind: 'hung', seq: String(i) })).status).toBe(200);
      const waiting = [0, 1].map((i) =>
        post(child.url, { alertname: 'Hung', kind: 'hung-before-ack', seq: String(i) }).then(
          (r) => r.status,
          () => 'no answer',
        ),
      );
      await until(() => pidsIn(pids).length >= 2 * 18, 30_000, 'the 16 queued and 2 before-ack commands started');
      const signalled = Date.now();
      child.process.kill('SIGTERM');
      // Before the fix: the process stayed up as long as the commands did (1000 s, or the 5 min cap).
      const exit = await Promise.race([child.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 20_000))]);
      const exitedAfterMs = Date.now() - signalled;
      const answers = await Promise.all(waiting);
      await until(() => pidsIn(pids).every((pid) => !alive(pid)), 10_000, 'every command and background child gone');
      reportFigure('SIGTERM with hung commands', {
        exit,
        exitedAfterMs,
        beforeAckAnswers: answers,
        processesLeft: pidsIn(pids).filter(alive).length,
      });
      expect(exit).toBe(0);
      // Each waiting sender got an answer it can act on (a 500 to send again), not a dropped connection.
      expect(answers).toEqual([500, 500]);
    } finally {
      child.process.kill('SIGKILL');
      for (const pid of pidsIn(pids)) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 120_000);
});
