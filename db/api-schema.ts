/**
 * Tables the HTTP API owns: who may call it (api_keys), what they did (audit_events, hash-chained), the
 * money-moving requests it accepted (invoice_requests, payments, promises, disputes), the archive of closed
 * invoice workflows, and outbound webhook subscriptions. Money is integer minor units with its ISO 4217
 * currency; every instant is timestamptz (UTC).
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, char, check, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const apiRoles = ['admin', 'ops', 'collector', 'compliance', 'integrator'] as const;
export type ApiRole = (typeof apiRoles)[number];

/**
 * API keys. The secret is shown once at creation; only its SHA-256 is stored. Keys are 256-bit random, so a
 * fast hash is enough (no password stretching needed) and lets every request authenticate in microseconds.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    /** Public part of the key (`dm_<id>_<secret>`): finds the row without scanning hashes. */
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    role: text('role', { enum: apiRoles }).notNull(),
    secretHash: text('secret_hash').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
    revokedAt: instant('revoked_at'),
    lastUsedAt: instant('last_used_at'),
  },
  (t) => [check('api_keys_role_known', sql`${t.role} in ('admin', 'ops', 'collector', 'compliance', 'integrator')`)],
);

/**
 * Append-only, hash-chained record of every mutating call: each row holds the hash of the previous one, so
 * editing or deleting any row breaks the chain (`dunmore audit verify`). A trigger (migration
 * 0004_audit_append_only) refuses UPDATE and DELETE; `audit_head` remembers the last hash so a deleted tail shows too.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    at: instant('at').notNull(),
    /** API key id and name (`key_ab12 (erp-sync)`), or `cli:<user>` for the command line. */
    actor: text('actor').notNull(),
    role: text('role').notNull(),
    /** e.g. `invoice.create`, `payment.record`, `debtor.event`. */
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    /** What was asked (validated request body) and the essential outcome. */
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull(),
    requestId: text('request_id'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('audit_events_target_idx').on(t.targetType, t.targetId), index('audit_events_at_idx').on(t.at), uniqueIndex('audit_events_hash_idx').on(t.hash)],
);

/** One row: the chain's current end. Updated in the same transaction as each append. */
export const auditHead = pgTable('audit_head', {
  id: integer('id').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
});

/**
 * Invoice creation requests, keyed by the ERP's external id: replaying the same body returns the same result,
 * a different body for the same id is a conflict naming the fields that differ.
 */
export const invoiceRequests = pgTable('invoice_requests', {
  externalId: text('external_id').primaryKey(),
  /** sha256 of the canonical JSON of the validated body. */
  requestHash: text('request_hash').notNull(),
  request: jsonb('request').$type<Record<string, unknown>>().notNull(),
  response: jsonb('response').$type<Record<string, unknown>>().notNull(),
  workflowId: text('workflow_id').notNull(),
  runId: text('run_id').notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: instant('created_at').notNull().defaultNow(),
});

/** Payments as received; idempotent by (invoice, reference). The workflow applies them to the balance. */
export const payments = pgTable(
  'payments',
  {
    invoiceExternalId: text('invoice_external_id').notNull(),
    reference: text('reference').notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    receivedOn: date('received_on', { mode: 'string' }),
    recordedBy: text('recorded_by').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.invoiceExternalId, t.reference] }),
    check('payments_amount_positive', sql`${t.amountMinor} > 0`),
    check('payments_currency_iso4217', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

export const promises = pgTable(
  'promises',
  {
    id: text('id').primaryKey(),
    invoiceExternalId: text('invoice_external_id').notNull(),
    payBy: date('pay_by', { mode: 'string' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }),
    recordedBy: text('recorded_by').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [index('promises_invoice_idx').on(t.invoiceExternalId)],
);

export const disputes = pgTable(
  'disputes',
  {
    id: text('id').primaryKey(),
    invoiceExternalId: text('invoice_external_id').notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }),
    reason: text('reason'),
    status: text('status', { enum: ['open', 'upheld', 'rejected', 'credit'] }).notNull(),
    creditMinor: bigint('credit_minor', { mode: 'number' }),
    openedBy: text('opened_by').notNull(),
    resolvedBy: text('resolved_by'),
    openedAt: instant('opened_at').notNull().defaultNow(),
    resolvedAt: instant('resolved_at'),
  },
  (t) => [index('disputes_invoice_idx').on(t.invoiceExternalId)],
);

/**
 * Closed invoice workflows, kept after Temporal's retention: the full history (Temporal's JSON export, replayable)
 * and the decision log (the workflow's timeline) with the final state.
 */
export const workflowArchives = pgTable(
  'workflow_archives',
  {
    workflowId: text('workflow_id').primaryKey(),
    runId: text('run_id').notNull(),
    invoiceExternalId: text('invoice_external_id').notNull(),
    status: text('status').notNull(),
    closedAt: instant('closed_at'),
    finalState: jsonb('final_state').$type<Record<string, unknown>>().notNull(),
    timeline: jsonb('timeline').$type<Array<Record<string, unknown>>>().notNull(),
    historyJson: text('history_json').notNull(),
    historySha256: text('history_sha256').notNull(),
    eventCount: integer('event_count').notNull(),
    archivedAt: instant('archived_at').notNull().defaultNow(),
  },
  (t) => [index('workflow_archives_closed_idx').on(t.closedAt), uniqueIndex('workflow_archives_invoice_idx').on(t.invoiceExternalId)],
);

export const webhookEventTypes = ['message.sent', 'invoice.escalated', 'invoice.paid', 'invoice.disputed', 'promise.broken'] as const;

/** Where integrators want events delivered; each delivery is signed with HMAC-SHA256 of the body under `secret`. */
export const webhookSubscriptions = pgTable('webhook_subscriptions', {
  id: text('id').primaryKey(),
  url: text('url').notNull(),
  /** Shared secret for the `Dunmore-Signature` header; shown once at creation. */
  secret: text('secret').notNull(),
  events: text('events').array().notNull(),
  active: boolean('active').notNull().default(true),
  createdBy: text('created_by').notNull(),
  createdAt: instant('created_at').notNull().defaultNow(),
});
