import { configDefaults, defineConfig } from 'vitest/config';

const MARIADB_TESTS = 'test/integration/*-mariadb.test.ts';

// Three projects: `unit` (pure functions, CLI, webhook over real HTTPS) runs files in parallel;
// `mariadb` (integration against a real MariaDB server each file starts itself: no control plane);
// `cluster` (test/integration, test/e2e) shares one real control plane per run (global setup)
// and runs its files one at a time, each test in its own namespace.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'test/unit/**/*.test.ts',
            'test/cli/**/*.test.ts',
            'test/webhook/**/*.test.ts',
            'test/install/**/*.test.ts',
          ],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'mariadb',
          include: [MARIADB_TESTS],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'cluster',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          exclude: [...configDefaults.exclude, MARIADB_TESTS],
          globalSetup: ['test/harness/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
