import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyInvoiceEvent, checkInvoiceEvent, collectibleMinor } from '../../dunning/invoice-state.js';
import type { InvoiceEvent, InvoiceState } from '../../dunning/invoice-state.js';
import { planNextAction } from '../../dunning/plan.js';
import type { CompiledPolicy } from '../../dunning/policy.js';
import { policyWith, stateFor, step } from './policy-builder.js';

const policy = policyWith([step('a', 'due', '0d'), step('b', 'due', '7d'), step('broken', 'brokenPromise', '1bd'), step('c', 'due', '30d')], {
  onPromiseToPay: { maxDays: 30, graceDays: 2, whenBroken: { goTo: 'broken' } },
  balanceTolerance: { amount: 1, percent: 0 },
});

function fold(events: InvoiceEvent[], p: CompiledPolicy = policy, start: InvoiceState = stateFor(p)): InvoiceState {
  return events.reduce((s, e) => applyInvoiceEvent(s, e, p), start);
}

describe('payments', () => {
  it('partial then full; a balance within tolerance counts as paid', () => {
    const s1 = fold([{ type: 'payment', at: '2025-02-10T15:00:00Z', reference: 'ACH-1', amountMinor: 40_000 }]);
    expect(s1).toMatchObject({ status: 'open', balanceMinor: 60_000 });
    expect(s1.lastEvent?.note).toBe('partial payment');
    const s2 = applyInvoiceEvent(s1, { type: 'payment', at: '2025-02-11T15:00:00Z', reference: 'ACH-2', amountMinor: 59_950 }, policy);
    expect(s2).toMatchObject({ status: 'paid', balanceMinor: 50, closedAt: '2025-02-11T15:00:00Z' });
    expect(s2.lastEvent?.note).toBe('paid: remaining 0.50 USD is within the tolerance of 1.00 USD');
  });

  it('a duplicate reference is ignored; the same reference with another amount is refused', () => {
    const s = fold([
      { type: 'payment', at: '2025-02-10T15:00:00Z', reference: 'ACH-1', amountMinor: 40_000 },
      { type: 'payment', at: '2025-02-10T15:00:00Z', reference: 'ACH-1', amountMinor: 40_000 },
    ]);
    expect(s.balanceMinor).toBe(60_000);
    expect(s.lastEvent).toMatchObject({ accepted: false, note: 'payment ACH-1 was already applied at 2025-02-10T15:00:00Z; ignored (payments are idempotent by reference)' });
    const conflicting = applyInvoiceEvent(s, { type: 'payment', at: '2025-02-12T15:00:00Z', reference: 'ACH-1', amountMinor: 100 }, policy);
    expect(conflicting.lastEvent?.note).toBe('payment ACH-1 was already applied with amountMinor 40000, not 100; use a new reference for a second payment');
  });

  it('property: any sequence of payments with repeated references equals applying each reference once', () => {
    const payment = fc.record({ reference: fc.constantFrom('A', 'B', 'C', 'D', 'E'), amountMinor: fc.integer({ min: 1, max: 30_000 }), day: fc.integer({ min: 0, max: 60 }) });
    fc.assert(
      fc.property(fc.array(payment, { maxLength: 25 }), (payments) => {
        const events: InvoiceEvent[] = payments.map((p) => ({
          type: 'payment',
          at: new Date(Date.UTC(2025, 1, 1 + p.day)).toISOString(),
          reference: p.reference,
          amountMinor: p.amountMinor,
        }));
        const sorted = [...events].sort((x, y) => x.at.localeCompare(y.at));
        const once = new Map<string, number>();
        for (const e of sorted) if (e.type === 'payment' && !once.has(e.reference)) once.set(e.reference, e.amountMinor);
        const state = fold(sorted);
        const paid = [...once.values()].reduce((a, b) => a + b, 0);
        expect(state.balanceMinor).toBe(100_000 - paid);
        expect(state.payments.length).toBe(once.size);
        expect(fold([...sorted, ...sorted]).balanceMinor).toBe(state.balanceMinor);
        expect(state.status).toBe(100_000 - paid <= 100 ? 'paid' : 'open');
      }),
    );
  });

  it('does not modify the state it is given (workflow state stays replay-safe)', () => {
    const before = stateFor(policy);
    const copy = JSON.parse(JSON.stringify(before)) as InvoiceState;
    applyInvoiceEvent(before, { type: 'payment', at: '2025-02-10T15:00:00Z', reference: 'X', amountMinor: 5 }, policy);
    expect(before).toEqual(copy);
  });
});

