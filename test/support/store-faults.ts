import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ChildService } from './child-service.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** A config whose queue lives in `dataDir`, every alert going to `actionYaml` (one action named `out`). */
export function writeStoreConfig(file: string, dataDir: string, actionYaml: string, extra: string[] = []): string {
  writeFileSync(
    file,
    [
      'actions:',
      `  out: ${actionYaml}`,
      'routes:',
      '  - actions: [out]',
      'delivery:',
      `  data_dir: ${dataDir}`,
      '  initial_backoff: 200ms',
      '  shutdown_grace: 1s',
      ...extra,
      '',
    ].join('\n'),
  );
  return file;
}

export const alertBody = (run: string, seq: number, annotation = ''): string =>
  JSON.stringify({ labels: { alertname: 'StoreFault', run, seq: String(seq) }, annotations: { description: annotation } });

export interface PostAnswer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: string;
}

export async function post(url: string, body: string): Promise<PostAnswer> {
  const response = await fetch(`${url}/alert`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text() };
}

export async function readiness(url: string): Promise<{ status: number; body: { failing?: Record<string, string> } }> {
  const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: (await response.json()) as { failing?: Record<string, string> } };
}

export { until } from './until.js';

/** Each seq the receiver got for `run`, once per delivery. */
export function deliveredSeqs(requests: ReadonlyArray<{ url: string; body: string }>, run: string): number[] {
  return requests
    .filter((r) => r.url.startsWith(`/${run}`))
    .flatMap((r) => (JSON.parse(r.body) as { alerts: Array<{ labels: { seq: string } }> }).alerts.map((a) => Number(a.labels.seq)));
}

/**
 * Starts the real CLI like `startChildService`, but hands it back at once: for a process expected
 * to refuse to start, or to die soon after starting. `listening` resolves true once it listens,
 * false if it exits first.
 */
export function spawnAlertpipe(configFile: string, port: number): ChildService & { listening: Promise<boolean> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/cli.ts', '-f', configFile, '-l', `127.0.0.1:${port}`], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let onListening: (up: boolean) => void = () => {};
  const listening = new Promise<boolean>((resolve) => (onListening = resolve));
  const collect = (chunk: Buffer): void => {
    const lines = chunk.toString('utf8').split('\n').filter(Boolean);
    output.push(...lines);
    if (lines.some((line) => line.includes('alertpipe listening'))) onListening(true);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | string>((resolve) =>
    child.once('close', (code, signal) => {
      onListening(false);
      resolve(code ?? signal ?? -1);
    }),
  );
  return { url: `http://127.0.0.1:${port}`, process: child, output, exited, listening };
}
