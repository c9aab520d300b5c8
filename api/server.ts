/**
 * The API process: configuration from the environment, connections to Temporal and PostgreSQL, the app, and a
 * graceful stop (stop accepting, finish in-flight requests, then close connections).
 */
import path from 'node:path';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { connectDatabase } from '../db/client.js';
import { PolicyCatalog } from '../dunning/catalog/policy-catalog.js';
import { buildApp, type DunmoreApp } from './app.js';

export interface ApiServerConfig {
  TEMPORAL_ADDRESS: string;
  TEMPORAL_NAMESPACE: string;
  DUNMORE_TASK_QUEUE: string;
  DATABASE_URL: string;
  API_HOST: string;
  API_PORT: number;
  LOG_LEVEL: string;
  TWILIO_AUTH_TOKEN?: string;
  PUBLIC_BASE_URL?: string;
  /** Defaults to ./policies (templates next to it). */
  policiesRoot?: string;
}

export interface RunningApiServer {
  app: DunmoreApp;
  url: string;
  close(): Promise<void>;
}

export async function startApiServer(config: ApiServerConfig): Promise<RunningApiServer> {
  // The Rust core's connection, as the worker uses: it costs the API process less CPU per call than grpc-js.
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const database = connectDatabase(config.DATABASE_URL);
  const catalog = new PolicyCatalog({ policiesRoot: config.policiesRoot ?? path.resolve('policies') });
  const app = await buildApp(
    {
      temporal,
      database,
      catalog,
      clock: () => new Date(),
      taskQueue: config.DUNMORE_TASK_QUEUE,
      ...(config.TWILIO_AUTH_TOKEN ? { twilio: { authToken: config.TWILIO_AUTH_TOKEN, ...(config.PUBLIC_BASE_URL ? { publicBaseUrl: config.PUBLIC_BASE_URL } : {}) } } : {}),
    },
    { logger: { level: config.LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers["x-api-key"]'] } },
  );
  const url = await app.listen({ host: config.API_HOST, port: config.API_PORT });
  return {
    app,
    url,
    async close() {
      await app.close();
      await Promise.allSettled([database.close(), connection.close()]);
    },
  };
}
