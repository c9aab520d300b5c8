/**
 * The collector's pre-dial check: may this debtor be called about this invoice now? One implementation for the
 * API (`POST /v1/debtors/:id/pre-dial-check`) and the CLI (`dunmore compliance predial`), so both answer alike.
 */
import { eq } from 'drizzle-orm';
import { buildContactRequest, decisionRecord } from '../../activities/contact-gate.js';
import type { ComplianceDecisionRecord } from '../../activities/contracts.js';
import { ComplianceInputError, evaluateContact } from '../../compliance/index.js';
import type { Database } from '../../db/client.js';
import { invoiceRequests } from '../../db/api-schema.js';
import { debtors } from '../../db/schema.js';
import type { PolicyCatalog } from '../../dunning/catalog/policy-catalog.js';
import { ApiProblem, notFound } from '../errors.js';

export interface PreDialQuestion {
  debtorId: string;
  invoiceId: string;
  to?: string;
  at: Date;
}

/** The gate's decision record (the shape the timeline keeps) for this debtor and invoice, and when it was made. */
export type PreDialAnswer = ComplianceDecisionRecord & { debtorId: string; invoiceId: string; evaluatedAt: string };

export async function preDialCheck(db: Database, catalog: PolicyCatalog, question: PreDialQuestion): Promise<PreDialAnswer> {
  const { debtorId, invoiceId, to, at } = question;
  const [debtor] = await db.select({ id: debtors.id }).from(debtors).where(eq(debtors.id, debtorId));
  if (!debtor) throw notFound('debtor', debtorId, 'create it with PUT /v1/debtors/:id or with the invoice that names it');
  const [invoice] = await db.select().from(invoiceRequests).where(eq(invoiceRequests.externalId, invoiceId));
  const requestedDebtor = (invoice?.request.debtor as { id?: string } | undefined)?.id;
  if (!invoice || requestedDebtor !== debtorId) throw notFound('invoice', invoiceId, `debtor ${debtorId} has no such invoice; list them with GET /v1/debtors/${debtorId}`);
  const policy = invoice.response.policy as { id: string; version: number } | undefined;
  let profile = 'commercial';
  if (policy) {
    try {
      profile = catalog.resolve(`${policy.id}@${policy.version}`).compliance.profile;
    } catch {
      // The pinned version left the catalog: judge by the strictest rulebook rather than guess a laxer one.
      profile = 'consumer-regF';
    }
  }
  const contactRequest = await buildContactRequest(db, { debtorId, debtId: invoiceId, channel: 'call', at, profile, ...(to ? { to } : {}) });
  let decision;
  try {
    decision = evaluateContact(contactRequest);
  } catch (error) {
    // Bad facts on file (a malformed zone or consent instant) are a data problem for ops, not a server fault.
    if (error instanceof ComplianceInputError) {
      throw new ApiProblem(422, 'compliance_input_invalid', `the debtor's compliance facts cannot be evaluated: ${error.message}; fix them with PUT /v1/debtors/${debtorId}`);
    }
    throw error;
  }
  return { debtorId, invoiceId, ...decisionRecord(decision), evaluatedAt: decision.evaluatedAt };
}
