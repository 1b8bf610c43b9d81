import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Why the queue's directory could not be used, or `undefined` when it can: it exists as a
 * writable directory, or the nearest directory above it that exists is writable (start-up creates
 * the rest). Checked without creating anything, so `check-config` leaves no trace; it answers for
 * the user running it, which should be the user the service runs as.
 */
export function dataDirProblem(dir: string): string | undefined {
  let current = dir;
  for (;;) {
    const stats = statOrUndefined(current);
    if (stats !== undefined) {
      if (!stats.isDirectory())
        return current === dir ? 'exists and is not a directory' : `cannot be created: ${current} is not a directory`;
      try {
        accessSync(current, constants.W_OK | constants.X_OK);
        return undefined;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'not writable';
        return current === dir
          ? `is not writable by this user (${code})`
          : `cannot be created: ${current} is not writable by this user (${code})`;
      }
    }
    const parent = path.dirname(current);
    if (parent === current) return 'cannot be created: no directory above it exists';
    current = parent;
  }
}

function statOrUndefined(file: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(file);
  } catch (error) {
    // ENOTDIR: something above it is a file; the walk up finds and names it.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}
