import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { addBusinessDays, isBusinessDay } from '../../dunning/calendar.js';
import { applyInvoiceEvent } from '../../dunning/invoice-state.js';
import { planNextAction } from '../../dunning/plan.js';
import type { NextAction } from '../../dunning/plan.js';
import { invoice, policyWith, stateFor, step, usCalendar } from './policy-builder.js';

function actionAt(plan: NextAction): string {
  if (plan.kind !== 'action') throw new Error(`expected an action, got ${plan.kind}: ${plan.reason}`);
  return plan.at;
}

/** One step, planned from the start of the issue date, so the answer is the step's own first instant. */
function firstInstant(dueDate: string, offset: string, options: { zone?: string; businessDaysOnly?: boolean } = {}): string {
  const policy = policyWith([step('only', 'due', offset)]);
  policy.sendWindow.businessDaysOnly = options.businessDaysOnly ?? false;
  const facts = invoice({ issueDate: '2023-01-01', dueDate }, { timeZone: options.zone ?? 'America/New_York' });
  return actionAt(planNextAction(stateFor(policy, facts), policy, '2023-01-01T00:00:00Z'));
}

describe('planNextAction: local send time on DST days', () => {
  it.each([
    ['America/New_York', '2025-03-08', '2025-03-08T14:00:00Z', 'day before spring-forward (EST, UTC-5)'],
    ['America/New_York', '2025-03-09', '2025-03-09T13:00:00Z', 'spring-forward Sunday (EDT, UTC-4)'],
    ['America/New_York', '2025-11-01', '2025-11-01T13:00:00Z', 'day before fall-back (EDT)'],
    ['America/New_York', '2025-11-02', '2025-11-02T14:00:00Z', 'fall-back Sunday (EST)'],
    ['Europe/London', '2025-03-30', '2025-03-30T08:00:00Z', 'BST starts'],
    ['Europe/London', '2025-10-26', '2025-10-26T09:00:00Z', 'BST ends'],
    ['Australia/Sydney', '2025-04-05', '2025-04-04T22:00:00Z', 'last day of AEDT (UTC+11)'],
    ['Australia/Sydney', '2025-04-06', '2025-04-05T23:00:00Z', 'AEDT ends (AEST, UTC+10)'],
    ['America/Phoenix', '2025-03-09', '2025-03-09T16:00:00Z', 'no DST in Arizona'],
    ['Asia/Kolkata', '2025-03-09', '2025-03-09T03:30:00Z', 'half-hour offset'],
  ])('%s %s at 09:00 local → %s (%s)', (zone, due, expected) => {
    expect(firstInstant(due, '0d', { zone })).toBe(expected);
  });

  it('a step time inside a spring-forward gap lands on the first valid minute after it', () => {
    // 02:30 does not exist in New York on 2025-03-09; the window here starts at 02:00 only to exercise the gap.
    const s = step('only', 'due', '0d');
    s.at.time = '02:30';
    const policy = policyWith([s]);
    policy.sendWindow = { ...policy.sendWindow, from: '02:00', businessDaysOnly: false };
    const facts = invoice({ issueDate: '2025-03-01', dueDate: '2025-03-09' });
    expect(actionAt(planNextAction(stateFor(policy, facts), policy, '2025-03-01T00:00:00Z'))).toBe('2025-03-09T07:30:00Z');
  });
});

describe('planNextAction: calendar arithmetic', () => {
  it.each([
    ['2025-01-31', '1mo', '2025-02-28', 'month end clamps to February'],
    ['2024-01-31', '1mo', '2024-02-29', 'leap-year February'],
    ['2024-02-29', '12mo', '2025-02-28', 'leap day + a year'],
    ['2025-01-31', '30d', '2025-03-02', '30 calendar days across February'],
    ['2024-01-31', '30d', '2024-03-01', '30 calendar days across a leap February'],
    ['2024-02-28', '1d', '2024-02-29', 'into a leap day'],
    ['2023-02-28', '1d', '2023-03-01', 'no leap day in 2023'],
    ['2025-03-03', '-3d', '2025-02-28', 'negative offset before a month boundary'],
    ['2024-03-03', '-3d', '2024-02-29', 'negative offset onto a leap day'],
    ['2025-12-29', '2w', '2026-01-12', 'weeks across a year end'],
  ])('due %s %s → %s (%s)', (due, offset, expectedDate) => {
    const at = firstInstant(due, offset);
    expect(DateTime.fromISO(at, { zone: 'America/New_York' }).toISODate()).toBe(expectedDate);
  });
});

