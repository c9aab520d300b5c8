import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', '.tools/**', '.data/**', 'scratch/**'],
    // Temporal's native worker must not run in worker threads (sdk-typescript#876); Runtime.install is once per process.
    pool: 'forks',
    maxWorkers: 2,
    globalSetup: ['test/harness/global-setup.ts'],
    setupFiles: ['test/harness/setup-runtime.ts'],
    // Workflow bundling and server start take seconds on 2 cores; these are budgets, not assertions about speed.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
