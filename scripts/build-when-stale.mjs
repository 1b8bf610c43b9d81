#!/usr/bin/env node
// `npm start` runs the built service; this rebuilds first only when a source file is newer than the
// last successful build, so an unchanged tree starts in well under a second instead of after a full
// `tsc` (about 16 s). `--force` (the `build` script, and so `prepare` at install) always builds.
// Plain JavaScript with no dependencies: it must run where only the production packages are installed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The files whose change makes `dist/` stale: the TypeScript sources and what decides how they compile. */
const INPUT_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];
const SOURCE_DIR = 'src';
/** Written after a successful build, with the time the build started (a file saved during it stays newer). */
export const BUILD_STAMP = path.join('dist', '.build-stamp');

function newestSourceTime(root) {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  walk(path.join(root, SOURCE_DIR));
  for (const file of INPUT_FILES) {
    const full = path.join(root, file);
    if (existsSync(full)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Why `dist/` must be rebuilt, or undefined when it is up to date. */
export function staleReason(root) {
  const stamp = path.join(root, BUILD_STAMP);
  if (!existsSync(stamp)) return 'no build yet';
  return newestSourceTime(root) > statSync(stamp).mtimeMs ? 'sources changed since the last build' : undefined;
}

export function build(root) {
  const startedAt = new Date();
  const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (tsc.status !== 0) return tsc.status ?? 1;
  const stamp = path.join(root, BUILD_STAMP);
  mkdirSync(path.dirname(stamp), { recursive: true });
  writeFileSync(stamp, `${startedAt.toISOString()}\n`);
  utimesSync(stamp, startedAt, startedAt);
  return 0;
}

function main() {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const reason = process.argv.includes('--force') ? 'asked to' : staleReason(root);
  if (!reason) return 0;
  process.stderr.write(`building (${reason})\n`);
  return build(root);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
