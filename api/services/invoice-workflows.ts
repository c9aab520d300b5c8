/**
 * Talking to invoice workflows: updates with their failures mapped to HTTP answers; state from the PostgreSQL
 * mirror the workflow writes, from the running workflow, or, once it has closed, from the archive in PostgreSQL;
 * timeline and history from the running workflow or the archive.
 */
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowExecutionDescription, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { Database } from '../../db/client.js';
import { workflowArchives } from '../../db/api-schema.js';
import { invoices } from '../../db/schema.js';
import { invoiceWorkflowId, stateQuery, timelineQuery, type InvoiceSummary, type TimelineEntry } from '../../workflows/invoice/messages.js';
import { ApiProblem, conflict, notFound } from '../errors.js';

type ArchiveRow = typeof workflowArchives.$inferSelect;

/**
 * How current a read of an open invoice must be. `mirror`: the summary the workflow wrote to PostgreSQL in the
 * workflow task that applied its latest change (one database read; a read after a successful update call sees
 * that update, a signal shows within one workflow task). `strong`: ask the running workflow itself.
 */
export type ReadConsistency = 'mirror' | 'strong';

export interface InvoiceView {
  externalId: string;
  workflowId: string;
  /** Where the answer came from: the mirror row, the live workflow, or the archive after it closed. */
  source: 'mirror' | 'workflow' | 'archive';
  state: InvoiceSummary;
}

const updateFailureStatus: Record<string, { status: number; code: string }> = {
  InvalidInvoiceEvent: { status: 422, code: 'invalid_invoice_event' },
  InvalidArgument: { status: 422, code: 'invalid_argument' },
};

export class InvoiceWorkflows {
  constructor(
    private readonly client: Client,
    private readonly db: Database,
  ) {}

  handle(externalId: string): WorkflowHandle {
    return this.client.workflow.getHandle(invoiceWorkflowId(externalId));
  }

  /** The workflow's description, the archive row when Temporal no longer knows it, or 404. */
  private async locate(externalId: string): Promise<{ description: WorkflowExecutionDescription } | { archive: ArchiveRow }> {
    try {
      return { description: await this.handle(externalId).describe() };
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      const archive = await this.archived(externalId);
      if (archive) return { archive };
      throw notFound('invoice', externalId, 'check the externalId, or create the invoice with POST /v1/invoices');
    }
  }

  async archived(externalId: string): Promise<ArchiveRow | undefined> {
    const [row] = await this.db.select().from(workflowArchives).where(eq(workflowArchives.workflowId, invoiceWorkflowId(externalId)));
    return row;
  }

  async state(externalId: string, consistency: ReadConsistency = 'mirror'): Promise<InvoiceView> {
    const workflowId = invoiceWorkflowId(externalId);
    if (consistency === 'mirror') {
      const mirrored = await this.mirroredSummary(externalId);
      if (mirrored) return { externalId, workflowId, source: 'mirror', state: mirrored };
    }
    const found = await this.locate(externalId);
    if ('description' in found && found.description.status.name === 'RUNNING') {
      return { externalId, workflowId, source: 'workflow', state: await this.handle(externalId).query(stateQuery) };
    }
    const archive = 'archive' in found ? found.archive : await this.archive(externalId, found.description);
    return { externalId, workflowId, source: 'archive', state: archive.finalState as unknown as InvoiceSummary };
  }

  /**
   * The summary an open invoice's workflow last wrote, or undefined when the mirror cannot answer: no row yet (the
   * first workflow task has not run), a row written by code that kept no summary, or a closed invoice, whose
   * record is the archive (the workflow's result, archived on first read if the sweep has not reached it).
   */
  private async mirroredSummary(externalId: string): Promise<InvoiceSummary | undefined> {
    const [row] = await this.db.select({ status: invoices.status, summary: invoices.summary }).from(invoices).where(eq(invoices.externalId, externalId));
    if (!row || row.status !== 'open' || row.summary === null || typeof row.summary !== 'object') return undefined;
    // Written by the workflow from the same value its state query returns.
    return row.summary as InvoiceSummary;
  }