describe('planNextAction: business days and holidays (US calendar)', () => {
  it.each([
    ['2025-07-03', '1bd', '2025-07-07', 'Independence Day Friday is skipped'],
    ['2025-01-21', '-1bd', '2025-01-17', 'backwards over MLK Day and a weekend'],
    ['2025-12-24', '2bd', '2025-12-29', 'Christmas then a weekend'],
    ['2025-03-08', '0bd', '2025-03-10', 'due on a Saturday: 0bd is the next business day'],
    ['2025-11-26', '1bd', '2025-11-28', 'Thanksgiving Thursday skipped, Friday counts'],
    ['2026-07-02', '1bd', '2026-07-06', 'observed Independence Day (Friday 2026-07-03)'],
    ['2025-02-03', '7bd', '2025-02-12', 'seven business days, one weekend'],
  ])('due %s %s → %s (%s)', (due, offset, expectedDate) => {
    const at = firstInstant(due, offset, { businessDaysOnly: true });
    expect(DateTime.fromISO(at, { zone: 'America/New_York' }).toISODate()).toBe(expectedDate);
  });

  it.each([
    ['2025-12-25', '2025-12-26T14:00:00Z', 'a calendar-day step on Christmas moves to the next business day'],
    ['2025-03-09', '2025-03-10T13:00:00Z', 'a Sunday step moves to Monday 09:00 EDT'],
    ['2025-05-26', '2025-05-27T13:00:00Z', 'Memorial Day'],
  ])('businessDaysOnly: due %s 0d → %s (%s)', (due, expected) => {
    expect(firstInstant(due, '0d', { businessDaysOnly: true })).toBe(expected);
  });
});

