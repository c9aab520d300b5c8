/**
 * What the invoice workflow sends to and receives from its activities. Plain data: it is recorded in workflow
 * histories, so field names are part of the replay contract — add fields, never rename them.
 */
import type { InvoiceState } from '../dunning/invoice-state.js';
import type { MessageChannel } from '../dunning/policy.js';

export interface SendWindowAtSend {
  /** UTC instants bounding the local send window the planner chose; re-checked at the instant of sending. */
  notBefore: string;
  notAfter: string;
  timeZone: string;
}

export interface DebtorMessageBudget {
  maxPerDay?: number;
  maxPerWeek?: number;
  /** Prefer one message listing every due invoice of the debtor over one per invoice. */
  consolidate: boolean;
}

export interface SendMessageInput {
  /** workflow id + step id + attempt window: the outbox key. A retry or replay with it never sends twice. */
  idempotencyKey: string;
  workflowId: string;
  invoiceExternalId: string;
  debtorId: string;
  stepId: string;
  channel: MessageChannel;
  recipient: string;
  template: string;
  locale: string;
  /** The invoice as of this send: the renderer builds the template's context from it. */
  invoiceState: InvoiceState;
  /** The pinned policy version; the worker loads it from the hash-locked catalog and checks the hash. */
  policy: { id: string; version: number; contentHash: string; profile: string; maxSmsSegments: number };
  budget: DebtorMessageBudget;
  window: SendWindowAtSend;
  /**
   * The provider already accepted this message in an earlier attempt that could not record it (the database
   * failed right after): record this id instead of sending again.
   */
  acceptedBefore?: ProviderAcceptance;
  /** The workflow's clock when it asked: the activity's "now" is never earlier (see activityNow). */
  requestedAt?: string;
  /**
   * The invoice's mirror write as it will be once this message has gone out (this step done, the next action,
   * the `message.sent` webhook event without the provider's answer). The activity makes it right after the
   * outbox row says `sent`, completing the event with the provider's message id and content hash, and answers
   * `mirrored: true`: the step then costs the workflow one local activity, not a send and a sync. Not made when
   * the message covered other invoices too (the event's wording would differ); the workflow writes it then.
   */
  mirrorIfSent?: InvoiceSyncInput;
}

export interface ProviderAcceptance {
  idempotencyKey: string;
  providerMessageId: string;
}

/** The failure type a send attempt raises when the provider accepted but the outbox could not be updated. */
export const acceptedNotRecorded = 'ProviderAcceptedNotRecorded' as const;
export type AcceptedNotRecorded = typeof acceptedNotRecorded;

/** A compliance decision as the timeline keeps it: enough to explain it, without every finding. */
export interface ComplianceDecisionRecord {
  decision: 'allow' | 'deny' | 'defer';
  until?: string;
  basis: 'law' | 'conservative' | 'policy';
  /** Citations of the rules that decided, e.g. "12 CFR 1006.14(b)(2)(i)(A)". */
  rules: string[];
  reasons: string[];
  ruleVersion: string;
  /** Ledger ids of the attempts the rules counted. */
  counted: string[];
}

export type SendMessageResult =
  | {
      outcome: 'sent';
      idempotencyKey: string;
      providerMessageId: string;
      sentAt: string;
      coversInvoices: string[];
      contentHash: string;
      duplicateSuppressed: boolean;
      compliance?: ComplianceDecisionRecord;
      /** The activity wrote `mirrorIfSent` (see SendMessageInput). */
      mirrored?: boolean;
    }
  /** Another invoice's consolidated message already spoke for this one today. */
  | { outcome: 'covered'; byIdempotencyKey: string; sentAt: string }
  /** The per-debtor budget is spent, or the compliance gate defers: try again at `until`. */
  | { outcome: 'deferred'; until: string; reason: string; rule: string; compliance?: ComplianceDecisionRecord }
  /** The compliance gate forbids this contact until something changes (cease, opt-out, attorney…). */
  | { outcome: 'denied'; reason: string; rule: string; compliance: ComplianceDecisionRecord }
  /** The send window closed (or has not opened) by the time the activity ran: re-plan. */
  | { outcome: 'held'; reason: string; rule: string }
  /** The provider refused the address for good (invalid number, hard bounce): use the step's fallback. */
  | { outcome: 'failed'; reason: string; errorCode: string };

export interface EscalationInput {
  id: string;
  kind: 'escalation' | 'call_task';
  workflowId: string;
  invoiceExternalId: string;
  debtorId: string;
  stepId: string;
  queue: string;
  tier: number;
  priority: number;
  reason: string;
  dueBy: string;
  allowedFrom?: string;
  allowedUntil?: string;
}

export interface InvoiceMirrorInput {
  externalId: string;
  debtor: { id: string; name: string; timeZone: string; locale: string; segment: string };
  currency: string;
  amountMinor: number;
  balanceMinor: number;
  issuedOn: string;
  dueOn: string;
  status: string;
  policyId: string;
  policyVersion: number;
  nextActionAt: string | null;
}

/** An outbound webhook event, as POSTed to subscribers. */
export interface WebhookEventRecord {
  /** Stable per event (workflow id + timeline position): the `Dunmore-Delivery` header, for receivers to dedupe. */
  deliveryId: string;
  type: 'message.sent' | 'invoice.escalated' | 'invoice.paid' | 'invoice.disputed' | 'promise.broken';
  invoiceId: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/**
 * One write of everything PostgreSQL keeps about an invoice, made by the workflow in the workflow task that
 * changed it: the mirror row with the workflow's summary, the webhook events of the new timeline entries, and,
 * once the invoice is closed, the closing of its open tasks. One transaction, idempotent.
 */
export interface InvoiceSyncInput extends InvoiceMirrorInput {
  workflowId: string;
  /** Timeline length at this write: an older write retried late never overwrites a newer one. */
  seq: number;
  /** What the workflow's state query answers; the API serves reads from it. */
  summary: Record<string, unknown>;
  webhookEvents: WebhookEventRecord[];
  /** Set when the invoice has closed: its open escalations and call tasks are closed with this outcome. */
  closeOpenTasks?: string;
}
