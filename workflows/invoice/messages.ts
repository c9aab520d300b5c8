/**
 * The invoice workflow's public contract: its input, the messages collectors and integrators send it, and
 * what its queries return. Defined once here; the workflow registers handlers for these constants and the API
 * sends them. Field names are recorded in histories: add fields, never rename them.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ComplianceDecisionRecord } from '../../activities/contracts.js';
import type { InvoiceFacts, InvoiceState } from '../../dunning/invoice-state.js';
import type { NextAction } from '../../dunning/plan.js';
import type { CompiledPolicy } from '../../dunning/policy.js';

export const invoiceWorkflowId = (externalId: string): string => `invoice-${externalId}`;

export interface PinnedPolicy {
  /** The compiled policy the workflow runs: self-contained, with `contentHash`. */
  compiled: CompiledPolicy;
  /** The policy file exactly as published, so the history shows what ops wrote. */
  source: string;
}

export type InvoiceStatus = 'open' | 'paid' | 'credited' | 'written-off' | 'cancelled';

export interface TimelineEntry {
  /** UTC instant of the decision. */
  at: string;
  kind: 'sent' | 'skipped' | 'deferred' | 'denied' | 'held' | 'failed' | 'escalated' | 'task' | 'event' | 'rejected' | 'policy';
  stepId?: string;
  channel?: string;
  /** Plain language: why this happened. */
  reason: string;
  /** The rule that decided: a policy path (`policy.steps.final`), `compliance:<citation>`, or the event type. */
  rule?: string;
  policy: { id: string; version: number };
  /** Provider id, idempotency key, escalation id, actor… */
  detail?: Record<string, string | number | boolean>;
  /** The compliance gate's decision for a contact: citations, basis, reasons, attempts counted. */
  compliance?: ComplianceDecisionRecord;
}

export interface ContactRestrictions {
  ceased: { at: string; source: string } | null;
  /** Channel-wide opt-outs ("email", "sms") and per-address ones ("sms:+14155550142"). */
  optOuts: string[];
}

export interface InvoiceRunState {
  state: InvoiceState;
  policy: PinnedPolicy;
  status: InvoiceStatus;
  timeline: TimelineEntry[];
  contact: ContactRestrictions;
  /** Escalations and call tasks waiting on people. */
  openTasks: Array<{ id: string; kind: 'escalation' | 'call_task' | 'approval'; stepId: string; tier: number; queue: string; dueBy: string }>;
  /** Earliest retry per step after a deferral (budget, compliance). */
  notBefore: Record<string, string>;
  /** SMS that the provider reported as not delivered, whose step's fallback is still owed. */
  pendingFallbacks: Array<{ stepId: string; failedKey: string; notBefore?: string }>;
  /** Idempotency keys of SMS sends, by step, to match delivery reports. */
  smsKeys: Record<string, string>;
}

export interface InvoiceWorkflowInput {
  invoice: InvoiceFacts;
  policy: PinnedPolicy;
  /** Who created the invoice (API key name, import job). */
  createdBy?: string;
  /** Set by continue-as-new: the run carries on from here. */
  resume?: InvoiceRunState;
}

export interface InvoiceSummary {
  invoiceId: string;
  status: InvoiceStatus;
  currency: string;
  amountMinor: number;
  balanceMinor: number;
  dueDate: string;
  policy: { id: string; version: number; contentHash: string };
  nextAction: NextAction | null;
  promise: InvoiceState['promises'][number] | null;
  disputes: InvoiceState['disputes'];
  pause: InvoiceState['pause'];
  contact: ContactRestrictions;
  openTasks: InvoiceRunState['openTasks'];
}

// ---- Updates: validated before anything is written to history; the caller gets the result or the reason.
export interface PromiseToPayArgs { promiseId: string; payBy: string; amountMinor?: number; actor?: string }
export interface RecordPaymentArgs { reference: string; amountMinor: number; actor?: string }
export interface OpenDisputeArgs { disputeId: string; amountMinor?: number; reason?: string; actor?: string }
export interface ResolveDisputeArgs { disputeId: string; outcome: 'upheld' | 'rejected' | 'credit'; creditMinor?: number; actor?: string }
export interface PauseArgs { until?: string; reason?: string; actor?: string }
export interface ResumeArgs { actor?: string }
export interface ChangeDueDateArgs { dueDate: string; reason?: string; actor?: string }
export interface AdjustAmountArgs { reference: string; amountMinor: number; reason?: string; actor?: string }
export interface CloseArgs { reason: string; actor?: string }
export interface MigratePolicyArgs { policy: PinnedPolicy; dryRun: boolean; actor?: string }
export interface MigratePolicyResult { applied: boolean; from: { id: string; version: number }; to: { id: string; version: number }; nextAction: NextAction }

export const promiseToPayUpdate = defineUpdate<InvoiceSummary, [PromiseToPayArgs]>('promiseToPay');
export const recordPaymentUpdate = defineUpdate<InvoiceSummary, [RecordPaymentArgs]>('recordPayment');
export const openDisputeUpdate = defineUpdate<InvoiceSummary, [OpenDisputeArgs]>('openDispute');
export const resolveDisputeUpdate = defineUpdate<InvoiceSummary, [ResolveDisputeArgs]>('resolveDispute');
export const pauseUpdate = defineUpdate<InvoiceSummary, [PauseArgs]>('pause');
export const resumeUpdate = defineUpdate<InvoiceSummary, [ResumeArgs]>('resume');
export const changeDueDateUpdate = defineUpdate<InvoiceSummary, [ChangeDueDateArgs]>('changeDueDate');
export const adjustAmountUpdate = defineUpdate<InvoiceSummary, [AdjustAmountArgs]>('adjustAmount');
export const writeOffUpdate = defineUpdate<InvoiceSummary, [CloseArgs]>('writeOff');
export const cancelUpdate = defineUpdate<InvoiceSummary, [CloseArgs]>('cancel');
export const migratePolicyUpdate = defineUpdate<MigratePolicyResult, [MigratePolicyArgs]>('migratePolicy');

// ---- Signals: contact events, where the sender needs no answer.
export interface CeaseCommunicationArgs { source: string; receivedAt?: string }
export interface OptOutArgs { channel: 'email' | 'sms'; address?: string; source: string }
export interface CallOutcomeArgs { taskId: string; connected: boolean; outcome: string; note?: string; actor?: string }
export interface TaskResolvedArgs { taskId: string; outcome: string; note?: string; actor?: string }
export interface SmsDeliveryArgs { idempotencyKey: string; status: 'delivered' | 'undelivered' | 'failed'; errorCode?: string }

export const ceaseCommunicationSignal = defineSignal<[CeaseCommunicationArgs]>('ceaseCommunication');
export const optOutSignal = defineSignal<[OptOutArgs]>('optOut');
export const callOutcomeSignal = defineSignal<[CallOutcomeArgs]>('callOutcome');
export const taskResolvedSignal = defineSignal<[TaskResolvedArgs]>('taskResolved');
export const smsDeliverySignal = defineSignal<[SmsDeliveryArgs]>('smsDelivery');

// ---- Queries.
export const stateQuery = defineQuery<InvoiceSummary>('state');
export const timelineQuery = defineQuery<TimelineEntry[]>('timeline');
