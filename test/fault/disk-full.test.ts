import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startChildService, type ChildService } from '../support/child-service.js';
import { reportFigure } from '../support/figures.js';
import { startHttpStandIn, type HttpStandIn } from '../support/http-stand-in.js';
import { alertBody, deliveredSeqs, post, readiness, until, writeStoreConfig } from '../support/store-faults.js';

/**
 * A real full disk: the queue on a 4 MiB tmpfs, so that SQLite itself gets ENOSPC and answers
 * SQLITE_FULL. Mounting needs root, which CI has; elsewhere the test says why it cannot run, and
 * under CI it fails rather than skip.
 */
let receiver: HttpStandIn;
let dir: string;
let mountPoint: string;
let mounted = false;
let mountError = '';

beforeAll(async () => {
  receiver = await startHttpStandIn(() => ({ status: 200, body: 'ok' }));
  dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-disk-full-'));
  mountPoint = path.join(dir, 'small-disk');
  mkdirSync(mountPoint);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint], { stdio: 'pipe' });
    mounted = true;
  } catch (error) {
    mountError = String((error as { stderr?: Buffer }).stderr ?? error);
  }
});
afterAll(async () => {
  await receiver.close();
  if (mounted) execFileSync('umount', [mountPoint]);
  rmSync(dir, { recursive: true, force: true });
});

const errorLines = (lines: readonly string[]): number => lines.filter((line) => line.includes('"level":"error"')).length;

describe('the disk under the queue fills up', () => {
  it('stays up, fails readiness with the reason, answers 503 with Retry-After, backs off, and recovers when space returns', async (context) => {
    if (!mounted) {
      if (process.env.CI) throw new Error(`cannot mount a tmpfs (needs root): ${mountError}`);
      context.skip(`cannot mount a tmpfs here (needs root): ${mountError.trim()}`);
    }
    const filler = path.join(mountPoint, 'filler');
    writeFileSync(filler, Buffer.alloc(1_500_000, 1));
    const config = writeStoreConfig(
      path.join(dir, 'full.yml'),
      path.join(mountPoint, 'data'),
      `{ type: webhook, url: "${receiver.url}/full", timeout: 2s }`,
    );
    const port = await freePort();
    const child: ChildService = await startChildService({ configFile: config, port });
    try {
      // About 120 KB each in the queue (the request as received and the parsed body): a few dozen fill it.
      const big = 'x'.repeat(60_000);
      const acked = new Set<number>();
      let first: { seq: number; status: number; retryAfter: string | null; body: string } | undefined;
      for (let seq = 0; seq < 200 && first === undefined; seq++) {
        const answer = await post(child.url, alertBody('full', seq, big));
        if (answer.status === 200) acked.add(seq);
        else first = { seq, ...answer };
      }
      expect(first).toBeDefined();

      // Three seconds of a full disk, posting and asking for readiness all the while.
      const windowStartLine = child.output.length;
      const statuses: number[] = [];
      const readyStatuses: number[] = [];
      let ready = await readiness(child.url);
      for (let seq = 1000; seq < 1030; seq++) {
        const answer = await post(child.url, alertBody('full', seq, big));
        statuses.push(answer.status);
        if (answer.status === 200) acked.add(seq);
        const now = await readiness(child.url);
        readyStatuses.push(now.status);
        if (now.status === 503) ready = now;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const errorsPerSecond = errorLines(child.output.slice(windowStartLine)) / 3;
      const notReadyShare = readyStatuses.filter((status) => status === 503).length / readyStatuses.length;
      const alive = child.process.exitCode === null && child.process.signalCode === null;

      rmSync(filler);
      const freedAt = Date.now();
      await until(async () => (await readiness(child.url)).status === 200, 20_000, 'ready again once space returned');
      const readyAfterMs = Date.now() - freedAt;
      for (let seq = 2000; seq < 2005; seq++) if ((await post(child.url, alertBody('full', seq))).status === 200) acked.add(seq);
      await until(
        () => [...acked].every((seq) => deliveredSeqs(receiver.requests, 'full').includes(seq)),
        30_000,
        'every acknowledged notification delivered',
      );

      reportFigure('disk full under the queue (4 MiB tmpfs)', {
        acknowledgedBeforeFull: first?.seq,
        firstRefusal: `${first?.status} Retry-After ${first?.retryAfter}`,
        whileFull: Object.fromEntries([...new Set(statuses)].map((s) => [s, statuses.filter((x) => x === s).length])),
        errorLinesPerSecond: errorsPerSecond,
        errorMessages: Object.entries(
          child.output
            .slice(windowStartLine)
            .filter((line) => line.includes('"level":"error"'))
            .reduce<Record<string, number>>((counts, line) => {
              const message = String((JSON.parse(line) as { message: string }).message);
              counts[message] = (counts[message] ?? 0) + 1;
              return counts;
            }, {}),
        ),
        readyz: ready.body.failing?.store,
        notReadyShareWhileFull: notReadyShare,
        readyAgainMsAfterSpaceFreed: readyAfterMs,
        acknowledged: acked.size,
        delivered: new Set(deliveredSeqs(receiver.requests, 'full')).size,
      });
      expect(first?.status).toBe(503);
      expect(first?.retryAfter).toMatch(/^\d+$/);
      expect(statuses.every((status) => status === 503 || status === 200)).toBe(true);
      expect(alive).toBe(true);
      // A small write can still find room on a full disk; readiness must say "not ready" nearly throughout.
      expect(notReadyShare).toBeGreaterThanOrEqual(0.8);
      expect(ready.body.failing?.store).toMatch(/full/i);
      // The old loop logged about 670 a second.
      expect(errorsPerSecond).toBeLessThan(5);
    } finally {
      child.process.kill('SIGKILL');
      await child.exited;
    }
  }, 120_000);
});
