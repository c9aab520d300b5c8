/**
 * The relational side of Dunmore. Temporal holds each invoice's live state; Postgres holds what must be
 * listed, reported, audited and kept after Temporal's retention. Money is integer minor units with its
 * ISO 4217 currency; every instant is timestamptz (UTC).
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, char, check, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const debtors = pgTable('debtors', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** IANA zone used for every quiet-hours and send-window decision. */
  timeZone: text('time_zone').notNull(),
  locale: text('locale').notNull().default('en-US'),
  segment: text('segment').notNull(),
  /**
   * Facts the compliance engine needs about the debtor and how we may reach them (compliance/ `context`):
   * state, city, debtor type, numbers with their types, emails with their basis, consents, location evidence.
   */
  complianceContext: jsonb('compliance_context').$type<Record<string, unknown>>().notNull().default({}),
  /** Further zones the debtor may be in (area code, address): contact must be convenient in all of them. */
  candidateTimeZones: text('candidate_time_zones').array().notNull().default([]),
  createdAt: instant('created_at').notNull().defaultNow(),
  updatedAt: instant('updated_at').notNull().defaultNow(),
});

export const invoices = pgTable(
  'invoices',
  {
    /** The invoice's id in the customer's ERP; the workflow id is `invoice-<externalId>`. */
    externalId: text('external_id').primaryKey(),
    debtorId: text('debtor_id')
      .notNull()
      .references(() => debtors.id),
    currency: char('currency', { length: 3 }).notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    balanceMinor: bigint('balance_minor', { mode: 'number' }).notNull(),
    issuedOn: date('issued_on', { mode: 'string' }).notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    status: text('status').notNull(),
    policyId: text('policy_id').notNull(),
    policyVersion: integer('policy_version').notNull(),
    nextActionAt: instant('next_action_at'),
    /**
     * The workflow's own summary (what its state query answers), written in the same workflow task as the
     * change: the API reads invoice state here instead of querying the worker. Null for rows written before.
     */
    summary: jsonb('summary'),
    /** Timeline length at the write: a retried older write never overwrites a newer one. */
    syncedSeq: integer('synced_seq').notNull().default(0),
    runId: text('run_id'),
    createdAt: instant('created_at').notNull().defaultNow(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('invoices_debtor_idx').on(t.debtorId),
    index('invoices_status_next_action_idx').on(t.status, t.nextActionAt),
    // The list's order (GET /v1/invoices): next action first, unscheduled last, then by id for the cursor.
    index('invoices_next_action_order_idx').on(t.nextActionAt.asc().nullsLast(), t.externalId),
    check('invoices_amount_nonnegative', sql`${t.amountMinor} >= 0`),
    check('invoices_currency_iso4217', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

/**
 * The outbox: one row per message Dunmore intends to send, keyed by the idempotency key
 * (workflow id + step id + attempt window). Written before the send and marked after, so a retried or
 * replayed activity finds the row and never sends twice. Keeps the rendered content and its hash for audit.
 */
export const messages = pgTable(
  'messages',
  {
    idempotencyKey: text('idempotency_key').primaryKey(),
    workflowId: text('workflow_id').notNull(),
    invoiceExternalId: text('invoice_external_id').notNull(),
    debtorId: text('debtor_id').notNull(),
    stepId: text('step_id').notNull(),
    channel: text('channel', { enum: ['email', 'sms'] }).notNull(),
    recipient: text('recipient').notNull(),
    /** sending → sent → delivered | undelivered | failed (SMS callbacks); failed also when the provider refused. */
    status: text('status', { enum: ['sending', 'sent', 'delivered', 'undelivered', 'failed'] }).notNull(),
    /** Email Message-ID or Twilio message SID. */
    providerMessageId: text('provider_message_id'),
    subject: text('subject'),
    bodyText: text('body_text').notNull(),
    bodyHtml: text('body_html'),
    contentHash: text('content_hash').notNull(),
    /** Invoices this message speaks for: more than one when several of a debtor's steps were consolidated. */
    coversInvoices: text('covers_invoices').array().notNull(),
    policyId: text('policy_id').notNull(),
    policyVersion: integer('policy_version').notNull(),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    createdAt: instant('created_at').notNull().defaultNow(),
    sentAt: instant('sent_at'),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('messages_debtor_created_idx').on(t.debtorId, t.createdAt),
    index('messages_provider_id_idx').on(t.providerMessageId),
    index('messages_workflow_idx').on(t.workflowId),
  ],
);

/** Delivery reports from the SMS provider, kept as received (append-only). */
export const smsDeliveryEvents = pgTable(
  'sms_delivery_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    providerMessageId: text('provider_message_id').notNull(),
    status: text('status').notNull(),
    errorCode: text('error_code'),
    payload: text('payload').notNull(),
    receivedAt: instant('received_at').notNull().defaultNow(),
  },
  (t) => [index('sms_delivery_events_message_idx').on(t.providerMessageId)],
);

/**
 * Work for humans: escalations and call tasks. The id is derived from the workflow, step and tier, so a retried
 * activity finds the task it already created.
 */
export const escalations = pgTable(
  'escalations',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['escalation', 'call_task'] }).notNull(),
    workflowId: text('workflow_id').notNull(),
    invoiceExternalId: text('invoice_external_id').notNull(),
    debtorId: text('debtor_id').notNull(),
    stepId: text('step_id').notNull(),
    queue: text('queue').notNull(),
    tier: integer('tier').notNull(),
    /** 1 is most urgent. */
    priority: integer('priority').notNull(),
    reason: text('reason').notNull(),
    dueBy: instant('due_by').notNull(),
    /** For call tasks: when the compliance gate allows the call, in UTC. */
    allowedFrom: instant('allowed_from'),
    allowedUntil: instant('allowed_until'),
    status: text('status', { enum: ['open', 'claimed', 'resolved', 'superseded'] }).notNull(),
    claimedBy: text('claimed_by'),
    outcome: text('outcome'),
    note: text('note'),
    createdAt: instant('created_at').notNull().defaultNow(),
    resolvedAt: instant('resolved_at'),
  },
  (t) => [index('escalations_queue_status_idx').on(t.queue, t.status, t.priority, t.dueBy), index('escalations_workflow_idx').on(t.workflowId)],
);