describe('planNextAction: behaviour', () => {
  it('jitter is deterministic per invoice and step, and stays inside the window', () => {
    const policy = policyWith([step('only', 'due', '0d')]);
    policy.sendWindow.jitterMinutes = 45;
    const plan = (id: string): string => actionAt(planNextAction(stateFor(policy, invoice({ invoiceId: id })), policy, '2025-01-02T00:00:00Z'));
    expect(plan('INV-A')).toBe(plan('INV-A'));
    const minutes = ['INV-A', 'INV-B', 'INV-C', 'INV-D', 'INV-E'].map((id) => DateTime.fromISO(plan(id), { zone: 'America/New_York' }).diff(DateTime.fromISO('2025-02-03T09:00', { zone: 'America/New_York' }), 'minutes').minutes);
    expect(new Set(minutes).size).toBeGreaterThan(1);
    for (const m of minutes) {
      expect(m).toBeGreaterThanOrEqual(0);
      expect(m).toBeLessThan(45);
    }
  });

  it('a step already due goes now when the window is open, without jitter', () => {
    const policy = policyWith([step('only', 'due', '0d')]);
    policy.sendWindow.jitterMinutes = 45;
    expect(actionAt(planNextAction(stateFor(policy), policy, '2025-02-05T16:00:00Z'))).toBe('2025-02-05T16:00:00Z');
  });

  it('an invoice enrolled late gets the latest due step, the stale ones are superseded', () => {
    const policy = policyWith([step('a', 'due', '0d'), step('b', 'due', '7d'), step('c', 'due', '30d')]);
    const plan = planNextAction(stateFor(policy), policy, '2025-02-12T15:00:00Z');
    expect(plan.kind === 'action' && plan.stepId).toBe('b');
    expect(plan.skipped).toEqual([{ stepId: 'a', reason: 'superseded: step b is also due' }]);
  });

  it('a step blocked by a condition is skipped at its own time, not earlier', () => {
    const policy = policyWith([step('a', 'due', '0d', { when: { noActivePromise: true, notDisputed: false, minBalance: 5000 } }), step('b', 'due', '7d')]);
    const plan = planNextAction(stateFor(policy), policy, '2025-01-10T00:00:00Z');
    expect(plan).toMatchObject({ kind: 'skip', stepId: 'a', at: '2025-02-03T14:00:00Z', reason: 'collectible balance 1000.00 USD is below the step minimum 5000.00 USD' });
  });

  it('uses the fallback channel when the debtor has no mobile number', () => {
    const policy = policyWith([step('text', 'due', '0d', { action: 'sms', fallback: 'email' })]);
    const plan = planNextAction(stateFor(policy, invoice({}, { phone: undefined })), policy, '2025-01-10T00:00:00Z');
    expect(plan).toMatchObject({ kind: 'action', channel: 'email', action: 'sms', reason: 'due date +0d; debtor has no mobile number; using fallback email' });
  });

  it('defers a message past the weekly cap to the first day the 7-day window allows', () => {
    const policy = policyWith([step('a', 'due', '0d')], { compliance: { profile: 'commercial', maxSmsSegments: 2, maxMessagesPerDebtorPerWeek: 2 } });
    const state = stateFor(policy);
    const plan = planNextAction(state, policy, '2025-01-10T00:00:00Z', {
      debtorContacts: [
        { at: '2025-01-29T15:00:00Z', channel: 'email' },
        { at: '2025-01-31T15:00:00Z', channel: 'sms' },
      ],
    });
    // Contacts on Jan 29 and 31; Feb 3 has 2 in [Jan 28, Feb 3], Feb 4 too ([Jan 29, Feb 4]); Feb 5 has 1.
    expect(plan).toMatchObject({ kind: 'action', at: '2025-02-05T14:00:00Z' });
    expect(plan.kind === 'action' && plan.reason).toContain('deferred: 2 message(s) in the 7 days to 2025-02-04 (cap 2 per week)');
  });

  it('waits for a promise deadline before the next step and reports nothing while paused', () => {
    const policy = policyWith([step('a', 'due', '20d', { when: { noActivePromise: false, notDisputed: false } })]);
    let state = applyInvoiceEvent(stateFor(policy), { type: 'promise-to-pay', at: '2025-02-04T15:00:00Z', promiseId: 'P1', payBy: '2025-02-10' }, policy);
    // Due Feb 10 (Mon) + 2 business days = Feb 12; broken from the start of Feb 13 in New York.
    expect(planNextAction(state, policy, '2025-02-05T00:00:00Z')).toMatchObject({ kind: 'wake', at: '2025-02-13T05:00:00Z' });
    state = applyInvoiceEvent(state, { type: 'paused', at: '2025-02-05T00:00:00Z', reason: 'customer in bankruptcy review' }, policy);
    expect(planNextAction(state, policy, '2025-02-05T00:00:00Z')).toMatchObject({ kind: 'wake', at: '2025-02-13T05:00:00Z' });
  });

  it('returns none for a paid invoice', () => {
    const policy = policyWith([step('a', 'due', '0d')]);
    const state = applyInvoiceEvent(stateFor(policy), { type: 'payment', at: '2025-01-20T12:00:00Z', reference: 'P', amountMinor: 100_000 }, policy);
    expect(planNextAction(state, policy, '2025-01-21T00:00:00Z')).toEqual({ kind: 'none', reason: 'invoice paid at 2025-01-20T12:00:00Z', skipped: [] });
  });
});

const zones = ['America/New_York', 'America/Los_Angeles', 'Europe/London', 'Europe/Berlin', 'Australia/Sydney', 'Asia/Kolkata', 'Pacific/Auckland', 'America/Sao_Paulo'];
const offsets = ['-5d', '-1bd', '0d', '0bd', '3bd', '7d', '10bd', '1mo', '2w', '45d'];

