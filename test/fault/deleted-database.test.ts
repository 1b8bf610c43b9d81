import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startChildService, type ChildService } from '../support/child-service.js';
import { reportFigure } from '../support/figures.js';
import { startHttpStandIn, type HttpStandIn } from '../support/http-stand-in.js';
import { alertBody, deliveredSeqs, post, until, writeStoreConfig } from '../support/store-faults.js';

let receiver: HttpStandIn;
let dir: string;

beforeAll(async () => {
  receiver = await startHttpStandIn(() => ({ status: 503, body: 'down' }));
  dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-deleted-'));
});
afterAll(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the database file deleted while alertpipe runs', () => {
  it('writes what it held back to its path, so a restart recovers every acknowledged notification', async () => {
    const dataDir = path.join(dir, 'data');
    const config = writeStoreConfig(
      path.join(dir, 'deleted.yml'),
      dataDir,
      `{ type: webhook, url: "${receiver.url}/deleted", timeout: 2s }`,
    );
    const port = await freePort();
    // The destination is down, so every notification stays in the queue: only the file can keep them.
    let child: ChildService = await startChildService({ configFile: config, port });
    const acked = new Set<number>();
    const refused: number[] = [];
    try {
      for (let seq = 0; seq < 20; seq++) if ((await post(child.url, alertBody('deleted', seq))).status === 200) acked.add(seq);
      unlinkSync(path.join(dataDir, 'alertpipe.db'));
      for (let seq = 20; seq < 40; seq++) {
        const answer = await post(child.url, alertBody('deleted', seq));
        if (answer.status === 200) acked.add(seq);
        else refused.push(answer.status);
      }
      const firstRun = child.output;
      // Killed, not stopped: nothing may depend on a graceful close.
      child.process.kill('SIGKILL');
      await child.exited;

      receiver.respondWith(() => ({ status: 200, body: 'ok' }));
      // Only what the receiver accepted counts; before the restart it refused everything.
      const restartedAt = Date.now();
      const accepted = (): number[] =>
        deliveredSeqs(
          receiver.requests.filter((r) => r.at >= restartedAt),
          'deleted',
        );
      child = await startChildService({ configFile: config, port });
      // Bounded, and not fatal: what is missing after it is the measured loss.
      await until(() => [...acked].every((seq) => accepted().includes(seq)), 20_000, 'every acknowledged notification delivered').catch(
        () => {},
      );
      const delivered = new Set(accepted());
      reportFigure('database file deleted while running', {
        acknowledged: acked.size,
        refusedWith: refused,
        recoveredAfterRestart: [...acked].filter((seq) => delivered.has(seq)).length,
      });
      expect(refused.every((status) => status === 503)).toBe(true);
      expect([...acked].filter((seq) => !delivered.has(seq))).toEqual([]);
      expect(acked.size).toBe(40);
      expect(firstRun.some((line) => line.includes('queue database file removed while running'))).toBe(true);
    } finally {
      receiver.respondWith(() => ({ status: 503, body: 'down' }));
      child.process.kill('SIGKILL');
    }
  }, 120_000);
});
