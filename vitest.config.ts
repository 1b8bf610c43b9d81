import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // The e2e and fault tests start real processes and time-sensitive servers; two cores share them.
    maxWorkers: 2,
  },
});
