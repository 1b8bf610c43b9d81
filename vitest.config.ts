import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // The e2e and fault tests start real processes and time-sensitive servers; two cores share them.
    maxWorkers: 2,
    // CI also keeps a machine-readable report, from which .ci/run prints its closing counts.
    ...(process.env.CI ? { reporters: ['default', 'json'], outputFile: { json: 'test-results.json' } } : {}),
  },
});
