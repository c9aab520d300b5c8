/**
 * The API under test: the real app (`buildApp`) on the run's Temporal dev server and a fresh PostgreSQL database,
 * with a real invoice worker on a private task queue and one API key per role.
 */
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { buildApp, type DunmoreApp } from '../../api/app.js';
import type { AppDeps } from '../../api/deps.js';
import { createApiKey } from '../../api/services/api-keys.js';
import { apiRoles, type ApiRole } from '../../db/api-schema.js';
import { PolicyCatalog } from '../../dunning/catalog/policy-catalog.js';
import { registerSearchAttributes } from '../../embedded/search-attribute-registration.js';
import { startTestChannels, type TestChannels } from '../harness/channels.js';
import { createTestDatabase } from '../harness/database.js';
import { bundleInvoiceWorkflows, createTestInvoiceWorker } from '../harness/invoice-worker.js';
import { connectDevServer, uniqueName } from '../harness/temporal.js';

export const policiesRoot = path.resolve(import.meta.dirname, '../../policies');
export const twilioAuthToken = 'test-auth-token';
export const publicBaseUrl = 'https://dunmore.test.example';

export interface ApiTestEnv {
  app: DunmoreApp;
  /** What `app` was built from: build another app on them to pin its clock. */
  deps: AppDeps;
  env: TestWorkflowEnvironment;
  database: Awaited<ReturnType<typeof createTestDatabase>>;
  channels?: TestChannels;
  keys: Record<ApiRole, string>;
  /** `authorization` header for a role. */
  as(role: ApiRole): { authorization: string };
  close(): Promise<void>;
}

export async function startApiTestEnv(options: { worker?: boolean } = {}): Promise<ApiTestEnv> {
  const [env, database] = await Promise.all([connectDevServer(), createTestDatabase()]);
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  const taskQueue = uniqueName('api-invoices');
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let channels: TestChannels | undefined;
  if (options.worker) {
    channels = await startTestChannels();
    worker = await createTestInvoiceWorker({ env, workflowBundle: await bundleInvoiceWorkflows(), taskQueue, database, channels });
    running = worker.run();
  }
  const deps: AppDeps = {
    temporal: env.client,
    database,
    catalog: new PolicyCatalog({ policiesRoot }),
    clock: () => new Date(),
    taskQueue,
    twilio: { authToken: twilioAuthToken, publicBaseUrl },
  };
  const app = await buildApp(deps);
  const keys = {} as Record<ApiRole, string>;
  for (const role of apiRoles) {
    keys[role] = (await createApiKey(database.db, { name: `test-${role}`, role, createdBy: { id: 'test', name: 'test', role: 'admin' }, at: new Date() })).key;
  }
  return {
    app,
    deps,
    env,
    database,
    ...(channels ? { channels } : {}),
    keys,
    as: (role) => ({ authorization: `Bearer ${keys[role]}` }),
    async close() {
      await app.close();
      worker?.shutdown();
      await running;
      await Promise.allSettled([database.close(), channels?.close(), env.teardown()]);
    },
  };
}

/** A valid invoice body; the due date is far enough ahead that no dunning step runs during a test. */
export function invoiceBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const id = uniqueName('INV');
  const today = new Date();
  const iso = (days: number) => new Date(today.getTime() + days * 86_400_000).toISOString().slice(0, 10);
  return {
    externalId: id,
    currency: 'USD',
    amountMinor: 250_000,
    issueDate: iso(0),
    dueDate: iso(60),
    debtor: { id: `D-${id}`, name: 'Globex LLC', email: `ap-${id}@globex.example`, phone: '+14155550199', locale: 'en-US', timeZone: 'America/New_York', segment: 'midmarket', country: 'US' },
    ...overrides,
  };
}
