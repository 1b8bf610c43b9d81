import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startChildService, type ChildService } from '../support/child-service.js';
import { reportFigure } from '../support/figures.js';

// 700 MB on stdout without a single newline: once a readline crash ("Invalid string length")
// that killed the process, and again on every restart as the recovered job ran the command again.
const FLOOD_BYTES = 700_000_000;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-flood-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The peak resident set of a process, from the kernel's own count. */
function peakRssMiB(pid: number): number {
  const line =
    readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmHWM:')) ?? '';
  return Math.round(Number(/(\d+)/.exec(line)?.[1]) / 1024);
}

describe('a command flooding its output', () => {
  it('keeps the service up with bounded memory and records the job, with what was dropped', async () => {
    const file = path.join(dir, 'flood.yml');
    const flood = `head -c ${FLOOD_BYTES} /dev/zero | tr '\\\\0' a`;
    writeFileSync(
      file,
      [
        'actions:',
        `  flood: { type: exec, cmd: /bin/sh, args: ["-c", "${flood}"], notify_on_failure: false, timeout: 2m }`,
        'routes:',
        '  - actions: [flood]',
        'delivery:',
        `  data_dir: ${path.join(dir, 'data')}`,
        '',
      ].join('\n'),
    );
    const child: ChildService = await startChildService({ configFile: file, port: await freePort() });
    try {
      const baseline = peakRssMiB(child.process.pid!);
      const started = Date.now();
      const answer = await fetch(`${child.url}/alert`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ labels: { alertname: 'Flood' } }),
      });
      expect(answer.status).toBe(200);
      const { id } = (await answer.json()) as { id: string };
      let job: { state: string; attempts: Array<{ detail?: string; error?: string }> } | undefined;
      let healthChecks = 0;
      for (const deadline = Date.now() + 100_000; Date.now() < deadline;) {
        expect((await fetch(`${child.url}/healthz`)).status).toBe(200);
        healthChecks++;
        const record = (await (await fetch(`${child.url}/api/notifications/${id}`)).json()) as {
          notification?: { actions: Array<typeof job & { action: string }> };
        };
        job = record.notification?.actions.find((j) => j?.action === 'flood');
        if (job !== undefined && job.state !== 'running' && job.state !== 'pending') break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const peak = peakRssMiB(child.process.pid!);
      const dropped = Number(/; (\d+) bytes of output dropped$/.exec(job?.attempts[0]?.detail ?? '')?.[1]);
      reportFigure('output flood', {
        bytes: FLOOD_BYTES,
        tookMs: Date.now() - started,
        baselineRssMiB: baseline,
        peakRssMiB: peak,
        droppedBytes: dropped,
        healthChecks,
        state: job?.state,
      });
      expect(job?.state).toBe('succeeded');
      expect(dropped).toBe(FLOOD_BYTES - 20 * 1024);
      expect(child.process.exitCode).toBeNull();
      // Orders of magnitude below the flood itself, whatever the machine: the output is never held.
      expect(peak).toBeLessThan(baseline + 100);
    } finally {
      child.process.kill('SIGKILL');
    }
  }, 150_000);
});
