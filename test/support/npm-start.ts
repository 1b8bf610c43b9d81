import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface NpmStarted {
  readonly url: string;
  /** Every line `npm start` and the service wrote. */
  readonly output: string[];
  /** Milliseconds from spawning `npm start` to its first answer on `/healthz`. */
  readonly answeredAfterMs: number;
  stop(): Promise<void>;
}

/**
 * Runs `npm start` as the README says to, in a process group of its own (npm, its shell and node),
 * waits until `/healthz` answers (a bounded wait), and stops the group it started by its pid.
 */
export async function startWithNpm(options: { port: number; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<NpmStarted> {
  const startedAt = Date.now();
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    detached: true,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(options.port), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const collect = (chunk: Buffer): void => void output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    process.kill(-child.pid, 'SIGTERM');
    const timer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = startedAt + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output.join('\n')}`);
    try {
      if ((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })).ok)
        return { url, output, answeredAfterMs: Date.now() - startedAt, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`npm start did not answer /healthz within ${options.timeoutMs ?? 60_000} ms:\n${output.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
