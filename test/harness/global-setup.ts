/**
 * One Temporal dev server and one PostgreSQL per test run (starting one per file races on 2 cores).
 * Tests reach them through `inject('temporalAddress')` / `inject('databaseUrl')`.
 * TEST_TEMPORAL_ADDRESS and TEST_DATABASE_URL point the suite at servers you run yourself instead.
 */
import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../embedded/postgres.js';
import { dataDir } from '../../embedded/project-root.js';
import { startTemporalDevServer } from '../../embedded/temporal-dev-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stops: Array<() => Promise<void>> = [];
  const pidDir = path.join(dataDir(), 'pids', 'test');
  // When tests run as root, PostgreSQL runs as the `postgres` user, which must be able to enter this directory.
  const pgParent = mkdtempSync(path.join(os.tmpdir(), 'dunmore-test-pg-'));
  chmodSync(pgParent, 0o755);
  const started = Promise.all([
    process.env.TEST_TEMPORAL_ADDRESS
      ? { address: process.env.TEST_TEMPORAL_ADDRESS, namespace: process.env.TEST_TEMPORAL_NAMESPACE ?? 'default' }
      : startTemporalDevServer({ pidDir, namespace: 'dunmore-test' }).then((s) => (stops.push(s.stop), s)),
    process.env.TEST_DATABASE_URL
      ? { url: process.env.TEST_DATABASE_URL }
      : startEmbeddedPostgres({
          dataDir: path.join(pgParent, 'data'),
          persistent: false,
          // A fixed folder: if this run is SIGKILLed, the next run finds and reaps its PostgreSQL.
          pidDir,
        }).then((s) => (stops.push(s.stop), s)),
  ]);
  let temporal: Awaited<typeof started>[0];
  let postgres: Awaited<typeof started>[1];
  try {
    [temporal, postgres] = await started;
  } catch (error) {
    // Whatever did start must not outlive a failed setup.
    await Promise.allSettled(stops.map((stop) => stop()));
    throw error;
  }
  project.provide('temporalAddress', temporal.address);
  project.provide('temporalNamespace', temporal.namespace);
  project.provide('databaseUrl', postgres.url);
  return async () => {
    await Promise.allSettled(stops.map((stop) => stop()));
  };
}
