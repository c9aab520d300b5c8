/**
 * What templates can see. The TypeScript type and the runtime shape are kept side by side (a test checks they
 * agree) so validation can tell an author that `{{invoice.balanse}}` does not exist, and that an amount must go
 * through `{{money …}}` rather than print raw minor units.
 */
import { DateTime } from 'luxon';
import { collectibleMinor, activePromise } from '../invoice-state.js';
import type { InvoiceState } from '../invoice-state.js';
import type { CompiledPolicy, CompiledStep } from '../policy.js';

export interface RenderContext {
  debtor: { name: string; contactName: string; locale: string; timeZone: string };
  invoice: {
    number: string;
    currency: string;
    /** Minor units: print with {{money invoice.amount}}. */
    amount: number;
    /** What dunning is collecting now (disputed amounts set aside when the policy says so), minor units. */
    balance: number;
    issueDate: string;
    dueDate: string;
    daysPastDue: number;
    daysUntilDue: number;
    paymentUrl: string;
  };
  /** Null unless a promise to pay is active: guard with {{#if promise}}. */
  promise: { amount: number; payBy: string } | null;
  sender: { name: string; email: string; phone: string };
  step: { id: string; tone: string };
  /** Local date of the send in the debtor's zone. */
  today: string;
}

export type FieldKind = 'text' | 'number' | 'money' | 'date';
export interface ShapeGroup {
  readonly [key: string]: FieldKind | ShapeGroup;
}

export const renderContextShape = {
  debtor: { name: 'text', contactName: 'text', locale: 'text', timeZone: 'text' },
  invoice: {
    number: 'text',
    currency: 'text',
    amount: 'money',
    balance: 'money',
    issueDate: 'date',
    dueDate: 'date',
    daysPastDue: 'number',
    daysUntilDue: 'number',
    paymentUrl: 'text',
  },
  promise: { amount: 'money', payBy: 'date' },
  sender: { name: 'text', email: 'text', phone: 'text' },
  step: { id: 'text', tone: 'text' },
  today: 'date',
} as const satisfies ShapeGroup;

/** Groups that may be null; templates must test them with {{#if}} before use. */
export const nullableGroups: readonly string[] = ['promise'];

/**
 * Long, realistic values used to validate templates: SMS segment counts at validation time assume a 40-character
 * debtor name and a six-figure balance, so a message that fits here fits for nearly every real invoice.
 */
export function sampleRenderContext(policy: CompiledPolicy, locale: string): RenderContext {
  return {
    debtor: { name: 'Northwind Traders International Holdings', contactName: 'Alexandria Montgomery', locale, timeZone: policy.defaultTimeZone },
    invoice: {
      number: 'INV-2025-000123',
      currency: policy.appliesTo.currency?.[0] ?? 'USD',
      amount: 12_345_678,
      balance: 12_345_678,
      issueDate: '2025-01-15',
      dueDate: '2025-02-14',
      daysPastDue: 30,
      daysUntilDue: 0,
      paymentUrl: 'https://pay.example.com/i/7Hq2Lm9X',
    },
    promise: { amount: 12_345_678, payBy: '2025-03-14' },
    sender: { name: policy.sender.name, email: policy.sender.email ?? 'billing@example.com', phone: policy.sender.phone ?? '+1 555 010 0000' },
    step: { id: 'sample-step', tone: 'neutral' },
    today: '2025-03-16',
  };
}

/** The context for a real send: from the invoice state at the moment the step runs. */
export function buildRenderContext(state: InvoiceState, policy: CompiledPolicy, step: CompiledStep, now: string): RenderContext {
  const { invoice } = state;
  const zone = invoice.debtor.timeZone;
  const today = DateTime.fromISO(now, { zone }).startOf('day');
  const due = DateTime.fromISO(invoice.dueDate, { zone }).startOf('day');
  const days = Math.round(today.diff(due, 'days').days);
  const promise = activePromise(state);
  return {
    debtor: {
      name: invoice.debtor.name,
      contactName: invoice.debtor.contactName ?? invoice.debtor.name,
      locale: invoice.debtor.locale,
      timeZone: zone,
    },
    invoice: {
      number: invoice.number,
      currency: invoice.currency,
      amount: invoice.amountMinor,
      balance: collectibleMinor(state, policy),
      issueDate: invoice.issueDate,
      dueDate: invoice.dueDate,
      daysPastDue: Math.max(0, days),
      daysUntilDue: Math.max(0, -days),
      paymentUrl: invoice.paymentUrl ?? '',
    },
    promise: promise ? { amount: promise.amountMinor, payBy: promise.payBy } : null,
    sender: { name: policy.sender.name, email: policy.sender.email ?? '', phone: policy.sender.phone ?? '' },
    step: { id: step.id, tone: step.tone },
    today: today.toISODate() ?? '',
  };
}
