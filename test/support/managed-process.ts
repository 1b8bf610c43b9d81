import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface ManagedProcess {
  readonly process: ChildProcess;
  /** A private temporary directory, removed on stop. */
  readonly dir: string;
  /** Its last lines of output, for error messages. */
  readonly output: string[];
  stop(): Promise<void>;
}

/**
 * Starts a server binary (Prometheus, Alertmanager) in a temporary directory of its own, waits
 * until `readyUrl` answers 200 (a bounded wait), and stops it by its own pid, then removes the
 * directory. `args` receives the directory so configs and storage can live there.
 */
export async function startManagedProcess(options: {
  binary: string;
  args: (dir: string) => string[];
  readyUrl: string;
  prepare?: (dir: string) => void;
  timeoutMs?: number;
}): Promise<ManagedProcess> {
  const dir = mkdtempSync(path.join(tmpdir(), `alertpipe-${path.basename(options.binary)}-`));
  options.prepare?.(dir);
  const child = spawn(options.binary, options.args(dir), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`${options.binary} exited early:\n${output.slice(-20).join('\n')}`);
    }
    try {
      if ((await fetch(options.readyUrl, { signal: AbortSignal.timeout(1000) })).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${options.binary} not ready within ${options.timeoutMs ?? 30_000} ms:\n${output.slice(-20).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { process: child, dir, output, stop };
}
