/**
 * Listing invoices from the PostgreSQL mirror (`invoices` joined to `debtors`), not Temporal visibility. The
 * workflow keeps the mirror row current in the task that changes the invoice; days past due is not stored at all
 * but computed by the query in each debtor's own time zone, so it is right today even for an invoice whose
 * workflow is asleep until its next step (a search attribute would only be as fresh as its last wake-up).
 *
 * Pages are keyset pages over (next action, external id): a page never repeats or skips a row because rows were
 * added before it, and the cursor is the last row's sort key, opaque to callers.
 */
import { and, eq, lt, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { debtors, invoices } from '../../db/schema.js';
import { invoiceWorkflowId } from '../../workflows/invoice/messages.js';

export type InvoiceStatusName = 'open' | 'paid' | 'credited' | 'written-off' | 'cancelled';

export interface InvoiceListFilters {
  status?: InvoiceStatusName;
  debtorId?: string;
  policyId?: string;
  /** The debtor's segment as the debtors table holds it (PUT /v1/debtors may have changed it since creation). */
  segment?: string;
  daysPastDueMin?: number;
  daysPastDueMax?: number;
  /** Only invoices with a next action strictly before this instant (none scheduled: not listed). */
  nextActionBefore?: Date;
  limit: number;
  /** Continue after this row (from the previous page's cursor). */
  after?: ListCursor;
}

/** The sort key of the last row of a page. */
export interface ListCursor {
  /** Microsecond-exact UTC instant as PostgreSQL holds it (`YYYY-MM-DDTHH:MM:SS.ffffffZ`), or null: no action scheduled. */
  nextActionAt: string | null;
  externalId: string;
}

/** One mirror row as the list query selects it. */
export interface MirrorListRow {
  externalId: string;
  runId: string | null;
  status: string;
  debtorId: string;
  policyId: string;
  segment: string;
  daysPastDue: number;
  nextActionAt: Date | null;
  /** `nextActionAt` to the microsecond, for the cursor: a JavaScript Date keeps only milliseconds. */
  nextActionKey: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A list entry; the shape Temporal visibility used to answer, so callers see no change. */
export interface InvoiceListEntry {
  externalId: string;
  workflowId: string;
  runId: string;
  workflowStatus: 'RUNNING' | 'COMPLETED';
  invoiceStatus: string;
  debtorId: string;
  policyId: string;
  segment: string;
  daysPastDue: number;
  nextActionAt: string | null;
  startedAt: string;
  closedAt: string | null;
}

export interface InvoiceListPage {
  items: InvoiceListEntry[];
  nextCursor: string | null;
}

// ---- Pure: cursor and row mapping.

const cursorInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export const encodeListCursor = (cursor: ListCursor): string => Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');

/** The cursor, or undefined when the text is not one this API issued (tampered, truncated, from another API). */
export function decodeListCursor(text: string): ListCursor | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { nextActionAt, externalId, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return undefined;
  if (typeof externalId !== 'string' || externalId.length === 0 || externalId.length > 256) return undefined;
  if (nextActionAt === null) return { nextActionAt, externalId };
  if (typeof nextActionAt !== 'string' || !isCalendarInstant(nextActionAt)) return undefined;
  return { nextActionAt, externalId };
}

/** Shape and calendar both: PostgreSQL would reject 2026-02-30 with an error, not a 400. */
function isCalendarInstant(text: string): boolean {
  if (!cursorInstant.test(text)) return false;
  const millis = `${text.slice(0, 23)}Z`;
  const parsed = new Date(millis);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString() === millis;
}

export function toListEntry(row: MirrorListRow): InvoiceListEntry {
  const open = row.status === 'open';
  return {
    externalId: row.externalId,
    workflowId: invoiceWorkflowId(row.externalId),
    // Rows mirrored before run ids were recorded have none; '' keeps the field a string as it always was.
    runId: row.runId ?? '',
    // A closed invoice's workflow has completed (paid, credited, written off and cancelled all return normally).
    workflowStatus: open ? 'RUNNING' : 'COMPLETED',
    invoiceStatus: row.status,
    debtorId: row.debtorId,
    policyId: row.policyId,
    segment: row.segment,
    daysPastDue: row.daysPastDue,
    nextActionAt: row.nextActionAt ? row.nextActionAt.toISOString() : null,
    startedAt: row.createdAt.toISOString(),
    // The mirror's last write of a closed invoice is the one that closed it.
    closedAt: open ? null : row.updatedAt.toISOString(),
  };
}

/** Splits the `limit + 1` rows fetched into the page and the cursor after it (null on the last page). */
export function pageOf(rows: readonly MirrorListRow[], limit: number): InvoiceListPage {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const more = rows.length > limit && last !== undefined;
  return { items: page.map(toListEntry), nextCursor: more ? encodeListCursor({ nextActionAt: last.nextActionKey, externalId: last.externalId }) : null };
}

// ---- Shell: the query.

/**
 * Whole days past due in the debtor's zone: the debtor's local date at `now` minus the due date, never negative.
 * An invoice due today is 0 days past due; at local midnight it becomes 1, whatever the server's zone. A closed
 * invoice stops counting the day it closed (the mirror's last write): how late it was paid, not how long ago.
 */
const daysPastDueAt = (now: Date): SQL<number> =>
  sql<number>`greatest(0, ((case when ${invoices.status} = 'open' then ${now.toISOString()}::timestamptz else ${invoices.updatedAt} end) at time zone ${debtors.timeZone})::date - ${invoices.dueOn})::int`;

/** The microsecond-exact text of next_action_at, independent of the session's DateStyle and TimeZone. */
const nextActionKey = sql<string | null>`to_char(${invoices.nextActionAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Rows after the cursor in (next_action_at asc nulls last, external_id asc) order. */
function afterCursor(cursor: ListCursor): SQL {
  if (cursor.nextActionAt === null) {
    return sql`(${invoices.nextActionAt} is null and ${invoices.externalId} > ${cursor.externalId})`;
  }
  const key = sql`${cursor.nextActionAt}::timestamptz`;
  return sql`(${invoices.nextActionAt} > ${key} or (${invoices.nextActionAt} = ${key} and ${invoices.externalId} > ${cursor.externalId}) or ${invoices.nextActionAt} is null)`;
}

/** One page of mirrored invoices matching every given filter; `now` fixes "today" in each debtor's zone. */
export async function listMirroredInvoices(db: Database, filters: InvoiceListFilters, now: Date): Promise<InvoiceListPage> {
  const daysPastDue = daysPastDueAt(now);
  const conditions: SQL[] = [];
  if (filters.status !== undefined) conditions.push(eq(invoices.status, filters.status));
  if (filters.debtorId !== undefined) conditions.push(eq(invoices.debtorId, filters.debtorId));
  if (filters.policyId !== undefined) conditions.push(eq(invoices.policyId, filters.policyId));
  if (filters.segment !== undefined) conditions.push(eq(debtors.segment, filters.segment));
  if (filters.daysPastDueMin !== undefined) conditions.push(sql`${daysPastDue} >= ${filters.daysPastDueMin}`);
  if (filters.daysPastDueMax !== undefined) conditions.push(sql`${daysPastDue} <= ${filters.daysPastDueMax}`);
  if (filters.nextActionBefore !== undefined) conditions.push(lt(invoices.nextActionAt, filters.nextActionBefore));
  if (filters.after !== undefined) conditions.push(afterCursor(filters.after));
  const rows = await db
    .select({
      externalId: invoices.externalId,
      runId: invoices.runId,
      status: invoices.status,
      debtorId: invoices.debtorId,
      policyId: invoices.policyId,
      segment: debtors.segment,
      daysPastDue,
      nextActionAt: invoices.nextActionAt,
      nextActionKey,
      createdAt: invoices.createdAt,
      updatedAt: invoices.updatedAt,
    })
    .from(invoices)
    .innerJoin(debtors, eq(debtors.id, invoices.debtorId))
    .where(and(...conditions))
    .orderBy(sql`${invoices.nextActionAt} asc nulls last`, sql`${invoices.externalId} asc`)
    .limit(filters.limit + 1);
  return pageOf(rows, filters.limit);
}
