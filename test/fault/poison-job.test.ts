import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/child-service.js';
import { reportFigure } from '../support/figures.js';
import { alertBody, post, spawnAlertpipe, writeStoreConfig } from '../support/store-faults.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-poison-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('a job that takes the process down with it', () => {
  it('is dead-lettered after the process stopped while it ran 3 times, instead of crash-looping', async () => {
    const runs = path.join(dir, 'runs.txt');
    // Stands for any crash nobody foresaw (an OOM, a native fault): the command kills alertpipe itself.
    const command = `{ type: exec, cmd: /bin/sh, args: ["-c", "echo run >> ${runs}; kill -9 $PPID; sleep 5"], notify_on_failure: false }`;
    const config = writeStoreConfig(path.join(dir, 'poison.yml'), path.join(dir, 'data'), command);
    const port = await freePort();
    const starts: Array<{ listened: boolean; exit: number | string | 'still running' }> = [];
    let survivor: ReturnType<typeof spawnAlertpipe> | undefined;
    try {
      for (let start = 1; start <= 5 && survivor === undefined; start++) {
        const child = spawnAlertpipe(config, port);
        const listened = await child.listening;
        if (start === 1 && listened) expect((await post(child.url, alertBody('poison', 1))).status).toBe(200);
        // A start that survives 5 s past listening has stopped running the job.
        const exit = await Promise.race([
          child.exited,
          new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 5_000)),
        ]);
        starts.push({ listened, exit });
        if (exit === 'still running') survivor = child;
      }
      const ranTimes = existsSync(runs) ? readFileSync(runs, 'utf8').trim().split('\n').length : 0;
      let job: { state?: string; attempts?: Array<{ outcome: string; error?: string }> } = {};
      let deadCounted = '';
      if (survivor) {
        const history = (await (await fetch(`${survivor.url}/api/notifications`)).json()) as {
          notifications: Array<{ actions: (typeof job)[] }>;
        };
        job = history.notifications[0]?.actions[0] ?? {};
        deadCounted =
          (await (await fetch(`${survivor.url}/metrics`)).text()).match(
            /^alertpipe_action_outcomes_total\{[^}]*outcome="dead"\} (\d+)/m,
          )?.[1] ?? '';
      }
      reportFigure('a job that kills the process', {
        starts: starts.length,
        exits: starts.map((s) => s.exit),
        ranTimes,
        jobState: job.state,
        lastError: job.attempts?.at(-1)?.error,
      });
      expect(starts.map((s) => s.exit)).toEqual(['SIGKILL', 'SIGKILL', 'SIGKILL', 'still running']);
      expect(ranTimes).toBe(3);
      expect(job.state).toBe('dead');
      expect(job.attempts?.at(-1)?.error).toBe('the process stopped while this job ran 3 times');
      expect(deadCounted).toBe('1');
    } finally {
      survivor?.process.kill('SIGKILL');
    }
  }, 120_000);
});
