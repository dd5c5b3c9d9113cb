import { defineConfig } from 'vitest/config';

// Unit and webhook tests run in parallel; the integration and e2e projects share one real
// control plane per run (test/harness), so they run in a single fork, one file at a time.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
