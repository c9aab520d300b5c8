import { Context } from '@temporalio/activity';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { webhookSubscriptions } from '../db/api-schema.js';
import { debtors, escalations, invoices, webhookOutbox } from '../db/schema.js';
import type { InvoiceMirrorInput, InvoiceSyncInput } from './contracts.js';

/** The channel the webhook dispatcher listens on: a new outbox row wakes it at once. */
export const webhookOutboxChannel = 'dunmore_webhook_outbox';

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * Keeps PostgreSQL's copy of an invoice (for listing, reporting and per-debtor coordination) in step with its
 * workflow. Upserts are idempotent, so a retried or replayed call converges on the same row.
 */
export function recordInvoiceActivity(db: Database): (input: InvoiceMirrorInput) => Promise<void> {
  return async function recordInvoice(input) {
    await db.transaction((tx) => upsertMirror(tx, input, {}));
  };
}

/**
 * The one write of an invoice's workflow task (see InvoiceSyncInput): mirror row with the workflow's summary,
 * webhook outbox rows, and the closing of open tasks once the invoice is closed — all or nothing, so a
 * subscriber never hears of a change the mirror does not show, and the reverse. A local activity: it costs the
 * history one marker, where an activity per webhook event cost six events and a workflow task each.
 */
export function syncInvoiceActivity(db: Database): (input: InvoiceSyncInput) => Promise<{ webhookEvents: number }> {
  return async function syncInvoice(input) {
    const runId = currentRunId();
    return db.transaction(async (tx) => {
      await upsertMirror(tx, input, { summary: input.summary, syncedSeq: input.seq, ...(runId ? { runId } : {}) });
      let queued = 0;
      for (const event of input.webhookEvents) {
        // Only events someone subscribed to are kept; with no subscribers the outbox stays empty.
        const inserted = await tx.execute(sql`
          insert into ${webhookOutbox} (delivery_id, event_type, invoice_external_id, occurred_at, payload)
          select ${event.deliveryId}, ${event.type}, ${event.invoiceId}, ${event.occurredAt}::timestamptz,
                 ${JSON.stringify({ id: event.deliveryId, type: event.type, invoiceId: event.invoiceId, occurredAt: event.occurredAt, data: event.data })}::jsonb
          where exists (
            select 1 from ${webhookSubscriptions}
            where ${webhookSubscriptions.active} and (${webhookSubscriptions.events} @> array[${event.type}]::text[] or ${webhookSubscriptions.events} @> array['*']::text[])
          )
          on conflict (delivery_id) do nothing`);
        queued += inserted.count;
      }
      if (queued > 0) await tx.execute(sql`select pg_notify(${webhookOutboxChannel}, '')`);
      if (input.closeOpenTasks) {
        await tx
          .update(escalations)
          .set({ status: 'superseded', outcome: input.closeOpenTasks, resolvedAt: new Date() })
          .where(sql`${escalations.workflowId} = ${input.workflowId} and ${escalations.status} in ('open', 'claimed')`);
      }
      return { webhookEvents: queued };
    });
  };
}

async function upsertMirror(tx: Transaction, input: InvoiceMirrorInput, extra: { summary?: Record<string, unknown>; syncedSeq?: number; runId?: string }): Promise<void> {
  const now = new Date();
  // The debtor's profile belongs to the debtor routes (PUT /v1/debtors/:id): create it if missing, never
  // overwrite it with the copy an invoice carried when it started.
  await tx.insert(debtors).values({ ...input.debtor, createdAt: now, updatedAt: now }).onConflictDoNothing();
  const row = {
    externalId: input.externalId,
    debtorId: input.debtor.id,
    currency: input.currency,
    amountMinor: input.amountMinor,
    balanceMinor: input.balanceMinor,
    issuedOn: input.issuedOn,
    dueOn: input.dueOn,
    status: input.status,
    policyId: input.policyId,
    policyVersion: input.policyVersion,
    nextActionAt: input.nextActionAt ? new Date(input.nextActionAt) : null,
    ...extra,
    updatedAt: now,
  };
  await tx
    .insert(invoices)
    .values({ ...row, createdAt: now })
    .onConflictDoUpdate({
      target: invoices.externalId,
      set: { ...row, createdAt: sql`${invoices.createdAt}` },
      // Writes carry the timeline length; a late retry of an older write changes nothing.
      setWhere: sql`${invoices.syncedSeq} <= ${extra.syncedSeq ?? 0}`,
    });
}

function currentRunId(): string | undefined {
  try {
    return Context.current().info.workflowExecution?.runId;
  } catch {
    return undefined; // outside an activity (tests of the building blocks)
  }
}
