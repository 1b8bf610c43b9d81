import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { binariesAvailable } from '../support/binaries.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const tools = binariesAvailable('prometheus', 'prometheus-alertmanager');
const scratch = mkdtempSync(path.join(tmpdir(), 'demo-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs `npm run demo`'s script with these arguments and environment; resolves when it exits (bounded). */
function runDemo(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      reject(new Error(`demo still running after ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe.skipIf(!tools.available)('npm run demo', () => {
  it('shows the pod’s alert with every enricher’s findings, ends with the console’s URL of it, then removes everything it made', async () => {
    // Its own TMPDIR, so what the demo leaves behind (nothing, it should be) can be seen.
    const tmp = mkdtempSync(path.join(scratch, 'tmp-'));
    const { code, output } = await runDemo(['--once', '--timeout', '120'], { ...process.env, TMPDIR: tmp }, 150_000);
    expect(code, output).toBe(0);
    // The pod's notification, the last one printed: --once stops at it.
    const pod = output.slice(output.lastIndexOf('──── alertpipe → log action: FIRING KubePodNearMemoryLimit'));
    expect(pod, output).toMatch(/^──── alertpipe → log action: FIRING KubePodNearMemoryLimit/);
    // Each of the six enrichers, from what Prometheus (and Alertmanager) said about the scene.
    expect(pod).toContain('Memory: 481 MiB · 94% of limit 512 MiB'); // pod-resources
    expect(pod).toContain('Node memory: 614 MiB available of 16 GiB'); // node-resources, the pod's node
    expect(pod).toMatch(/Also firing on the node: .*NodeHighMemoryUsage/); // related-alerts
    expect(pod).toMatch(/Restarts: cart \d+ in the last 1h, last OOMKilled \(exit 137\)/); // restarts
    expect(pod).toContain('Workload: Deployment cart (ReplicaSet cart-7d9f8b6c5) · 1 of 3 available'); // workload
    const graph = /Graph \(last hour\): (http:\/\/127\.0\.0\.1:(\d+)\/api\/notifications\/([^/]+)\/graphs\/[0-9a-f]+\.png)/.exec(pod); // graph
    expect(graph, pod).not.toBeNull();
    expect(pod).toMatch(/went Prometheus → Alertmanager → alertpipe in \d+s/);
    // It ends with the console's page of that very notification, which the demo saw in the history first.
    const lines = output.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(
      new RegExp(`the web console, with this notification open: http://127\\.0\\.0\\.1:${graph![2]}/ui/#/n/${graph![3]}$`),
    );
    expect(readdirSync(tmp).filter((name) => name.startsWith('alertpipe-'))).toEqual([]);
  }, 180_000);
});

describe('npm run demo without Prometheus installed', () => {
  it('prints the line that installs them and exits', async () => {
    const { code, output } = await runDemo([], { PATH: path.join(scratch, 'empty-path'), HOME: scratch }, 30_000);
    expect(code).toBe(1);
    expect(output).toContain('sudo apt-get install prometheus prometheus-alertmanager');
    expect(output).toContain('brew install prometheus alertmanager');
  }, 40_000);
});
