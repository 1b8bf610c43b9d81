import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startChildService, type ChildService } from '../support/child-service.js';
import { reportFigure } from '../support/figures.js';
import { startHttpStandIn, type HttpStandIn } from '../support/http-stand-in.js';
import { until } from '../support/until.js';

const BURST = 1000;
let receiver: HttpStandIn;
let dir: string;

beforeAll(async () => {
  receiver = await startHttpStandIn(() => ({ status: 200, body: 'ok' }));
  dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-crash-'));
});
afterAll(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A config writing the queue to `dataDir` and delivering every alert to the receiver. */
function configFile(name: string, dataDir: string, delayMs = 0, storeThread = false): string {
  const file = path.join(dir, `${name}.yml`);
  writeFileSync(
    file,
    [
      'actions:',
      `  receiver: { type: webhook, url: "${receiver.url}/${name}?delay=${delayMs}", timeout: 5s }`,
      'routes:',
      '  - actions: [receiver]',
      'delivery:',
      `  data_dir: ${dataDir}`,
      '  shutdown_grace: 1s',
      '  initial_backoff: 200ms',
      ...(storeThread ? ['  sqlite_thread: true'] : []),
      '',
    ].join('\n'),
  );
  return file;
}

const body = (run: string, seq: number) => JSON.stringify({ labels: { alertname: 'Burst', run, seq: String(seq) } });

/** Each delivered notification's seq, from the bodies the receiver got for this run. */
function deliveredSeqs(run: string): number[] {
  return receiver.requests
    .filter((r) => r.url.startsWith(`/${run}`))
    .flatMap((r) => (JSON.parse(r.body) as { alerts: Array<{ labels: { seq: string } }> }).alerts.map((a) => Number(a.labels.seq)));
}

/** Sends seqs from `from` with `concurrency` in flight, recording which were acknowledged (2xx), until `stop()` says so. */
async function sendBurst(url: string, run: string, seqs: number[], concurrency: number, onAck: (seq: number) => void): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < seqs.length) {
        const seq = seqs[next++] as number;
        try {
          const response = await fetch(`${url}/alert`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: body(run, seq),
            signal: AbortSignal.timeout(5000),
          });
          if (response.ok) onAck(seq);
        } catch {
          // refused or reset: not acknowledged, as Alertmanager would see it (and retry)
        }
      }
    }),
  );
}

// The run's name prefixes the receiver's paths: neither may begin the other.
describe.each([
  { queue: 'the SQLite queue', run: 'kill', storeThread: false },
  { queue: 'the SQLite queue on its own thread (delivery.sqlite_thread)', run: 'threadkill', storeThread: true },
])('kill -9 in the middle of a burst of 1,000 notifications, $queue', ({ run, storeThread }) => {
  it('delivers every acknowledged notification after a restart on the same DATA_DIR', async () => {
    const dataDir = path.join(dir, `${run}-data`);
    const config = configFile(run, dataDir, 0, storeThread);
    const port = await freePort();
    let child: ChildService | undefined = await startChildService({ configFile: config, port });
    const acked = new Set<number>();
    const seqs = Array.from({ length: BURST }, (_, i) => i);
    try {
      const burst = sendBurst(child.url, run, seqs, 20, (seq) => {
        acked.add(seq);
        if (acked.size === 400) child?.process.kill('SIGKILL');
      });
      await burst;
      expect(await child.exited).toBe('SIGKILL');
      const ackedAtKill = acked.size;
      const deliveredBeforeRestart = new Set(deliveredSeqs(run)).size;

      child = await startChildService({ configFile: config, port });
      const recovered = child.output.find((line) => line.includes('alertpipe listening')) ?? '';
      await until(() => [...acked].every((seq) => deliveredSeqs(run).includes(seq)), 60_000, 'every acknowledged notification delivered');
      const afterRestart = deliveredSeqs(run);
      const missing = [...acked].filter((seq) => !afterRestart.includes(seq));

      // What Alertmanager does next: send again what was not acknowledged.
      await sendBurst(
        child.url,
        run,
        seqs.filter((seq) => !acked.has(seq)),
        20,
        (seq) => acked.add(seq),
      );
      await until(() => new Set(deliveredSeqs(run)).size === BURST, 60_000, 'all 1,000 delivered');
      const all = deliveredSeqs(run);
      reportFigure(`kill -9 during a burst of 1,000 (${run})`, {
        acknowledgedBeforeKill: ackedAtKill,
        deliveredBeforeKill: deliveredBeforeRestart,
        recoveredOnRestart: JSON.parse(recovered.slice(recovered.indexOf('{'))).recovered,
        missingAfterRestart: missing.length,
        deliveredInTheEnd: new Set(all).size,
        duplicates: all.length - new Set(all).size,
      });
      expect(missing).toEqual([]);
      expect(new Set(all).size).toBe(BURST);
    } finally {
      child?.process.kill('SIGKILL');
    }
  }, 180_000);
});

describe('SIGTERM under load', () => {
  it('loses nothing acknowledged: what did not finish within the grace period is delivered after the restart', async () => {
    const dataDir = path.join(dir, 'term-data');
    const config = configFile('term', dataDir);
    const port = await freePort();
    // A slow receiver, so that work is still queued when the signal comes.
    receiver.respondWith(() => ({ status: 200, body: 'ok', delayMs: 20 }));
    let child: ChildService | undefined = await startChildService({ configFile: config, port });
    const acked = new Set<number>();
    try {
      let signalled = false;
      await sendBurst(
        child.url,
        'term',
        Array.from({ length: 500 }, (_, i) => i),
        20,
        (seq) => {
          acked.add(seq);
          if (acked.size === 300 && !signalled) {
            signalled = true;
            child?.process.kill('SIGTERM');
          }
        },
      );
      const exitCode = await child.exited;
      const deliveredAtExit = new Set(deliveredSeqs('term')).size;
      const stopped = child.output.find((line) => line.includes('alertpipe stopped')) ?? '';
      expect(exitCode).toBe(0);

      child = await startChildService({ configFile: config, port });
      await until(
        () => [...acked].every((seq) => deliveredSeqs('term').includes(seq)),
        60_000,
        'every acknowledged notification delivered',
      );
      const all = deliveredSeqs('term');
      reportFigure('SIGTERM under load', {
        acknowledged: acked.size,
        deliveredBeforeExit: deliveredAtExit,
        leftInQueue: JSON.parse(stopped.slice(stopped.indexOf('{'))).unfinished,
        missingAfterRestart: [...acked].filter((seq) => !all.includes(seq)).length,
        duplicates: all.length - new Set(all).size,
      });
    } finally {
      receiver.respondWith(() => ({ status: 200, body: 'ok' }));
      child?.process.kill('SIGKILL');
    }
  }, 180_000);
});
