import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startChildService, type ChildService } from '../support/child-service.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { reportFigure } from '../support/figures.js';
import { startStreamingStandIn, type StreamingStandIn } from '../support/streaming-stand-in.js';

const MiB = 1024 * 1024;
const NOTIFICATIONS = 5;
// Generous: the service idles near 100 MiB; holding even one whole answer would pass 1 GiB.
const RSS_BOUND = 400 * MiB;

let prometheus: StreamingStandIn;
let slack: FakeSlack;
let dir: string;
let child: ChildService | undefined;

beforeAll(async () => {
  // Every query is answered with 200 MB of series, generated as it is sent.
  prometheus = await startStreamingStandIn({ totalBytes: 200 * MiB });
  slack = await startFakeSlack();
  dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-huge-answer-'));
});
afterAll(async () => {
  child?.process.kill('SIGKILL');
  await prometheus.close();
  await slack.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Resident memory of a process, from the kernel (Linux). */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kib) * 1024;
}

describe('a Prometheus that answers 200 MB', () => {
  it.runIf(process.platform === 'linux')(
    'still delivers every notification with a note, stays up, and keeps its memory bounded',
    async () => {
      const file = path.join(dir, 'alertpipe.yml');
      writeFileSync(
        file,
        [
          'prometheus:',
          `  url: ${prometheus.url}`,
          '  timeout: 30s', // so that the size cap, not a timeout, ends each answer
          'enrichers:',
          '  - name: pod-resources',
          '    timeout: 30s',
          'actions:',
          `  slack: { type: slack, webhook_url: "${slack.url}" }`,
          'routes:',
          '  - actions: [slack]',
          'delivery:',
          `  data_dir: ${path.join(dir, 'data')}`,
          '',
        ].join('\n'),
      );
      child = await startChildService({ configFile: file, port: await freePort() });
      const pid = child.process.pid!;
      await new Promise((resolve) => setTimeout(resolve, 500));
      const atStart = rssOf(pid);

      const started = Date.now();
      for (let n = 0; n < NOTIFICATIONS; n++) {
        // A pod each, so no two notifications share a query through the cache.
        const alert = { labels: { alertname: 'KubePodCrashLooping', namespace: 'shop', pod: `cart-${n}` } };
        const answer = await fetch(`${child.url}/alert`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(alert),
        });
        expect(answer.status).toBe(200);
      }
      let peak = atStart;
      const deadline = started + 60_000;
      while (slack.accepted.length < NOTIFICATIONS) {
        expect(child.process.exitCode, `alertpipe exited:\n${child.output.slice(-5).join('\n')}`).toBeNull();
        peak = Math.max(peak, rssOf(pid));
        expect(peak).toBeLessThan(RSS_BOUND);
        if (Date.now() > deadline) throw new Error(`${slack.accepted.length} of ${NOTIFICATIONS} messages within 60 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const deliveredMs = Date.now() - started;
      for (const message of slack.accepted) {
        const text = message.blocks.map((b) => b.text?.text ?? '').join('\n');
        expect(text).toContain('pod-resources: Prometheus answer larger than 10 MiB (prometheus.max_response_size)');
      }
      expect((await fetch(`${child.url}/healthz`)).status).toBe(200);
      // Each answer was cut off at the cap: the stand-in sent far less than 200 MB for each.
      await Promise.all(prometheus.answers.map((a) => a.finished));
      expect(prometheus.answers.every((a) => a.closedEarly)).toBe(true);
      const sent = prometheus.answers.reduce((sum, a) => sum + a.bytesSent, 0);
      reportFigure('Prometheus answering 200 MB to each query', {
        notifications: NOTIFICATIONS,
        queries: prometheus.answers.length,
        rssAtStartMiB: Math.round(atStart / MiB),
        rssPeakMiB: Math.round(peak / MiB),
        sentPerQueryMiB: Math.round(sent / prometheus.answers.length / MiB),
        deliveredMs,
      });
    },
    90_000,
  );
});
