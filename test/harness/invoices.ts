/**
 * Invoices for the benchmarks and chaos tests: a short policy whose steps are due the moment the invoice
 * starts (so a life takes seconds of real time on the dev server), sleeping invoices whose first step is days
 * away, and the debtor rows the compliance gate reads.
 */
import { DateTime } from 'luxon';
import type { Database } from '../../db/client.js';
import { debtors } from '../../db/schema.js';
import type { InvoiceFacts } from '../../dunning/invoice-state.js';
import type { CompiledPolicy, CompiledStep } from '../../dunning/policy.js';
import type { InvoiceWorkflowInput } from '../../workflows/invoice/messages.js';
import { lifecyclePolicy } from '../fixtures/compiled-policies.js';

/** A fixed-offset zone where it is about noon now, so an all-day send window is open whatever the hour. */
export function zoneAtNoon(): string {
  const shift = 12 - new Date().getUTCHours();
  return shift >= 0 ? `Etc/GMT-${shift}` : `Etc/GMT+${-shift}`;
}

const messageStep = (id: string, action: 'email' | 'sms'): CompiledStep => ({
  id,
  at: { anchor: 'due', offset: { amount: 0, unit: 'd' } },
  action,
  template: id,
  tone: 'neutral',
  requiresApproval: false,
  when: { noActivePromise: true, notDisputed: true },
  final: false,
});

/**
 * One message step due on the due date, in a window open all day every day: a whole life in seconds.
 * (Two steps due at once would not both run: the planner skips a step superseded by a later one.)
 */
export function shortPolicy(channel: 'email' | 'sms'): CompiledPolicy {
  return lifecyclePolicy({
    id: `bench-short-${channel}`,
    contentHash: `sha256:bench-short-${channel}`,
    sendWindow: { from: '00:00', to: '23:59', businessDaysOnly: false, calendar: { id: 'none', weekend: [], holidays: [] }, jitterMinutes: 0 },
    steps: [messageStep(`${channel}-now`, channel)],
  });
}

export interface InvoiceOptions {
  id: string;
  zone: string;
  /** Days from today (debtor-local) to the due date: 0 acts now, 20 sleeps for days. */
  dueInDays: number;
  policy: CompiledPolicy;
  amountMinor?: number;
}

export function invoiceFacts(options: InvoiceOptions): InvoiceFacts {
  const due = DateTime.now().setZone(options.zone).startOf('day').plus({ days: options.dueInDays });
  return {
    invoiceId: options.id,
    number: options.id,
    currency: 'USD',
    amountMinor: options.amountMinor ?? 99_00,
    issueDate: due.minus({ days: 30 }).toISODate()!,
    dueDate: due.toISODate()!,
    debtor: { id: `debtor-${options.id}`, name: 'Initech', email: `ap-${options.id}@initech.example`, phone: '+14155550199', locale: 'en-US', timeZone: options.zone, segment: 'smb' },
  };
}

export function invoiceInput(options: InvoiceOptions): InvoiceWorkflowInput {
  return { invoice: invoiceFacts(options), policy: { compiled: options.policy, source: 'bench' } };
}

/** Debtor rows as the API registers them: texts need prior express consent on file (TCPA). */
export async function registerDebtors(db: Database, ids: readonly string[], zone: string): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    await db
      .insert(debtors)
      .values(ids.slice(i, i + 500).map((id) => ({ id: `debtor-${id}`, name: 'Initech', timeZone: zone, segment: 'smb', complianceContext: { tcpaConsent: { at: '2025-06-01T12:00:00Z' } } })))
      .onConflictDoNothing();
  }
}