describe('promises to pay', () => {
  it('kept when payments since the promise cover it by the deadline', () => {
    const s = fold([
      { type: 'promise-to-pay', at: '2025-02-05T15:00:00Z', promiseId: 'P1', payBy: '2025-02-14', amountMinor: 50_000 },
      { type: 'payment', at: '2025-02-13T15:00:00Z', reference: 'ACH-9', amountMinor: 50_000 },
    ]);
    expect(s.promises[0]).toMatchObject({ status: 'kept', settledAt: '2025-02-13T15:00:00Z' });
    expect(s.status).toBe('open');
  });

  it('broken after payBy + grace business days (Presidents Day skipped), then continues at whenBroken.goTo', () => {
    // payBy Fri 2025-02-14; grace 2 business days: Mon 17 is a holiday → Tue 18, Wed 19; broken from Thu 20 00:00 EST.
    let s = fold([{ type: 'promise-to-pay', at: '2025-02-05T15:00:00Z', promiseId: 'P1', payBy: '2025-02-14' }]);
    expect(s.promises[0]?.checkAt).toBe('2025-02-20T05:00:00Z');
    s = applyInvoiceEvent(s, { type: 'clock', at: '2025-02-20T04:59:59Z' }, policy);
    expect(s.promises[0]?.status).toBe('active');
    s = applyInvoiceEvent(s, { type: 'clock', at: '2025-02-20T05:00:00Z' }, policy);
    expect(s.promises[0]?.status).toBe('broken');
    expect(s).toMatchObject({ nextStepId: 'broken', brokenPromiseAt: '2025-02-20T05:00:00Z' });
    expect(planNextAction(s, policy, '2025-02-20T05:00:00Z')).toMatchObject({ kind: 'action', stepId: 'broken', at: '2025-02-21T14:00:00Z' });
  });

  it('a late payment still breaks the promise first, in time order', () => {
    const s = fold([
      { type: 'promise-to-pay', at: '2025-02-05T15:00:00Z', promiseId: 'P1', payBy: '2025-02-14', amountMinor: 100_000 },
      { type: 'payment', at: '2025-02-25T15:00:00Z', reference: 'LATE', amountMinor: 10_000 },
    ]);
    expect(s.promises[0]?.status).toBe('broken');
    expect(s.balanceMinor).toBe(90_000);
  });

  it('refuses a promise beyond the policy horizon, naming the latest allowed date', () => {
    const s = stateFor(policy);
    expect(checkInvoiceEvent(s, { type: 'promise-to-pay', at: '2025-02-05T15:00:00Z', promiseId: 'P1', payBy: '2025-04-01' }, policy)).toBe(
      'payBy 2025-04-01 is more than 30 days away (onPromiseToPay.maxDays); the latest allowed date is 2025-03-07',
    );
  });
});

describe('disputes', () => {
  it('pause: invoice freezes the clock; later steps move by the frozen time after their anchor', () => {
    let s = fold([{ type: 'dispute-opened', at: '2025-02-05T15:00:00Z', disputeId: 'D1', reason: 'wrong quantity' }]);
    expect(planNextAction(s, policy, '2025-02-06T00:00:00Z')).toMatchObject({ kind: 'none' });
    s = applyInvoiceEvent(s, { type: 'dispute-resolved', at: '2025-02-15T15:00:00Z', disputeId: 'D1', outcome: 'rejected' }, policy);
    expect(s.clockShiftMs).toBe(10 * 86_400_000);
    // Step a (due +0d) moves from Feb 3 to Feb 13, already past: it goes at the next opening, and Mon Feb 17 is
    // Presidents' Day, so Tue Feb 18 09:00 EST. Step b (due +7d) moves from Feb 10 to Feb 20.
    expect(planNextAction(s, policy, '2025-02-17T15:00:00Z')).toMatchObject({ kind: 'action', stepId: 'a', at: '2025-02-18T14:00:00Z' });
    s = applyInvoiceEvent(s, { type: 'step-completed', at: '2025-02-18T14:00:00Z', stepId: 'a' }, policy);
    expect(planNextAction(s, policy, '2025-02-18T14:00:00Z')).toMatchObject({ kind: 'action', stepId: 'b', at: '2025-02-20T14:00:00Z' });
  });

  it('a dispute settled before the due date does not delay due-date steps', () => {
    const s = fold([
      { type: 'dispute-opened', at: '2025-01-20T15:00:00Z', disputeId: 'D1' },
      { type: 'dispute-resolved', at: '2025-01-30T15:00:00Z', disputeId: 'D1', outcome: 'rejected' },
    ]);
    expect(planNextAction(s, policy, '2025-01-31T00:00:00Z')).toMatchObject({ kind: 'action', stepId: 'a', at: '2025-02-03T14:00:00Z' });
  });

  it('upheld dispute credits the disputed amount; the whole invoice disputed and upheld is credited', () => {
    const s = fold([
      { type: 'dispute-opened', at: '2025-01-20T15:00:00Z', disputeId: 'D1' },
      { type: 'dispute-resolved', at: '2025-01-25T15:00:00Z', disputeId: 'D1', outcome: 'upheld' },
    ]);
    expect(s).toMatchObject({ status: 'credited', balanceMinor: 0 });
    expect(s.adjustments).toEqual([{ reference: 'dispute:D1', amountMinor: -100_000, at: '2025-01-25T15:00:00Z', reason: 'dispute upheld' }]);
  });

  it('pause: disputed-amount keeps dunning the undisputed part; a partial credit resolves it', () => {
    const partial = policyWith(policy.steps, { onDispute: { pause: 'disputed-amount', whenResolved: { goTo: 'b' } } });
    let s = fold([{ type: 'dispute-opened', at: '2025-01-20T15:00:00Z', disputeId: 'D1', amountMinor: 30_000 }], partial);
    expect(collectibleMinor(s, partial)).toBe(70_000);
    expect(planNextAction(s, partial, '2025-01-21T00:00:00Z')).toMatchObject({ kind: 'action', stepId: 'a' });
    s = applyInvoiceEvent(s, { type: 'dispute-resolved', at: '2025-01-28T15:00:00Z', disputeId: 'D1', outcome: 'credit', creditMinor: 10_000 }, partial);
    expect(s).toMatchObject({ balanceMinor: 90_000, nextStepId: 'b' });
    expect(collectibleMinor(s, partial)).toBe(90_000);
  });
});

