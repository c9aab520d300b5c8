/**
 * The Temporal dev server (`temporal server start-dev`) as an embedded default: SQLite-backed when given a
 * file (so a second start resumes every invoice), in memory for tests, with the Web UI when asked.
 */
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';
import getPort from 'get-port';
import { invoiceSearchAttributes } from '../workflows/search-attributes.js';
import { spawnManaged } from './supervisor.js';
import { resolveTemporalBinary, sdkExecutable, type ResolvedBinary } from './temporal-binaries.js';

/** The SDK does not export this type from its index. */
type SearchAttributeKey = ReturnType<typeof defineSearchAttributeKey<SearchAttributeType>>;

export interface DevServerOptions {
  namespace?: string;
  ip?: string;
  /** gRPC port; a free one when omitted. */
  port?: number;
  /** Web UI port; no UI when omitted. */
  uiPort?: number;
  /** SQLite file for durable state; in memory when omitted. */
  dbFile?: string;
  pidDir: string;
  searchAttributes?: readonly SearchAttributeKey[];
  binary?: ResolvedBinary;
  onOutput?: (line: string) => void;
  readyTimeoutMs?: number;
  /** Extra dynamic config, e.g. `{ 'limit.historyCount.suggestContinueAsNew': 2 }` for a test of continue-as-new. */
  dynamicConfig?: Record<string, string | number | boolean>;
}

export interface RunningDevServer {
  address: string;
  namespace: string;
  uiUrl?: string;
  binary: ResolvedBinary;
  stop(): Promise<void>;
}

const typeNames: Record<string, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

function dynamicConfigFlags(config: DevServerOptions['dynamicConfig']): string[] {
  return Object.entries(config ?? {}).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${JSON.stringify(value)}`]);
}

function searchAttributeFlags(keys: readonly SearchAttributeKey[]): string[] {
  return keys.flatMap((key) => ['--search-attribute', `${key.name}=${typeNames[key.type] ?? key.type}`]);
}

async function waitUntilServing(address: string, deadline: number, exited: Promise<unknown>, tail: () => string): Promise<void> {
  let died = false;
  void exited.then(() => {
    died = true;
  });
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (died) throw new Error(`temporal dev server exited during start-up:\n${tail()}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`temporal dev server at ${address} did not become ready: ${String(lastError)}\n${tail()}`);
}

export async function startTemporalDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const namespace = options.namespace ?? 'default';
  const ip = options.ip ?? '127.0.0.1';
  const searchAttributes = options.searchAttributes ?? invoiceSearchAttributes;
  const binary = options.binary ?? resolveTemporalBinary('cli');

  if (binary.source === 'download') {
    // No local binary: let the SDK fetch one (users with internet). It owns the process and its teardown.
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: sdkExecutable(binary),
        namespace,
        ip,
        ...(options.port ? { port: options.port } : {}),
        ...(options.dbFile ? { dbFilename: options.dbFile } : {}),
        ...(options.uiPort ? { ui: true, uiPort: options.uiPort } : {}),
        searchAttributes: [...searchAttributes],
        extraArgs: dynamicConfigFlags(options.dynamicConfig),
      },
    });
    return {
      address: env.address,
      namespace,
      ...(options.uiPort ? { uiUrl: `http://${ip}:${options.uiPort}` } : {}),
      binary,
      stop: () => env.teardown(),
    };
  }

  const port = options.port ?? (await getPort({ host: ip }));
  const args = [
    'server', 'start-dev',
    '--ip', ip,
    '--port', String(port),
    '--namespace', namespace,
    '--log-level', 'warn',
    // WAL with synchronous=normal: committed state survives a crash of the server process, and writes stop
    // waiting on the disk for every event (the default halves workflow throughput on this file).
    ...(options.dbFile ? ['--db-filename', path.resolve(options.dbFile), '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'] : []),
    ...(options.uiPort ? ['--ui-port', String(options.uiPort)] : ['--headless']),
    ...searchAttributeFlags(searchAttributes),
    // The same dynamic config the SDK passes to its own dev servers: Updates (promise-to-pay) need it.
    '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
    ...dynamicConfigFlags(options.dynamicConfig),
  ];
  const child = await spawnManaged('temporal', binary.path, args, {
    pidDir: options.pidDir,
    stopSignal: 'SIGTERM',
    ...(options.onOutput ? { onOutput: options.onOutput } : {}),
  });
  const address = `${ip}:${port}`;
  try {
    await waitUntilServing(address, Date.now() + (options.readyTimeoutMs ?? 60_000), child.exited, child.outputTail);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return {
    address,
    namespace,
    ...(options.uiPort ? { uiUrl: `http://${ip}:${options.uiPort}` } : {}),
    binary,
    stop: () => child.stop(),
  };
}