describe('planNextAction: properties', () => {
  const arbitraryCase = fc.record({
    zone: fc.constantFrom(...zones),
    dueDay: fc.integer({ min: 0, max: 4 * 365 }),
    offset: fc.constantFrom(...offsets),
    nowShiftHours: fc.integer({ min: -24 * 60, max: 24 * 90 }),
    businessDaysOnly: fc.boolean(),
    jitter: fc.integer({ min: 0, max: 120 }),
    window: fc.constantFrom(['08:00', '21:00'], ['09:00', '17:00'], ['10:00', '16:00'], ['12:30', '13:15']),
    invoiceId: fc.string({ minLength: 1, maxLength: 12 }),
  });

  it('never plans an action before now, outside the send window, or on a non-business day when required', () => {
    fc.assert(
      fc.property(arbitraryCase, (c) => {
        const due = DateTime.fromISO('2024-01-01', { zone: 'utc' }).plus({ days: c.dueDay }).toISODate() ?? '';
        const policy = policyWith([step('s', 'due', c.offset)]);
        policy.sendWindow = { ...policy.sendWindow, from: c.window[0] ?? '09:00', to: c.window[1] ?? '17:00', businessDaysOnly: c.businessDaysOnly, jitterMinutes: c.jitter };
        const facts = invoice({ invoiceId: c.invoiceId, issueDate: '2023-12-01', dueDate: due }, { timeZone: c.zone });
        const now = DateTime.fromISO(`${due}T12:00:00Z`).plus({ hours: c.nowShiftHours });
        const plan = planNextAction(stateFor(policy, facts), policy, now.toISO() ?? '');
        expect(plan.kind).toBe('action');
        if (plan.kind !== 'action') return;
        const at = DateTime.fromISO(plan.at, { zone: c.zone });
        expect(at.toMillis()).toBeGreaterThanOrEqual(now.toMillis());
        const minutes = at.hour * 60 + at.minute;
        const [fh = 0, fm = 0] = (c.window[0] ?? '').split(':').map(Number);
        const [th = 0, tm = 0] = (c.window[1] ?? '').split(':').map(Number);
        expect(minutes).toBeGreaterThanOrEqual(fh * 60 + fm);
        expect(minutes).toBeLessThan(th * 60 + tm);
        if (c.businessDaysOnly) expect(isBusinessDay(at.toISODate() ?? '', usCalendar)).toBe(true);
        expect(plan.at.endsWith('Z')).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('is deterministic: the same inputs give the same plan', () => {
    fc.assert(
      fc.property(arbitraryCase, (c) => {
        const due = DateTime.fromISO('2024-01-01', { zone: 'utc' }).plus({ days: c.dueDay }).toISODate() ?? '';
        const policy = policyWith([step('s', 'due', c.offset)]);
        policy.sendWindow.jitterMinutes = c.jitter;
        const facts = invoice({ invoiceId: c.invoiceId, dueDate: due }, { timeZone: c.zone });
        const now = DateTime.fromISO(`${due}T12:00:00Z`).plus({ hours: c.nowShiftHours }).toISO() ?? '';
        expect(planNextAction(stateFor(policy, facts), policy, now)).toEqual(planNextAction(stateFor(policy, facts), policy, now));
      }),
      { numRuns: 200 },
    );
  });

  it('re-planning at the planned instant confirms it (the workflow wakes and acts, not sleeps again)', () => {
    fc.assert(
      fc.property(arbitraryCase, (c) => {
        const due = DateTime.fromISO('2024-01-01', { zone: 'utc' }).plus({ days: c.dueDay }).toISODate() ?? '';
        const policy = policyWith([step('s', 'due', c.offset)]);
        policy.sendWindow.jitterMinutes = c.jitter;
        const facts = invoice({ invoiceId: c.invoiceId, issueDate: '2023-12-01', dueDate: due }, { timeZone: c.zone });
        const now = DateTime.fromISO(`${due}T12:00:00Z`).plus({ hours: c.nowShiftHours }).toISO() ?? '';
        const first = planNextAction(stateFor(policy, facts), policy, now);
        if (first.kind !== 'action') return;
        const again = planNextAction(stateFor(policy, facts), policy, first.at);
        expect(again.kind === 'action' && again.at).toBe(first.at);
      }),
      { numRuns: 200 },
    );
  });

  it('business-day offsets always land on business days and move monotonically', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 * 365 }), fc.integer({ min: -30, max: 30 }), (day, n) => {
        const start = DateTime.fromISO('2024-01-01', { zone: 'utc' }).plus({ days: day }).toISODate() ?? '';
        const result = addBusinessDays(start, n, usCalendar);
        expect(isBusinessDay(result, usCalendar)).toBe(true);
        if (n > 0) expect(result > start).toBe(true);
        if (n < 0) expect(result < start).toBe(true);
      }),
    );
  });
});
