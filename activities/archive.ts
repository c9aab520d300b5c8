/**
 * Archiving closed invoices: their full history, decision log and final state go to PostgreSQL, so compliance
 * keeps them after Temporal's retention. The sweep finds closed invoice workflows through Temporal's visibility
 * store and archives those not yet archived; it is idempotent and run hourly by a Temporal Schedule.
 */
import type { Client } from '@temporalio/client';
import { Context, heartbeat } from '@temporalio/activity';
import { InvoiceWorkflows } from '../api/services/invoice-workflows.js';
import type { Database } from '../db/client.js';

export interface ArchiveSweepResult {
  examined: number;
  archived: string[];
  alreadyArchived: number;
  failed: Array<{ invoiceId: string; error: string }>;
}

const invoicePrefix = 'invoice-';

export async function sweepClosedInvoices(client: Client, db: Database, options: { closedWithinHours: number; limit: number; taskQueue: string }): Promise<ArchiveSweepResult> {
  const workflows = new InvoiceWorkflows(client, db);
  const since = new Date(Date.now() - options.closedWithinHours * 3600_000).toISOString();
  const result: ArchiveSweepResult = { examined: 0, archived: [], alreadyArchived: 0, failed: [] };
  // Only this deployment's invoices: reading a closed workflow's queries needs workers on its task queue.
  const query = `WorkflowType = 'invoiceWorkflow' AND ExecutionStatus != 'Running' AND CloseTime > '${since}' AND TaskQueue = '${options.taskQueue.replaceAll("'", "")}'`;
  for await (const execution of client.workflow.list({ query })) {
    if (result.examined >= options.limit) break;
    result.examined++;
    const invoiceId = execution.workflowId.slice(invoicePrefix.length);
    try {
      if (await workflows.archived(invoiceId)) {
        result.alreadyArchived++;
        continue;
      }
      await workflows.archive(invoiceId);
      result.archived.push(invoiceId);
    } catch (error) {
      result.failed.push({ invoiceId, error: (error as Error).message });
    }
  }
  return result;
}

export function archiveClosedInvoicesActivity(client: Client | undefined, db: Database): (options?: { closedWithinHours?: number; limit?: number }) => Promise<ArchiveSweepResult> {
  return async function archiveClosedInvoices(options = {}) {
    if (!client) throw new Error('this worker has no Temporal client for archiving; build its activities with one');
    const result = await sweepClosedInvoices(client, db, {
      closedWithinHours: options.closedWithinHours ?? 72,
      limit: options.limit ?? 5000,
      taskQueue: Context.current().info.taskQueue,
    });
    heartbeat(result.examined);
    // A failed archive is retried by the next sweep; say so loudly rather than failing the ones that worked.
    if (result.failed.length > 0 && result.archived.length === 0 && result.alreadyArchived === 0) {
      throw new Error(`archiving failed for every closed invoice examined: ${result.failed.map((f) => `${f.invoiceId}: ${f.error}`).join('; ')}`);
    }
    return result;
  };
}
