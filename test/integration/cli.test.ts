import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
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
