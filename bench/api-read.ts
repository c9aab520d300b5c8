/**
 * `apiReadP99Ms`: p99 latency of GET /v1/invoices/:externalId (the invoice-state route, as clients call it: the
 * summary each workflow writes to the PostgreSQL mirror) under concurrent load from autocannon, against the real
 * API app (api/app.ts `buildApp`) listening on 127.0.0.1, with a real API key checked against PostgreSQL on every
 * request. `details.apiRead.strong` measures the same route with `?consistency=strong` (a workflow query through
 * Temporal and the worker) for comparison.
 *
 * 50 sleeping invoices, cached on an in-process worker; 10 connections for `seconds`, each request for a
 * random one of them. Load generator, API and worker share this process and the machine's two cores with
 * Temporal and PostgreSQL: this is the whole stack on one small box, not the API alone.
 */
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { NativeConnection, WorkflowBundle } from '@temporalio/worker';
import autocannon, { type Request as AutocannonRequest } from 'autocannon';
import type * as ApiApp from '../api/app.js';
import type * as ApiKeys from '../api/services/api-keys.js';
import { connectDatabase } from '../db/client.js';
import { PolicyCatalog } from '../dunning/catalog/policy-catalog.js';
import { projectRoot } from '../embedded/project-root.js';
import { lifecyclePolicy } from '../test/fixtures/compiled-policies.js';
import { invoiceInput, registerDebtors } from '../test/harness/invoices.js';
import type { Stack } from '../test/harness/stack.js';
import { invoiceWorkflow } from '../workflows/invoice/invoice-workflow.js';
import { invoiceWorkflowId, stateQuery } from '../workflows/invoice/messages.js';
import { runPool, waitUntil } from './stats.js';
import { startBenchWorker } from './invoice-worker.js';

export interface ApiReadResult {
  p50: number;
  p99: number;
  max: number;
  requestsPerSec: number;
  requests: number;
  connections: number;
  seconds: number;
  errors: number;
  non2xx: number;
  /** The same route with `?consistency=strong`: a workflow query per request. */
  strong: { p50: number; p99: number; requestsPerSec: number; errors: number; non2xx: number };
}

export async function measureApiRead(options: { stack: Stack; client: Client; connection: NativeConnection; invoiceBundle: WorkflowBundle; seconds: number; tag: string }): Promise<ApiReadResult | { notMeasured: string }> {
  // The API is written in parallel with this benchmark: measure it only if its builder is there.
  let api: typeof ApiApp;
  let keys: typeof ApiKeys;
  try {
    [api, keys] = await Promise.all([import('../api/app.js'), import('../api/services/api-keys.js')]);
  } catch (error) {
    return { notMeasured: `not built: api/app.ts could not be loaded (${(error as Error).message})` };
  }
  if (typeof api.buildApp !== 'function') return { notMeasured: 'not built: api/app.ts exports no buildApp' };

  const { stack, client } = options;
  const zone = 'America/New_York';
  const policy = lifecyclePolicy();
  const ids = Array.from({ length: 50 }, (_, i) => `${options.tag}-api${i}`);
  await registerDebtors(stack.database.db, ids, zone);
  const apiDb = connectDatabase(stack.databaseUrl, { max: 10 });
  const taskQueue = `${options.tag}-api`;
  const { worker, close: closeWorker } = await startBenchWorker({
    connection: options.connection,
    namespace: stack.namespace,
    taskQueue,
    workflowBundle: options.invoiceBundle,
    databaseUrl: stack.databaseUrl,
    email: stack.email,
    sms: stack.sms,
  });
  const app = await api.buildApp({
    temporal: client,
    database: apiDb,
    catalog: new PolicyCatalog({ policiesRoot: path.join(projectRoot, 'policies'), templatesRoot: path.join(projectRoot, 'templates') }),
    clock: () => new Date(),
    taskQueue,
  });
  try {
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const { key } = await keys.createApiKey(apiDb.db, { name: 'bench', role: 'collector', createdBy: { id: 'system', name: 'bench', role: 'admin' }, at: new Date() });
    return await worker.runUntil(async () => {
      await runPool(ids.length, 10, async (i) => {
        const handle = await client.workflow.start(invoiceWorkflow, { taskQueue, workflowId: invoiceWorkflowId(ids[i]!), args: [invoiceInput({ id: ids[i]!, zone, dueInDays: 20, policy })] });
        await waitUntil(`invoice ${ids[i]} planned`, async () => ((await handle.query(stateQuery)).nextAction ? true : undefined), 60_000);
      });
      const headers = { authorization: `Bearer ${key}` };
      // Every route answers before the timed run: a 4xx here means the benchmark is wrong, not slow.
      const probe = await fetch(`${url}/v1/invoices/${ids[0]}`, { headers });
      if (probe.status !== 200) throw new Error(`GET /v1/invoices/:externalId answered ${probe.status}: ${await probe.text()}`);
      const source = ((await probe.json()) as { source?: string }).source;
      if (source !== 'mirror') throw new Error(`GET /v1/invoices/:externalId answered from ${source}, not from the mirror`);
      const connections = 10;
      const load = async (query: string) => {
        let n = 0;
        const request = { method: 'GET', headers, setupRequest: (r: AutocannonRequest) => ({ ...r, path: `/v1/invoices/${ids[n++ % ids.length]}${query}` }) };
        await autocannon({ url, connections, duration: 1, requests: [request] }); // warm-up
        return autocannon({ url, connections, duration: options.seconds, requests: [request], timeout: 10 });
      };
      const result = await load('');
      const strong = await load('?consistency=strong');
      await runPool(ids.length, 10, async (i) => void (await client.workflow.getHandle(invoiceWorkflowId(ids[i]!)).terminate('benchmark done')));
      return {
        p50: result.latency.p50,
        p99: result.latency.p99,
        max: result.latency.max,
        requestsPerSec: result.requests.average,
        requests: result.requests.total,
        connections,
        seconds: options.seconds,
        errors: result.errors + result.timeouts,
        non2xx: result.non2xx,
        strong: { p50: strong.latency.p50, p99: strong.latency.p99, requestsPerSec: strong.requests.average, errors: strong.errors + strong.timeouts, non2xx: strong.non2xx },
      };
    });
  } finally {
    await app.close();
    await Promise.all([closeWorker(), apiDb.close()]);
  }
}
