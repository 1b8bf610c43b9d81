import { mkdtempSync, mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_STAMP, build, staleReason } from '../../../scripts/build-when-stale.mjs';
import { freePort } from '../../support/child-service.js';
import { startWithNpm } from '../../support/npm-start.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A project of one source file, compiled by the project's own TypeScript. */
function tinyProject(source: string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'alertpipe-build-'));
  dirs.push(root);
  mkdirSync(path.join(root, 'src'));
  writeFileSync(path.join(root, 'src', 'main.ts'), source);
  writeFileSync(
    path.join(root, 'tsconfig.build.json'),
    JSON.stringify({ compilerOptions: { outDir: 'dist', rootDir: 'src', strict: true, types: [] }, include: ['src'] }),
  );
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));
  return root;
}

describe('the build before npm start', () => {
  it('builds when there is no build, then not again until a source file changes', () => {
    const root = tinyProject('export const answer: number = 42;\n');
    expect(staleReason(root)).toBe('no build yet');
    expect(build(root)).toBe(0);
    expect(existsSync(path.join(root, 'dist', 'main.js'))).toBe(true);
    expect(staleReason(root)).toBeUndefined();
    const later = new Date(Date.now() + 5000);
    utimesSync(path.join(root, 'src', 'main.ts'), later, later);
    expect(staleReason(root)).toBe('sources changed since the last build');
  });

  it('a changed tsconfig also makes the build stale', () => {
    const root = tinyProject('export const answer = 42;\n');
    expect(build(root)).toBe(0);
    const later = new Date(Date.now() + 5000);
    utimesSync(path.join(root, 'tsconfig.build.json'), later, later);
    expect(staleReason(root)).toBe('sources changed since the last build');
  });

  it('a failed build leaves no stamp, so the next start tries again instead of running stale code', () => {
    const root = tinyProject('export const answer: number = "forty-two";\n');
    expect(build(root)).not.toBe(0);
    expect(existsSync(path.join(root, BUILD_STAMP))).toBe(false);
    expect(staleReason(root)).toBe('no build yet');
  });
});

describe('npm start on a built tree', () => {
  const dataDirs: string[] = [];
  beforeAll(() => {
    // The tree is built by install (`prepare`); a test run after editing sources builds it once here.
    if (staleReason(ROOT)) expect(build(ROOT)).toBe(0);
  }, 180_000);
  afterAll(() => {
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  function dataDir(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-npm-start-'));
    dataDirs.push(dir);
    return dir;
  }

  it('answers /healthz without building again, and logs JSON when stdout is not a terminal', async () => {
    const started = await startWithNpm({ port: await freePort(), env: { DATA_DIR: dataDir() } });
    try {
      // The bound is generous for a loaded machine; docs/development.md gives the time measured.
      expect(started.answeredAfterMs).toBeLessThan(30_000);
      expect(started.output.join('\n')).not.toContain('building (');
      const listening = started.output.find((line) => line.includes('alertpipe listening'));
      expect(listening && (JSON.parse(listening) as { message: string }).message).toBe('alertpipe listening');
    } finally {
      await started.stop();
    }
  }, 60_000);

  it('LOG_FORMAT=human gives one readable line per event', async () => {
    const started = await startWithNpm({ port: await freePort(), env: { DATA_DIR: dataDir(), LOG_FORMAT: 'human' } });
    try {
      expect(started.output.some((line) => /^\d\d:\d\d:\d\d\.\d{3} info {2}alertpipe listening /.test(line))).toBe(true);
    } finally {
      await started.stop();
    }
  }, 60_000);
});
