/**
 * 10,000 invoice creations arrive at once, every external id four times, in random order: exactly one
 * workflow per external id. The guarantee is Temporal's: the workflow id is `invoice-<externalId>` and the
 * start uses WorkflowIdReusePolicy.REJECT_DUPLICATE (as api/services/invoice-create.ts does), so every start
 * after the first fails with WorkflowExecutionAlreadyStartedError, however the calls race.
 *
 * Through the Temporal client, not the API: this proves the engine-level guarantee the API's create route
 * relies on. The dev server runs in memory here: uniqueness of running workflow ids does not depend on
 * persistence, and 2,500 starts on the SQLite file would only measure its fsyncs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection, WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/client';
import { invoiceWorkflow } from '../../workflows/invoice/invoice-workflow.js';
import { invoiceWorkflowId } from '../../workflows/invoice/messages.js';
import { invoiceInput, shortPolicy, zoneAtNoon } from '../harness/invoices.js';
import { startStack, type Stack } from '../harness/stack.js';
import { uniqueName } from '../harness/temporal.js';
import { sleep } from './helpers.js';

describe('concurrent duplicate creations', () => {
  let stack: Stack;
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    stack = await startStack({ name: 'chaos-duplicates', temporalFile: false });
    connection = await Connection.connect({ address: stack.temporalAddress });
    client = new Client({ connection, namespace: stack.namespace });
  });
  afterAll(async () => {
    await connection?.close();
    await stack?.close();
  });

  it('10,000 creations of 2,500 external ids → exactly one workflow each', async () => {
    const distinct = 2_500;
    const copies = 4;
    const prefix = uniqueName('DUP');
    const taskQueue = `${prefix}-queue`; // no worker: creation is what is under test
    const zone = zoneAtNoon();
    const policy = shortPolicy('email');
    const requests = Array.from({ length: distinct * copies }, (_, i) => `${prefix}-${i % distinct}`);
    // Fisher–Yates with a fixed-seed generator: random order, the same every run.
    let seed = 42;
    const rand = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let i = requests.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [requests[i], requests[j]] = [requests[j]!, requests[i]!];
    }

    const started = new Map<string, string[]>();
    let rejected = 0;
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < requests.length) {
        const id = requests[next++]!;
        try {
          const handle = await client.workflow.start(invoiceWorkflow, {
            taskQueue,
            workflowId: invoiceWorkflowId(id),
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
            args: [invoiceInput({ id, zone, dueInDays: 0, policy })],
          });
          started.set(id, [...(started.get(id) ?? []), handle.firstExecutionRunId]);
        } catch (error) {
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
          rejected++;
        }
      }
    };
    await Promise.all(Array.from({ length: 200 }, lane));

    expect(started.size).toBe(distinct);
    expect([...started.values()].filter((runs) => runs.length !== 1)).toEqual([]);
    expect(rejected).toBe(distinct * (copies - 1));
    // The server agrees: one execution per id (visibility is eventually consistent, so wait for it to catch up).
    const query = `WorkflowId STARTS_WITH "invoice-${prefix}-"`;
    let count = 0;
    for (let i = 0; i < 60 && count < distinct; i++) {
      count = (await client.workflow.count(query)).count;
      if (count < distinct) await sleep(500);
    }
    expect(count).toBe(distinct);
  }, 300_000);
});
