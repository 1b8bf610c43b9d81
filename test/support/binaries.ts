import { accessSync, constants } from 'node:fs';
import path from 'node:path';

const INSTALL_HINT = 'install them with: sudo apt-get install prometheus prometheus-alertmanager';

/** Finds an executable on PATH. */
export function findBinary(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * Whether tests that need these binaries can run. Without them, a developer's run skips those
 * tests and says how to install them; under CI (CI set) a missing binary is a failure, never a skip.
 */
export function binariesAvailable(...names: string[]): { available: boolean; reason: string } {
  const missing = names.filter((name) => findBinary(name) === undefined);
  if (missing.length === 0) return { available: true, reason: '' };
  const reason = `${missing.join(', ')} not found; ${INSTALL_HINT}`;
  if (process.env.CI) throw new Error(`CI must run the tests that need ${reason}`);
  console.warn(`skipping: ${reason}`);
  return { available: false, reason };
}