describe('pause, due date, adjustments, steps', () => {
  it('a pause with until ends by itself and shifts the clock', () => {
    const s = fold([
      { type: 'paused', at: '2025-01-10T00:00:00Z', until: '2025-01-15T00:00:00Z', reason: 'customer onboarding' },
      { type: 'clock', at: '2025-01-20T00:00:00Z' },
    ]);
    expect(s).toMatchObject({ pause: null, frozenSince: null, clockShiftMs: 5 * 86_400_000, frozenPeriods: [{ from: '2025-01-10T00:00:00Z', to: '2025-01-15T00:00:00Z' }] });
    expect(s.lastEvent?.note).toBe('pause ended at 2025-01-15T00:00:00Z');
  });

  it('a due-date change re-anchors the next step', () => {
    const s = fold([{ type: 'due-date-changed', at: '2025-01-10T00:00:00Z', dueDate: '2025-03-03', reason: 'extended terms' }]);
    expect(planNextAction(s, policy, '2025-01-10T00:00:00Z')).toMatchObject({ kind: 'action', stepId: 'a', at: '2025-03-03T14:00:00Z' });
  });

  it('a credit memo to zero credits the invoice; a debit memo reopens it', () => {
    const credited = fold([{ type: 'amount-adjusted', at: '2025-01-10T00:00:00Z', reference: 'CM-1', amountMinor: -100_000, reason: 'returned goods' }]);
    expect(credited.status).toBe('credited');
    const reopened = applyInvoiceEvent(credited, { type: 'amount-adjusted', at: '2025-01-11T00:00:00Z', reference: 'DM-1', amountMinor: 5_000 }, policy);
    expect(reopened).toMatchObject({ status: 'open', balanceMinor: 5_000, closedAt: null });
  });

  it('only the next step can be completed, so a retried activity cannot send twice', () => {
    const s = fold([{ type: 'step-completed', at: '2025-02-03T14:00:00Z', stepId: 'a', channel: 'email' }]);
    expect(s).toMatchObject({ nextStepId: 'b', contacts: [{ at: '2025-02-03T14:00:00Z', channel: 'email', stepId: 'a' }] });
    const again = applyInvoiceEvent(s, { type: 'step-completed', at: '2025-02-03T14:05:00Z', stepId: 'a' }, policy);
    expect(again.lastEvent).toMatchObject({ accepted: false, note: 'step a is not the next step (next is b); ignored so a retry cannot send twice' });
    expect(again.steps).toHaveLength(1);
  });

  it('state survives a JSON round trip (workflow history, continue-as-new)', () => {
    const s = fold([
      { type: 'promise-to-pay', at: '2025-02-05T15:00:00Z', promiseId: 'P1', payBy: '2025-02-14' },
      { type: 'dispute-opened', at: '2025-02-06T15:00:00Z', disputeId: 'D1', amountMinor: 100 },
    ]);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
