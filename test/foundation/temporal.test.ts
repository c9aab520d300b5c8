import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundlerOptions } from '../../worker/bundle.js';
import { connectDevServer, createTimeSkippingEnv, uniqueName } from '../harness/temporal.js';
import { balanceLedger, balanceQuery, paymentSignal, waitForDueDate } from '../fixtures/harness-workflows.js';

const workflowsPath = fileURLToPath(new URL('../fixtures/harness-workflows.ts', import.meta.url));

describe('time-skipping test server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('completes a workflow sleeping 30 days, with 30 days elapsed on the server clock', async () => {
    const taskQueue = uniqueName('ts');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath, bundlerOptions });
    const before = await env.currentTimeMs();
    const result = await worker.runUntil(
      env.client.workflow.execute(waitForDueDate, { args: [30], taskQueue, workflowId: uniqueName('due') }),
    );
    expect(result).toBe('due');
    expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(30 * 24 * 3600 * 1000);
  });
});

describe('dev server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await connectDevServer();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a workflow that answers queries and reacts to signals', async () => {
    const taskQueue = uniqueName('dev');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace,
      taskQueue,
      workflowsPath,
      bundlerOptions,
    });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(balanceLedger, { args: [10_000], taskQueue, workflowId: uniqueName('ledger') });
      expect(await handle.query(balanceQuery)).toBe(10_000);
      await handle.signal(paymentSignal, 2_500);
      expect(await handle.query(balanceQuery)).toBe(7_500);
      await handle.signal(paymentSignal, 7_500);
      expect(await handle.result()).toBe(0);
    });
  });
});
