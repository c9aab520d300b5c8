import { Context } from '@temporalio/activity';
import { sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { preparedSql, type Runner } from '../db/prepared-statement.js';
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

type SyncValues = MirrorValues & {
  summary: Record<string, unknown>;
  syncedSeq: number;
  runId: string | null;
  /** The webhook events as one JSON array: their count varies, the statement's text does not. */
  events: string;
  workflowId: string;
  closeOutcome: string | null;
  /** Instants compared or cast in SQL reach the driver as given: ISO text (the columns' encoders are not involved). */
  nowIso: string;
};

/**
 * The sync's one statement, built once (db/prepared-statement.ts); with and without the closing of open tasks.
 * Builders are embedded with getSQL(): embedded as themselves they would be parenthesised, which a CTE rejects.
 */
const syncStatement = (closingTasks: boolean) =>
  preparedSql<SyncValues, { queued: number }>((db) => {
    const closeTasks = closingTasks
      ? sql`, closed_tasks as (${db
          .update(escalations)
          .set({ status: 'superseded', outcome: sql`${value('closeOutcome')}`, resolvedAt: sql`${value('nowIso')}::timestamptz` })
          .where(sql`${escalations.workflowId} = ${value('workflowId')} and ${escalations.status} in ('open', 'claimed')`)
          .getSQL()})`
      : sql``;
    const mirror = mirrorUpsert(db, { ...mirrorPlaceholders, summary: value('summary'), syncedSeq: value('syncedSeq'), runId: value('runId') }, value('syncedSeq'));
    return sql`
    with debtor as (${debtorInsert(db, debtorPlaceholders).getSQL()}),
    mirror as (${mirror.getSQL()}),
    queued as (
      -- Only events someone subscribed to are kept; with no subscribers the outbox stays empty.
      insert into ${webhookOutbox} (delivery_id, event_type, invoice_external_id, occurred_at, payload)
      select e.delivery_id, e.event_type, e.invoice_external_id, e.occurred_at, e.payload
      from jsonb_to_recordset(${value('events')}::jsonb)
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
           (select pg_notify(${webhookOutboxChannel}, '') where exists (select 1 from queued)) as notified`;
  });

const invoiceSync = { open: syncStatement(false), closing: syncStatement(true) };

/** The sync's one statement; the send activity makes it too, for the state a sent message leads to. */
export async function writeInvoiceSync(db: Database, input: InvoiceSyncInput): Promise<{ webhookEvents: number }> {
  const events = input.webhookEvents.map((event) => ({
    delivery_id: event.deliveryId,
    event_type: event.type,
    invoice_external_id: event.invoiceId,
    occurred_at: event.occurredAt,
    payload: { id: event.deliveryId, type: event.type, invoiceId: event.invoiceId, occurredAt: event.occurredAt, data: event.data },
  }));
  const statement = input.closeOpenTasks ? invoiceSync.closing : invoiceSync.open;
  const now = new Date();
  const [result] = await statement.run(db, {
    ...mirrorValues(input, now),
    summary: input.summary,
    syncedSeq: input.seq,
    runId: currentRunId() ?? null,
    events: JSON.stringify(events),
    workflowId: input.workflowId,
    closeOutcome: input.closeOpenTasks ?? null,
    nowIso: now.toISOString(),
  });
  return { webhookEvents: result?.queued ?? 0 };
}

type MirrorValues = ReturnType<typeof mirrorValues>;

/** The mirror's and the debtor's columns from the workflow's input, by placeholder name. */
function mirrorValues(input: InvoiceMirrorInput, now: Date) {
  return {
    debtorId: input.debtor.id,
    debtorName: input.debtor.name,
    debtorTimeZone: input.debtor.timeZone,
    debtorLocale: input.debtor.locale,
    debtorSegment: input.debtor.segment,
    externalId: input.externalId,
    currency: input.currency,
    amountMinor: input.amountMinor,
    balanceMinor: input.balanceMinor,
    issuedOn: input.issuedOn,
    dueOn: input.dueOn,
    status: input.status,
    policyId: input.policyId,
    policyVersion: input.policyVersion,
    nextActionAt: input.nextActionAt,
    now,
  };
}

const value = sql.placeholder;
const debtorPlaceholders = { id: value('debtorId'), name: value('debtorName'), timeZone: value('debtorTimeZone'), locale: value('debtorLocale'), segment: value('debtorSegment'), createdAt: value('now'), updatedAt: value('now') };
const mirrorPlaceholders = {
  externalId: value('externalId'),
  debtorId: value('debtorId'),
  currency: value('currency'),
  amountMinor: value('amountMinor'),
  balanceMinor: value('balanceMinor'),
  issuedOn: value('issuedOn'),
  dueOn: value('dueOn'),
  status: value('status'),
  policyId: value('policyId'),
  policyVersion: value('policyVersion'),
  // Cast in SQL, not encoded: drizzle's placeholder filling hands null to the column's encoder, which rejects it.
  nextActionAt: sql`${value('nextActionAt')}::timestamptz`,
  updatedAt: value('now'),
};

type DebtorRow = typeof debtors.$inferInsert;
type MirrorRow = Omit<typeof invoices.$inferInsert, 'createdAt'>;
type Bound<Row> = { [K in keyof Row]: Row[K] | Placeholder | SQL };

/** The debtor's profile belongs to the debtor routes (PUT /v1/debtors/:id): created if missing, never overwritten. */
function debtorInsert(db: Runner, row: Bound<DebtorRow>) {
  return db.insert(debtors).values(row).onConflictDoNothing();
}

function mirrorUpsert(db: Runner, row: Bound<MirrorRow>, syncedSeq: number | Placeholder) {
  return db
    .insert(invoices)
    .values({ ...row, createdAt: row.updatedAt })
    .onConflictDoUpdate({
      target: invoices.externalId,
      set: {
        ...Object.fromEntries(Object.keys(row).map((key) => [key, sql`excluded.${sql.identifier(invoices[key as keyof MirrorRow].name)}`])),
        // A run id is only absent outside an activity (tests of the building blocks): keep the one recorded.
        runId: sql`coalesce(excluded.run_id, ${invoices.runId})`,
      },
      // Writes carry the timeline length; a late retry of an older write changes nothing.
      setWhere: sql`${invoices.syncedSeq} <= ${syncedSeq}`,
    });
}

/** Runs started before the lean-history patch: the mirror row without summary or timeline position. */
async function upsertMirror(tx: Transaction, input: InvoiceMirrorInput): Promise<void> {
  const { debtorId, debtorName, debtorTimeZone, debtorLocale, debtorSegment, now, ...mirror } = mirrorValues(input, new Date());
  await debtorInsert(tx, { id: debtorId, name: debtorName, timeZone: debtorTimeZone, locale: debtorLocale, segment: debtorSegment, createdAt: now, updatedAt: now });
  await mirrorUpsert(tx, { ...mirror, debtorId, nextActionAt: mirror.nextActionAt ? new Date(mirror.nextActionAt) : null, updatedAt: now }, 0);
}

function currentRunId(): string | undefined {
  try {
    return Context.current().info.workflowExecution?.runId;
  } catch {
    return undefined; // outside an activity (tests of the building blocks)
  }
}
