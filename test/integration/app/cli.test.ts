import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../support/child-service.js';
import { fixtureText } from '../../support/fixtures.js';

const root = path.resolve(import.meta.dirname, '../../..');

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/app/cli.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
    timeout: 20_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function configFile(text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-cli-'));
  dirs.push(dir);
  const file = path.join(dir, 'alertpipe.yml');
  writeFileSync(file, text);
  return file;
}

describe('alertpipe check-config', () => {
  it('accepts a good file and says what it holds', () => {
    const file = configFile('routes:\n  - actions: [log]\n');
    const result = cli(['check-config', file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('OK (0 actions, 1 routes)');
  });

  it('prints every problem with its path and exits non-zero', () => {
    const file = configFile('server:\n  listen: nowhere\nroutes:\n  - actions: [pager]\n');
    const result = cli(['check-config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('server.listen: expected host:port');
    expect(result.stdout).toBe('');
  });

  it('reports cross-reference problems once the fields themselves are valid', () => {
    const file = configFile('routes:\n  - actions: [pager]\n');
    const result = cli(['check-config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('routes.0.actions.0: no action by that name');
  });

  it('explains a usage mistake', () => {
    const result = cli(['--frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown argument --frobnicate');
    expect(result.stderr).toContain('Usage:');
  });

  it('prints its version', () => {
    expect(cli(['--version']).stdout).toMatch(/^alertpipe \d+\.\d+\.\d+\n$/);
  });
});

describe('alertpipe as prometheus-am-executor', () => {
  it('documents its usage in --help', () => {
    const { stdout, code } = cli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('alertpipe [options] script [args..]');
    expect(stdout).toContain('-l=ADDR');
  });

  it("runs the command on its command line for its integration script's curl -d, listening where -l= says", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-amx-cli-'));
    dirs.push(dir);
    const out = path.join(dir, 'env.json');
    const port = await freePort();
    const record = path.join(root, 'test/support/scripts/record-env.mjs');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/app/cli.ts', `-l=127.0.0.1:${port}`, '-v=false', process.execPath, record, out],
      {
        cwd: root,
        env: { PATH: process.env.PATH, DATA_DIR: dir, LOG_FORMAT: 'json' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const output: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    try {
      const deadline = Date.now() + 20_000;
      while (!output.join('').includes('alertpipe listening')) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`did not start:\n${output.join('')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const answer = await fetch(`http://127.0.0.1:${port}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: fixtureText('amExecutorIntegration'),
      });
      expect(answer.status).toBe(200);
      const { env } = JSON.parse(readFileSync(out, 'utf8')) as { env: Record<string, string> };
      expect(env.AMX_ALERT_1_START).toBe('1460045332');
      expect(env.AMX_ALERT_2_LABEL_instance).toBe('localhost:5678');
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    }
  });
});
