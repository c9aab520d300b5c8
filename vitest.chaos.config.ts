import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * `npm run chaos`: fault tests against real processes (worker SIGKILL, Temporal and PostgreSQL restarts,
 * provider outages, duplicate creations). Each file starts its own stack (test/harness/stack.ts) so it can stop
 * servers without disturbing others; the SIGKILL test (test/workflows/crash.test.ts, also part of `npm test`)
 * runs on the global setup's servers. One file at a time: they stop servers and measure retries in real time,
 * and two cores are not enough to also run them side by side.
 */
export default defineConfig({
  test: {
    ...base.test,
    include: ['test/chaos/**/*.chaos.ts', 'test/workflows/crash.test.ts'],
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 180_000,
  },
});
