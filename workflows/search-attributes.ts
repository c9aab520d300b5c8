/**
 * Search attributes of invoice workflows: what operators filter on in the Temporal UI. Registered by the
 * embedded dev server at start and by `dunmore temporal setup` on an external cluster.
 *
 * Runs kept current only the attributes that change rarely (status, debtor, policy, segment) since the
 * `lean-history` patch: NextActionAt and DaysPastDue moved with every step (an upsert event each) and were stale
 * while the workflow slept; the PostgreSQL mirror answers those (next_action_at, days past due computed in the
 * debtor's zone at query time). Both stay registered for runs started before.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const InvoiceStatus = defineSearchAttributeKey('InvoiceStatus', SearchAttributeType.KEYWORD);
export const DebtorId = defineSearchAttributeKey('DebtorId', SearchAttributeType.KEYWORD);
export const PolicyId = defineSearchAttributeKey('PolicyId', SearchAttributeType.KEYWORD);
export const NextActionAt = defineSearchAttributeKey('NextActionAt', SearchAttributeType.DATETIME);
export const DaysPastDue = defineSearchAttributeKey('DaysPastDue', SearchAttributeType.INT);
export const Segment = defineSearchAttributeKey('Segment', SearchAttributeType.KEYWORD);

export const invoiceSearchAttributes = [InvoiceStatus, DebtorId, PolicyId, NextActionAt, DaysPastDue, Segment] as const;

type KeywordKey = typeof InvoiceStatus;

/** The attributes an invoice run keeps current, set at start by the API and upserted by the run when they change. */
export function invoiceIndex(facts: { status: string; debtorId: string; policyId: string; segment: string | undefined }): Array<{ key: KeywordKey; value: string }> {
  return [
    { key: InvoiceStatus, value: facts.status },
    { key: DebtorId, value: facts.debtorId },
    { key: PolicyId, value: facts.policyId },
    { key: Segment, value: facts.segment ?? 'unassigned' },
  ];
}
