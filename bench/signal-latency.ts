/**
 * `signalToEffectMs`: from the promise-to-pay update call to the first state query that shows the promise.
 *
 * Each sample uses its own sleeping invoice (its first step days away), already cached on the worker, as a
 * collector's call against a live invoice would. Samples run one at a time, so this is latency without queueing;
 * the update waits for the handler to run (executeUpdate), so the query normally sees the effect at once — the
 * loop is there so the number means what it says even if it did not.
 */
import type { Client } from '@temporalio/client';
import type { NativeConnection, WorkflowBundle } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { lifecyclePolicy } from '../test/fixtures/compiled-policies.js';
import { invoiceInput, registerDebtors } from '../test/harness/invoices.js';
import type { Stack } from '../test/harness/stack.js';
import { invoiceWorkflow } from '../workflows/invoice/invoice-workflow.js';
import { invoiceWorkflowId, promiseToPayUpdate, stateQuery } from '../workflows/invoice/messages.js';
import { percentile, runPool, waitUntil } from './stats.js';
import { startBenchWorker } from './invoice-worker.js';

export interface SignalLatencyResult {
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

export async function measureSignalToEffect(options: {
  stack: Stack;
  client: Client;
  connection: NativeConnection;
  invoiceBundle: WorkflowBundle;
  samples: number;
  tag: string;
}): Promise<SignalLatencyResult> {
  const { stack, client } = options;
  const zone = 'America/New_York';
  const policy = lifecyclePolicy();
  const ids = Array.from({ length: options.samples + 5 }, (_, i) => `${options.tag}-sig${i}`);
  await registerDebtors(stack.database.db, ids, zone);
  const taskQueue = `${options.tag}-signal`;
  const { worker, close } = await startBenchWorker({
    connection: options.connection,
    namespace: stack.namespace,
    taskQueue,
    workflowBundle: options.invoiceBundle,
    databaseUrl: stack.databaseUrl,
    email: stack.email,
    sms: stack.sms,
  });
  const payBy = DateTime.now().setZone(zone).plus({ days: 7 }).toISODate()!;
  const latencies: number[] = [];
  try {
    await worker.runUntil(async () => {
      // Due in 20 days: the first step (due −10 d) is 10 days away, so every invoice sleeps on a timer.
      await runPool(ids.length, 20, async (i) => {
        const handle = await client.workflow.start(invoiceWorkflow, { taskQueue, workflowId: invoiceWorkflowId(ids[i]!), args: [invoiceInput({ id: ids[i]!, zone, dueInDays: 20, policy })] });
        await waitUntil(`invoice ${ids[i]} planned`, async () => ((await handle.query(stateQuery)).nextAction ? true : undefined), 60_000);
      });
      for (const [i, id] of ids.entries()) {
        const handle = client.workflow.getHandle(invoiceWorkflowId(id));
        const promiseId = `P-${i}`;
        const started = performance.now();
        await handle.executeUpdate(promiseToPayUpdate, { args: [{ promiseId, payBy, actor: 'bench' }] });
        await waitUntil(`promise ${promiseId} visible`, async () => ((await handle.query(stateQuery)).promise?.promiseId === promiseId ? true : undefined), 30_000, 5);
        // The first five are warm-up (connection, code paths); they are not counted.
        if (i >= 5) latencies.push(performance.now() - started);
      }
      // Leave nothing running on the server for the next phase's numbers.
      await runPool(ids.length, 20, async (i) => void (await client.workflow.getHandle(invoiceWorkflowId(ids[i]!)).terminate('benchmark done')));
    });
  } finally {
    await close();
  }
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies), samples: latencies.length };
}
