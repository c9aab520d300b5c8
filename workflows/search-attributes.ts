/**
 * Search attributes of invoice workflows: what operators filter on in the Temporal UI and what the API's
 * list endpoint queries. Registered by the embedded dev server at start and by `dunmore temporal setup`
 * on an external cluster.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const InvoiceStatus = defineSearchAttributeKey('InvoiceStatus', SearchAttributeType.KEYWORD);
export const DebtorId = defineSearchAttributeKey('DebtorId', SearchAttributeType.KEYWORD);
export const PolicyId = defineSearchAttributeKey('PolicyId', SearchAttributeType.KEYWORD);
export const NextActionAt = defineSearchAttributeKey('NextActionAt', SearchAttributeType.DATETIME);
export const DaysPastDue = defineSearchAttributeKey('DaysPastDue', SearchAttributeType.INT);
export const Segment = defineSearchAttributeKey('Segment', SearchAttributeType.KEYWORD);

export const invoiceSearchAttributes = [InvoiceStatus, DebtorId, PolicyId, NextActionAt, DaysPastDue, Segment] as const;
