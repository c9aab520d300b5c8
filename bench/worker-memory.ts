/**
 * `workerRssMbPer1kCached`: the worker's resident memory per 1,000 sleeping invoice workflows held in its cache.
 *
 * The worker runs alone in a child process (bench/rss-worker.ts) with a prebuilt bundle and a cache larger than
 * the sample. A warm-up batch first loads the workflow sandbox, the activities and the connection pools; the
 * baseline RSS is taken after that (and after a full GC), then N more invoices are started and each runs its
 * first workflow task (plan, mirror row, timer) and goes to sleep in the cache. The RSS difference, over N,
 * times 1,000, is the number. Invoices use the five-step compiled test policy (the shipped B2B policy is the
 * same size in memory: one compiled policy object and a small state per invoice).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { WorkflowBundle } from '@temporalio/worker';
import { projectRoot } from '../embedded/project-root.js';
import { lifecyclePolicy } from '../test/fixtures/compiled-policies.js';
import { invoiceInput, registerDebtors } from '../test/harness/invoices.js';
import type { Stack } from '../test/harness/stack.js';
import { invoiceWorkflow } from '../workflows/invoice/invoice-workflow.js';
import { invoiceWorkflowId } from '../workflows/invoice/messages.js';
import type { RssSample } from './rss-worker.js';
import { runPool, waitUntil, withTimeout } from './stats.js';

export interface WorkerMemoryResult {
  mbPer1kCached: number;
  cachedWorkflows: number;
  baselineRssMb: number;
  loadedRssMb: number;
  heapMbPer1kCached: number;
}

const mb = (bytes: number): number => bytes / 1024 / 1024;

export async function measureWorkerMemory(options: { stack: Stack; client: Client; invoiceBundle: WorkflowBundle; count: number; tag: string }): Promise<WorkerMemoryResult> {
  const { stack, client } = options;
  const zone = 'America/New_York';
  const policy = lifecyclePolicy();
  const warm = 20;
  const ids = Array.from({ length: warm + options.count }, (_, i) => `${options.tag}-rss${i}`);
  await registerDebtors(stack.database.db, ids, zone);
  const bundlePath = path.join(stack.dir, 'invoice-workflows.js');
  writeFileSync(bundlePath, options.invoiceBundle.code);
  const taskQueue = `${options.tag}-rss`;

  const child: ChildProcess = fork(path.join(projectRoot, 'bench', 'rss-worker.ts'), [], {
    cwd: projectRoot,
    execArgv: ['--expose-gc', '--import', 'tsx'],
    env: { ...process.env, ...stack.workerEnv(taskQueue), BUNDLE_PATH: bundlePath, MAX_CACHED_WORKFLOWS: String(ids.length + 100) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the RSS worker exited early (code ${code})`))));
  exited.catch(() => {});
  const nextMessage = <T>(): Promise<T> => Promise.race([new Promise<T>((resolve) => child.once('message', (m) => resolve(m as T))), exited]);
  const measure = async (): Promise<RssSample> => {
    const reply = nextMessage<RssSample>();
    child.send({ type: 'measure' });
    return withTimeout(reply, 30_000, 'an RSS sample');
  };
  const start = (from: number, to: number): Promise<unknown> =>
    runPool(to - from, 20, async (i) => {
      const id = ids[from + i]!;
      await client.workflow.start(invoiceWorkflow, { taskQueue, workflowId: invoiceWorkflowId(id), args: [invoiceInput({ id, zone, dueInDays: 20, policy })] });
    });
  /** Every started invoice is in the cache and no activation is running: all are asleep on their timers. */
  const settled = (expected: number): Promise<RssSample> =>
    waitUntil(`${expected} cached workflows`, async () => {
      const s = await measure();
      return s.cachedWorkflows >= expected && s.inFlightActivations === 0 ? s : undefined;
    }, 300_000, 500);

  try {
    await withTimeout(nextMessage<{ type: string }>(), 120_000, 'the RSS worker start');
    await start(0, warm);
    await settled(warm);
    await new Promise((r) => setTimeout(r, 1_000));
    const baseline = await measure();
    await start(warm, ids.length);
    await settled(ids.length);
    await new Promise((r) => setTimeout(r, 1_000));
    const loaded = await measure();
    const added = loaded.cachedWorkflows - baseline.cachedWorkflows;
    return {
      mbPer1kCached: (mb(loaded.rssBytes - baseline.rssBytes) / added) * 1000,
      cachedWorkflows: added,
      baselineRssMb: mb(baseline.rssBytes),
      loadedRssMb: mb(loaded.rssBytes),
      heapMbPer1kCached: (mb(loaded.heapUsedBytes - baseline.heapUsedBytes) / added) * 1000,
    };
  } finally {
    child.disconnect();
    const gone = new Promise((r) => child.once('exit', r));
    if (child.exitCode === null && (await Promise.race([gone.then(() => true), new Promise((r) => setTimeout(() => r(false), 15_000))])) === false) child.kill('SIGKILL');
    await runPool(ids.length, 20, async (i) => void (await client.workflow.getHandle(invoiceWorkflowId(ids[i]!)).terminate('benchmark done').catch(() => {})));
  }
}
