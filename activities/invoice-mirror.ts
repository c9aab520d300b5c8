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
    await db.transaction((tx) => upsertMirror(tx, input));
  };
}

/**
 * The one write of an invoice's workflow task (see InvoiceSyncInput): mirror row with the workflow's summary,
 * webhook outbox rows, and the closing of open tasks once the invoice is closed — all or nothing, so a
 * subscriber never hears of a change the mirror does not show, and the reverse. A local activity: it costs the
 * history one marker, where an activity per webhook event cost six events and a workflow task each.
 *
 * One statement, so one round trip and no BEGIN/COMMIT: the writes are data-modifying CTEs, which PostgreSQL runs
 * atomically (and checks the invoice's foreign key against the debtor row at the end of the statement).
 */
export function syncInvoiceActivity(db: Database): (input: InvoiceSyncInput) => Promise<{ webhookEvents: number }> {
  return async function syncInvoice(input) {
    return writeInvoiceSync(db, input);
  };
}

/** The sync's one statement; the send activity makes it too, for the state a sent message leads to. */
export async function writeInvoiceSync(db: Database, input: InvoiceSyncInput): Promise<{ webhookEvents: number }> {
  const runId = currentRunId();
  const now = new Date();
  const events = input.webhookEvents.map((event) => ({
    delivery_id: event.deliveryId,
    event_type: event.type,
    invoice_external_id: event.invoiceId,
    occurred_at: event.occurredAt,
    payload: { id: event.deliveryId, type: event.type, invoiceId: event.invoiceId, occurredAt: event.occurredAt, data: event.data },
  }));
  const closeTasks = input.closeOpenTasks
    ? sql`, closed_tasks as (${db
        .update(escalations)
        .set({ status: 'superseded', outcome: input.closeOpenTasks, resolvedAt: now })
        .where(sql`${escalations.workflowId} = ${input.workflowId} and ${escalations.status} in ('open', 'claimed')`)
        .getSQL()})`
    : sql``;
  // Builders embedded with getSQL(): embedded as themselves they would be parenthesised, which a CTE rejects.
  const [result] = await db.execute<{ queued: number }>(sql`
    with debtor as (${debtorInsert(db, input, now).getSQL()}),
    mirror as (${mirrorUpsert(db, input, { summary: input.summary, syncedSeq: input.seq, ...(runId ? { runId } : {}) }, now).getSQL()}),
    queued as (
      -- Only events someone subscribed to are kept; with no subscribers the outbox stays empty.
      insert into ${webhookOutbox} (delivery_id, event_type, invoice_external_id, occurred_at, payload)
      select e.delivery_id, e.event_type, e.invoice_external_id, e.occurred_at, e.payload
      from jsonb_to_recordset(${JSON.stringify(events)}::jsonb)
        as e(delivery_id text, event_type text, invoice_external_id text, occurred_at timestamptz, payload jsonb)
      where exists (
        select 1 from ${webhookSubscriptions}
        where ${webhookSubscriptions.active} and (${webhookSubscriptions.events} @> array[e.event_type] or ${webhookSubscriptions.events} @> array['*'])
      )
      on conflict (delivery_id) do nothing
      returning 1
    )${closeTasks}
    select (select count(*)::int from queued) as queued,
           -- Wakes the dispatchers, only when there is something for them.
           (select pg_notify(${webhookOutboxChannel}, '') where exists (select 1 from queued)) as notified`);
  return { webhookEvents: result?.queued ?? 0 };
}

/** The debtor's profile belongs to the debtor routes (PUT /v1/debtors/:id): created if missing, never overwritten. */
function debtorInsert(db: Database | Transaction, input: InvoiceMirrorInput, now: Date) {
  return db.insert(debtors).values({ ...input.debtor, createdAt: now, updatedAt: now }).onConflictDoNothing();
}

function mirrorUpsert(db: Database | Transaction, input: InvoiceMirrorInput, extra: { summary?: Record<string, unknown>; syncedSeq?: number; runId?: string }, now: Date) {
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
  return db
    .insert(invoices)
    .values({ ...row, createdAt: now })
    .onConflictDoUpdate({
      target: invoices.externalId,
      set: { ...row, createdAt: sql`${invoices.createdAt}` },
      // Writes carry the timeline length; a late retry of an older write changes nothing.
      setWhere: sql`${invoices.syncedSeq} <= ${extra.syncedSeq ?? 0}`,
    });
}

async function upsertMirror(tx: Transaction, input: InvoiceMirrorInput): Promise<void> {
  const now = new Date();
  await debtorInsert(tx, input, now);
  await mirrorUpsert(tx, input, {}, now);
}

function currentRunId(): string | undefined {
  try {
    return Context.current().info.workflowExecution?.runId;
  } catch {
    return undefined; // outside an activity (tests of the building blocks)
  }
}
