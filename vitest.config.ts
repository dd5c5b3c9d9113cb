import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure functions, CLI, webhook over real HTTPS) runs files in parallel;
// `cluster` (test/integration, test/e2e) shares one real control plane per run (global setup)
// and runs its files one at a time, each test in its own namespace.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/webhook/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'cluster',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/harness/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