  async timeline(externalId: string): Promise<{ source: 'workflow' | 'archive'; timeline: TimelineEntry[] }> {
    const found = await this.locate(externalId);
    if ('description' in found && found.description.status.name === 'RUNNING') {
      return { source: 'workflow', timeline: await this.handle(externalId).query(timelineQuery) };
    }
    const archive = 'archive' in found ? found.archive : await this.archive(externalId, found.description);
    return { source: 'archive', timeline: archive.timeline as unknown as TimelineEntry[] };
  }

  async history(externalId: string): Promise<{ source: 'workflow' | 'archive'; historyJson: string; sha256: string }> {
    const found = await this.locate(externalId);
    if ('description' in found && found.description.status.name === 'RUNNING') {
      const json = historyToJSON(await this.handle(externalId).fetchHistory());
      return { source: 'workflow', historyJson: json, sha256: sha256(json) };
    }
    const archive = 'archive' in found ? found.archive : await this.archive(externalId, found.description);
    return { source: 'archive', historyJson: archive.historyJson, sha256: archive.historySha256 };
  }

  /**
   * Copies a closed workflow's history, decision log and final state into PostgreSQL (idempotent). The final
   * state is the workflow's result when it completed; otherwise the last state its queries report.
   */
  async archive(externalId: string, description?: WorkflowExecutionDescription): Promise<ArchiveRow> {
    const existing = await this.archived(externalId);
    if (existing) return existing;
    const handle = this.handle(externalId);
    const desc = description ?? (await handle.describe());
    if (desc.status.name === 'RUNNING') throw new Error(`workflow ${desc.workflowId} is still running; only closed invoices are archived`);
    const history = await handle.fetchHistory();
    const historyJson = historyToJSON(history);
    const finalState = desc.status.name === 'COMPLETED' ? ((await handle.result()) as InvoiceSummary) : await handle.query(stateQuery);
    const timeline = await handle.query(timelineQuery);
    const row = {
      workflowId: desc.workflowId,
      runId: desc.runId,
      invoiceExternalId: externalId,
      status: finalState.status ?? desc.status.name.toLowerCase(),
      closedAt: desc.closeTime ?? null,
      finalState: finalState as unknown as Record<string, unknown>,
      timeline: timeline as unknown as Array<Record<string, unknown>>,
      historyJson,
      historySha256: sha256(historyJson),
      eventCount: history.events?.length ?? 0,
    };
    await this.db.insert(workflowArchives).values(row).onConflictDoNothing();
    return (await this.archived(externalId)) ?? { ...row, archivedAt: new Date() };
  }

  /** 409 with the invoice's final state: it is closed and accepts no further messages. */
  private async closed(externalId: string): Promise<ApiProblem> {
    // Temporal has just said the invoice is closed: answer from Temporal or the archive, not a mirror row that may
    // predate the close.
    const view = await this.state(externalId, 'strong');
    return conflict('invoice_closed', `invoice ${externalId} is ${view.state.status}; it accepts no further changes`, { state: view.state });
  }

  /** Sends an update and maps its failures: closed → 409 with final state, rejected → 422 with the reason, unknown → 404. */
  async update<R, A>(externalId: string, update: UpdateDefinition<R, [A]>, args: A): Promise<R> {
    try {
      return await this.handle(externalId).executeUpdate(update, { args: [args] });
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) {
        const cause = error.cause as { type?: string; message?: string } | undefined;
        if (cause?.type === 'InvoiceClosed') throw await this.closed(externalId);
        const mapped = updateFailureStatus[cause?.type ?? ''] ?? { status: 422, code: 'rejected' };
        throw new ApiProblem(mapped.status, mapped.code, `invoice ${externalId} rejected the change: ${cause?.message ?? 'no reason given'}`);
      }
      if (error instanceof WorkflowNotFoundError) {
        // Either no such invoice, or its workflow has completed (Temporal reports both as not found).
        const found = await this.locate(externalId);
        if ('archive' in found || found.description.status.name !== 'RUNNING') throw await this.closed(externalId);
      }
      throw error;
    }
  }

  /** Signals, ignoring workflows that have closed meanwhile (a closed invoice needs no contact restriction). */
  async signalIfOpen<A>(workflowId: string, send: (handle: WorkflowHandle) => Promise<A>): Promise<boolean> {
    try {
      await send(this.client.workflow.getHandle(workflowId));
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }
}

export const sha256 = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;
