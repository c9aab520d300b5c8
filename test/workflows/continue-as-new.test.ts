/**
 * Continue-as-new, on a dev server that suggests it as soon as a run has two events: the invoice carries its
 * state into the next run (steps done, timeline, the mirror keeps up), nothing is sent again, and the next run
 * goes on to its payment.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import { invoices } from '../../db/schema.js';
import { dataDir } from '../../embedded/project-root.js';
import { registerSearchAttributes } from '../../embedded/search-attribute-registration.js';
import { startTemporalDevServer, type RunningDevServer } from '../../embedded/temporal-dev-server.js';
import { createInvoiceWorker } from '../../worker/create-worker.js';
import { invoiceWorkflow } from '../../workflows/invoice/invoice-workflow.js';
import { invoiceWorkflowId, recordPaymentUpdate, stateQuery, timelineQuery } from '../../workflows/invoice/messages.js';
import { startTestChannels, type TestChannels } from '../harness/channels.js';
import { createTestDatabase } from '../harness/database.js';
import { bundleInvoiceWorkflows, plainRenderer } from '../harness/invoice-worker.js';
import { invoiceInput, registerDebtors, shortPolicy, zoneAtNoon } from '../harness/invoices.js';
import { uniqueName } from '../harness/temporal.js';

describe('continue-as-new', () => {
  let server: RunningDevServer;
  let connection: Connection;
  let client: Client;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let channels: TestChannels;

  beforeAll(async () => {
    [server, database, channels] = await Promise.all([
      startTemporalDevServer({ pidDir: path.join(dataDir(), 'pids', 'test-continue-as-new'), dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 2 } }),
      createTestDatabase(),
      startTestChannels({ deliveryOutcome: () => 'delivered' }),
    ]);
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection, namespace: server.namespace });
    await registerSearchAttributes(connection, server.namespace);
  });
  afterAll(async () => {
    await connection?.close();
    await Promise.all([server?.stop(), database?.close(), channels?.close()]);
  });

  it('continues as new after a step, carrying its state; nothing is repeated and the next run is paid', async () => {
    const zone = zoneAtNoon();
    const id = uniqueName('CAN');
    await registerDebtors(database.db, [id], zone);
    const short = shortPolicy('email');
    // A second step a week later keeps the invoice open after the first one, in the run that follows.
    const policy = { ...short, steps: [...short.steps, { ...short.steps[0]!, id: 'follow-up', template: 'follow-up', at: { anchor: 'due' as const, offset: { amount: 7, unit: 'd' as const } } }] };
    const taskQueue = uniqueName('continue-as-new');
    const handle = await client.workflow.start(invoiceWorkflow, { taskQueue, workflowId: invoiceWorkflowId(id), args: [invoiceInput({ id, zone, dueInDays: 0, policy })] });
    const worker = await createInvoiceWorker({
      connection: await NativeConnection.connect({ address: server.address }),
      namespace: server.namespace,
      taskQueue,
      workflowBundle: await bundleInvoiceWorkflows(),
      activities: createActivities({ db: database.db, render: plainRenderer, email: channels.email, sms: channels.sms }),
    });
    await worker.runUntil(async () => {
      await channels.mail.waitFor((m) => m.text.includes(`Invoice ${id}:`));
      // The first run ends in CONTINUED_AS_NEW once the step is done; the workflow id now names the next run.
      const first = client.workflow.getHandle(invoiceWorkflowId(id), handle.firstExecutionRunId);
      await expect.poll(async () => (await first.describe()).status.name, { timeout: 30_000 }).toBe('CONTINUED_AS_NEW');
      const latest = client.workflow.getHandle(invoiceWorkflowId(id));
      const state = await latest.query(stateQuery);
      expect(state.nextAction).toMatchObject({ kind: 'action', stepId: 'follow-up' });
      const timeline = await latest.query(timelineQuery);
      expect(timeline.filter((e) => e.kind === 'sent').map((e) => e.stepId)).toEqual(['email-now']); // carried over
      const [mirror] = await database.db.select().from(invoices).where(eq(invoices.externalId, id));
      expect(mirror?.runId).toBe((await latest.describe()).runId);
      expect(mirror?.nextActionAt?.toISOString()).toBe(new Date((state.nextAction as { at: string }).at).toISOString());
      await latest.executeUpdate(recordPaymentUpdate, { args: [{ reference: `PAY-${id}`, amountMinor: 99_00 }] });
      expect((await latest.result()).status).toBe('paid');
    });
    expect(channels.mail.messages().filter((m) => m.text.includes(`Invoice ${id}:`))).toHaveLength(1);
  });
});
