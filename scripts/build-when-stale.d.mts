// Types of scripts/build-when-stale.mjs, for the tests that import it.

/** Where the time of the last successful build is kept, relative to the project's root. */
export const BUILD_STAMP: string;
/** Why `dist/` must be rebuilt, or undefined when it is up to date. */
export function staleReason(root: string): string | undefined;
/** Builds with tsc and, on success, writes the stamp; returns tsc's exit code. */
export function build(root: string): number;
