/**
 * What the invoice workflow sends to and receives from its activities. Plain data: it is recorded in workflow
 * histories, so field names are part of the replay contract — add fields, never rename them.
 */
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
  /** Everything the template may reference (see dunning's render context). */
  renderContext: Record<string, unknown>;
  policy: { id: string; version: number; contentHash: string; profile: string; maxSmsSegments: number };
  budget: DebtorMessageBudget;
  window: SendWindowAtSend;
}

export type SendMessageResult =
  | { outcome: 'sent'; idempotencyKey: string; providerMessageId: string; sentAt: string; coversInvoices: string[]; contentHash: string; duplicateSuppressed: boolean }
  /** Another invoice's consolidated message already spoke for this one today. */
  | { outcome: 'covered'; byIdempotencyKey: string; sentAt: string }
  /** The per-debtor budget is spent: try again at `until`. */
  | { outcome: 'deferred'; until: string; reason: string; rule: string }
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
