/** Closed invoices reach the archive without anyone reading them: the sweep workflow on a real dev server. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { workflowArchives } from '../../db/api-schema.js';
import { debtors } from '../../db/schema.js';
import { archiveSweep } from '../../workflows/archive/archive-sweep.js';
import { invoiceWorkflow } from '../../workflows/invoice/invoice-workflow.js';
import { invoiceWorkflowId, writeOffUpdate } from '../../workflows/invoice/messages.js';
import { lifecyclePolicy } from '../fixtures/compiled-policies.js';
import { startTestChannels, type TestChannels } from '../harness/channels.js';
import { createTestDatabase } from '../harness/database.js';
import { bundleInvoiceWorkflows, createTestInvoiceWorker } from '../harness/invoice-worker.js';
import { connectDevServer, uniqueName } from '../harness/temporal.js';

describe('archive sweep', () => {
  let env: TestWorkflowEnvironment;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let channels: TestChannels;
  beforeAll(async () => {
    [env, database, channels] = await Promise.all([connectDevServer(), createTestDatabase(), startTestChannels()]);
  });
  afterAll(async () => {
    await Promise.all([env?.teardown(), database?.close(), channels?.close()]);
  });

  it('archives a closed invoice (history, decision log, final state) once, and skips it afterwards', async () => {
    const taskQueue = uniqueName('archive');
    const id = uniqueName('A');
    const due = DateTime.now().plus({ days: 40 }).toISODate()!;
    await database.db.insert(debtors).values({ id: `debtor-${id}`, name: 'Initrode', timeZone: 'UTC', segment: 'smb' });
    const worker = await createTestInvoiceWorker({ env, workflowBundle: await bundleInvoiceWorkflows(), taskQueue, database, channels });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(invoiceWorkflow, {
        taskQueue,
        workflowId: invoiceWorkflowId(id),
        args: [{ invoice: { invoiceId: id, number: id, currency: 'USD', amountMinor: 5_000, issueDate: due, dueDate: due, debtor: { id: `debtor-${id}`, name: 'Initrode', locale: 'en-US', timeZone: 'UTC' } }, policy: { compiled: lifecyclePolicy(), source: 'test' } }],
      });
      await handle.executeUpdate(writeOffUpdate, { args: [{ reason: 'customer insolvent' }] });
      await handle.result();

      // Visibility is eventually consistent: sweep until the closed invoice shows up.
      await vi.waitFor(
        async () => {
          const result = await env.client.workflow.execute(archiveSweep, { taskQueue, workflowId: uniqueName('sweep'), args: [{ closedWithinHours: 1 }] });
          expect(result.archived.concat(result.alreadyArchived > 0 ? [id] : [])).toContain(id);
        },
        { timeout: 30_000, interval: 500 },
      );
      const [row] = await database.db.select().from(workflowArchives).where(eq(workflowArchives.workflowId, invoiceWorkflowId(id)));
      expect(row?.invoiceExternalId).toBe(id);
      expect(row?.eventCount).toBeGreaterThan(5);
      expect((row?.finalState as { status: string }).status).toBe('written-off');
      expect(JSON.stringify(row?.timeline)).toContain('customer insolvent');
      expect(row?.historyJson).toContain('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');

      const again = await env.client.workflow.execute(archiveSweep, { taskQueue, workflowId: uniqueName('sweep'), args: [{ closedWithinHours: 1 }] });
      expect(again.archived).not.toContain(id);
      expect(again.alreadyArchived).toBeGreaterThanOrEqual(1);
    });
  });
});
