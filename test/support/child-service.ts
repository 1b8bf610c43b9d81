import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ChildService {
  readonly url: string;
  readonly process: ChildProcess;
  /** Every line the process wrote to stdout and stderr. */
  readonly output: string[];
  /** Resolves with the exit code (or signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
}

/** A free loopback port, so a restarted service can come back where its senders expect it. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Runs the real CLI (`alertpipe -f FILE -l 127.0.0.1:PORT`) as a child process, as an operator
 * would, so that tests can kill it with SIGKILL or SIGTERM. Resolves once it listens.
 */
export async function startChildService(options: {
  configFile: string;
  port: number;
  env?: NodeJS.ProcessEnv;
  nodeArgs?: string[];
}): Promise<ChildService> {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--import', 'tsx', 'src/app/cli.ts', '-f', options.configFile, '-l', `127.0.0.1:${options.port}`],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH, LOG_LEVEL: 'info', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  const collect = (chunk: Buffer): void => {
    output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const deadline = Date.now() + 20_000;
  while (!output.some((line) => line.includes('alertpipe listening'))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`alertpipe did not start:\n${output.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url: `http://127.0.0.1:${options.port}`, process: child, output, exited };
}
