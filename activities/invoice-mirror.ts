import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { debtors, invoices } from '../db/schema.js';
import type { InvoiceMirrorInput } from './contracts.js';

/**
 * Keeps PostgreSQL's copy of an invoice (for listing, reporting and per-debtor coordination) in step with its
 * workflow. Upserts are idempotent, so a retried or replayed call converges on the same row.
 */
export function recordInvoiceActivity(db: Database): (input: InvoiceMirrorInput) => Promise<void> {
  return async function recordInvoice(input) {
    const now = new Date();
    await db.transaction(async (tx) => {
      // The debtor's profile belongs to the debtor routes (PUT /v1/debtors/:id): create it if missing, never
      // overwrite it with the copy an invoice carried when it started.
      await tx.insert(debtors).values({ ...input.debtor, createdAt: now, updatedAt: now }).onConflictDoNothing();
      const row = {
        externalId: input.externalId,
        debtorId: input.debtor.id,
        currency: input.currency,
        amountMinor: input.amountMinor,
        balanceMinor: input.balanceMinor,
        issuedOn: input.issuedOn,
        dueOn: input.dueOn,
        status: input.status,
        policyId: input.policyId,
        policyVersion: input.policyVersion,
        nextActionAt: input.nextActionAt ? new Date(input.nextActionAt) : null,
        updatedAt: now,
      };
      await tx
        .insert(invoices)
        .values({ ...row, createdAt: now })
        .onConflictDoUpdate({ target: invoices.externalId, set: { ...row, createdAt: sql`${invoices.createdAt}` } });
    });
  };
}