/**
 * The contact ledger: every attempt to reach a debtor, on any channel, by any invoice's workflow or by a
 * collector. One row per attempt and attributed debt (a call about two invoices is two rows sharing call_id).
 * The compliance gate reads it (7 calls in 7 days, company limits) inside the debtor's row lock.
 */
export const contactAttempts = pgTable(
  'contact_attempts',
  {
    id: text('id').primaryKey(),
    debtorId: text('debtor_id').notNull(),
    /** The invoice (debt) the attempt is attributed to; null = none recorded, counts for every debt. */
    debtId: text('debt_id'),
    at: instant('at').notNull(),
    channel: text('channel', { enum: ['call', 'ringless_voicemail', 'sms', 'email', 'letter', 'social_media', 'in_person'] }).notNull(),
    outcome: text('outcome', { enum: ['placed', 'voicemail', 'conversation', 'email_sent', 'sms_sent', 'letter_sent'] }).notNull(),
    direction: text('direction', { enum: ['outbound', 'inbound'] }).notNull().default('outbound'),
    connected: boolean('connected').notNull().default(true),
    disposition: text('disposition'),
    /** Number, address or a label from the debtor's compliance context. */
    toAddress: text('to_address'),
    addressType: text('address_type'),
    party: text('party'),
    callId: text('call_id'),
    purpose: text('purpose'),
    prerecorded: boolean('prerecorded').notNull().default(false),
    recordedBy: text('recorded_by').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [index('contact_attempts_debtor_at_idx').on(t.debtorId, t.at)],
);

/**
 * What the debtor (or their attorney, or a provider) did that changes how we may contact them: cease,
 * opt-outs, disputes, consents, inconvenient times, wrong numbers… Effective from `at` (receipt).
 * `payload` holds the event's fields as in compliance/ (channel, address, window, days, …).
 */
export const debtorEvents = pgTable(
  'debtor_events',
  {
    id: text('id').primaryKey(),
    debtorId: text('debtor_id').notNull(),
    debtId: text('debt_id'),
    type: text('type').notNull(),
    at: instant('at').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    recordedBy: text('recorded_by').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [index('debtor_events_debtor_at_idx').on(t.debtorId, t.at)],
);

/**
 * Outbound webhook deliveries that succeeded, one row per subscription and event. A retried delivery activity
 * skips the subscriptions already served, so an integrator receives each event once per subscription.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    subscriptionId: text('subscription_id').notNull(),
    /** Stable per event: workflow id + timeline position. Sent as the `Dunmore-Delivery` header. */
    deliveryId: text('delivery_id').notNull(),
    eventType: text('event_type').notNull(),
    statusCode: integer('status_code').notNull(),
    deliveredAt: instant('delivered_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.subscriptionId, t.deliveryId] })],
);

/**
 * The webhook outbox: invoice events written in the same transaction as the invoice mirror (one row per event
 * that has at least one subscriber), delivered by the worker's dispatcher. Per-subscription success is kept in
 * webhook_deliveries, so a retry serves only the subscribers that have not acknowledged the event.
 */
export const webhookOutbox = pgTable(
  'webhook_outbox',
  {
    /** Workflow id + timeline position: stable per event, the `Dunmore-Delivery` header. */
    deliveryId: text('delivery_id').primaryKey(),
    eventType: text('event_type').notNull(),
    invoiceExternalId: text('invoice_external_id').notNull(),
    occurredAt: instant('occurred_at').notNull(),
    /** The JSON body POSTed to subscribers. */
    payload: jsonb('payload').notNull(),
    /** pending → delivered, or failed after the last attempt. */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: instant('next_attempt_at').notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: instant('created_at').notNull().defaultNow(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('webhook_outbox_due_idx').on(t.status, t.nextAttemptAt),
    check('webhook_outbox_status', sql`${t.status} in ('pending', 'delivered', 'failed')`),
  ],
);
