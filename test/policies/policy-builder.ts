/** Compiled policies and invoices built in code, for planner and reducer tests that must not depend on files. */
import { readFileSync } from 'node:fs';
import { loadCalendar } from '../../dunning/catalog/policy-catalog.js';
import { openInvoice } from '../../dunning/invoice-state.js';
import type { InvoiceFacts, InvoiceState } from '../../dunning/invoice-state.js';
import { parseOffset } from '../../dunning/offset.js';
import type { BusinessCalendar, CompiledPolicy, CompiledStep, StepAnchor } from '../../dunning/policy.js';

export const usCalendar: BusinessCalendar = (() => {
  const { calendar } = loadCalendar('policies/calendars/US.yaml', readFileSync('policies/calendars/US.yaml', 'utf8'));
  if (!calendar) throw new Error('policies/calendars/US.yaml does not load');
  return calendar;
})();

export function step(id: string, anchor: StepAnchor, offset: string, extra: Partial<CompiledStep> = {}): CompiledStep {
  const parsed = parseOffset(offset);
  if (!parsed) throw new Error(`bad offset ${offset}`);
  return {
    id,
    at: { anchor, offset: parsed },
    action: 'email',
    template: 'reminder',
    tone: 'neutral',
    requiresApproval: false,
    when: { noActivePromise: true, notDisputed: false },
    final: false,
    ...extra,
  };
}

export function policyWith(steps: CompiledStep[], overrides: Partial<CompiledPolicy> = {}): CompiledPolicy {
  return {
    schemaVersion: 1,
    id: 'test-policy',
    version: 1,
    description: 'test',
    owner: 'tests',
    contentHash: `sha256:${'0'.repeat(64)}`,
    locales: ['en'],
    defaultLocale: 'en',
    appliesTo: {},
    defaultTimeZone: 'America/New_York',
    sendWindow: { from: '09:00', to: '17:00', businessDaysOnly: true, calendar: usCalendar, jitterMinutes: 0 },
    compliance: { profile: 'commercial', maxSmsSegments: 2 },
    sender: { name: 'Test Receivables' },
    steps,
    onPromiseToPay: { maxDays: 30, graceDays: 2, whenBroken: {} },
    onDispute: { pause: 'invoice', whenResolved: {} },
    onPartialPayment: { holdDays: 0 },
    balanceTolerance: { amount: 0, percent: 0 },
    ...overrides,
  };
}

export function invoice(overrides: Partial<InvoiceFacts> = {}, debtor: Partial<InvoiceFacts['debtor']> = {}): InvoiceFacts {
  return {
    invoiceId: 'INV-1',
    number: 'INV-1',
    currency: 'USD',
    amountMinor: 100_000,
    issueDate: '2025-01-02',
    dueDate: '2025-02-03',
    debtor: { id: 'D-1', name: 'Debtor Inc', email: 'ap@debtor.example', phone: '+15555550100', locale: 'en-US', timeZone: 'America/New_York', ...debtor },
    ...overrides,
  };
}

export function stateFor(policy: CompiledPolicy, facts: InvoiceFacts = invoice()): InvoiceState {
  return openInvoice(facts, policy, `${facts.issueDate}T00:00:00Z`);
}
