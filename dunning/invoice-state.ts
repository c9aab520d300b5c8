/**
 * The invoice's dunning state and the one reducer that changes it. The simulator and the invoice workflow both
 * fold events through `applyInvoiceEvent`, so a simulation shows exactly what production would do.
 *
 * State is plain JSON (a workflow holds it, queries return it, continue-as-new carries it). The reducer never
 * throws on a bad event: it records the rejection in `lastEvent` so a signal handler cannot fail a workflow task;
 * an Update validator calls `checkInvoiceEvent` first to reject with a typed reason.
 */
import { DateTime } from 'luxon';
import { addBusinessDays, addCalendarDays } from './calendar.js';
import { currencyExponent, formatAmountPlain } from './money.js';
import type { CompiledPolicy, CompiledStep, StepAction, FallbackChannel, FinalActionKind } from './policy.js';

export const invoiceStateSchemaVersion = 1;

export interface DebtorFacts {
  id: string;
  name: string;
  /** Person addressed in messages ("Dear Ana"); the debtor name when absent. */
  contactName?: string;
  email?: string;
  /** E.164 mobile number for SMS. */
  phone?: string;
  /** BCP 47, e.g. "en-US", "es-MX". */
  locale: string;
  /** IANA zone of the debtor: every send window and local date is computed in it. */
  timeZone: string;
  segment?: string;
  country?: string;
}

export interface InvoiceFacts {
  invoiceId: string;
  number: string;
  currency: string;
  /** Original amount in minor units. */
  amountMinor: number;
  /** Local dates `YYYY-MM-DD` in the debtor's zone. */
  issueDate: string;
  dueDate: string;
  paymentUrl?: string;
  debtor: DebtorFacts;
}

export type InvoiceEvent =
  | { type: 'payment'; at: string; reference: string; amountMinor: number }
  | { type: 'promise-to-pay'; at: string; promiseId: string; payBy: string; amountMinor?: number }
  | { type: 'dispute-opened'; at: string; disputeId: string; amountMinor?: number; reason?: string }
  | { type: 'dispute-resolved'; at: string; disputeId: string; outcome: 'upheld' | 'rejected' | 'credit'; creditMinor?: number }
  | { type: 'paused'; at: string; until?: string; reason?: string }
  | { type: 'resumed'; at: string }
  | { type: 'due-date-changed'; at: string; dueDate: string; reason?: string }
  /** Signed: a credit memo is negative, a debit memo positive. */
  | { type: 'amount-adjusted'; at: string; reference: string; amountMinor: number; reason?: string }
  | { type: 'step-completed'; at: string; stepId: string; channel?: StepAction | FallbackChannel | FinalActionKind }
  | { type: 'step-skipped'; at: string; stepId: string; reason: string }
  /** Time passes: promise deadlines and pause expiries are applied up to `at`. */
  | { type: 'clock'; at: string };

export type InvoiceEventType = InvoiceEvent['type'];

export interface PromiseRecord {
  promiseId: string;
  madeAt: string;
  payBy: string;
  amountMinor: number;
  /** Instant (UTC) after which an unpaid promise counts as broken: end of payBy + grace business days, debtor-local. */
  checkAt: string;
  status: 'active' | 'kept' | 'broken' | 'superseded';
  settledAt?: string;
}

export interface DisputeRecord {
  disputeId: string;
  openedAt: string;
  /** Disputed amount in minor units; the whole balance when the debtor disputed the invoice. */
  amountMinor: number;
  reason?: string;
  status: 'open' | 'upheld' | 'rejected' | 'credit';
  resolvedAt?: string;
}

export interface StepRecord {
  stepId: string;
  status: 'completed' | 'skipped';
  at: string;
  channel?: string;
  reason?: string;
}

export interface ContactRecord {
  at: string;
  channel: 'email' | 'sms';
  stepId?: string;
}

export interface InvoiceState {
  schemaVersion: typeof invoiceStateSchemaVersion;
  policy: { id: string; version: number; contentHash: string };
  invoice: InvoiceFacts;
  /** `paid`/`credited` once the balance is within the policy's tolerance. */
  status: 'open' | 'paid' | 'credited';
  closedAt: string | null;
  balanceMinor: number;
  payments: Array<{ reference: string; amountMinor: number; at: string }>;
  adjustments: Array<{ reference: string; amountMinor: number; at: string; reason?: string }>;
  promises: PromiseRecord[];
  disputes: DisputeRecord[];
  pause: { since: string; until?: string; reason?: string } | null;
  /** Set while the dunning clock is frozen (pause, or a whole-invoice dispute). */
  frozenSince: string | null;
  /** Total frozen time, for reporting. */
  clockShiftMs: number;
  /** Closed freeze periods: a step moves later by the frozen time after its anchor, so no step time is lost to a pause. */
  frozenPeriods: Array<{ from: string; to: string }>;
  /** After a partial payment the policy may hold dunning for a few days. */
  holdUntil: string | null;
  /** The step the planner considers next; null when the sequence is finished. */
  nextStepId: string | null;
  lastStep: { stepId: string; at: string } | null;
  brokenPromiseAt: string | null;
  sequence: 'running' | 'finished';
  steps: StepRecord[];
  contacts: ContactRecord[];
  /** Latest instant the reducer has seen: time-based transitions are applied up to here. */
  asOf: string;
  lastEvent: { type: InvoiceEventType; at: string; accepted: boolean; note: string } | null;
}

/** A new invoice entering dunning under `policy`. */
export function openInvoice(invoice: InvoiceFacts, policy: CompiledPolicy, at: string): InvoiceState {
  return {
    schemaVersion: invoiceStateSchemaVersion,
    policy: { id: policy.id, version: policy.version, contentHash: policy.contentHash },
    invoice,
    status: invoice.amountMinor <= toleranceMinor(invoice, policy) ? 'paid' : 'open',
    closedAt: null,
    balanceMinor: invoice.amountMinor,
    payments: [],
    adjustments: [],
    promises: [],
    disputes: [],
    pause: null,
    frozenSince: null,
    clockShiftMs: 0,
    frozenPeriods: [],
    holdUntil: null,
    nextStepId: policy.steps[0]?.id ?? null,
    lastStep: null,
    brokenPromiseAt: null,
    sequence: policy.steps.length > 0 ? 'running' : 'finished',
    steps: [],
    contacts: [],
    asOf: at,
    lastEvent: null,
  };
}

export function toleranceMinor(invoice: InvoiceFacts, policy: CompiledPolicy): number {
  const absolute = Math.round(policy.balanceTolerance.amount * 10 ** currencyExponent(invoice.currency));
  const relative = Math.floor((invoice.amountMinor * policy.balanceTolerance.percent) / 100);
  return Math.max(absolute, relative);
}

export function activePromise(state: InvoiceState): PromiseRecord | undefined {
  return state.promises.find((p) => p.status === 'active');
}

export function openDisputes(state: InvoiceState): DisputeRecord[] {
  return state.disputes.filter((d) => d.status === 'open');
}

/** The balance dunning may pursue: in `disputed-amount` mode the disputed part is set aside. */
export function collectibleMinor(state: InvoiceState, policy: CompiledPolicy): number {
  if (policy.onDispute.pause !== 'disputed-amount') return state.balanceMinor;
  const disputed = openDisputes(state).reduce((sum, d) => sum + d.amountMinor, 0);
  return Math.max(0, state.balanceMinor - disputed);
}

/** Frozen time after `anchorMs`: how much later a step anchored there runs. */
export function frozenMillisAfter(state: InvoiceState, anchorMs: number): number {
  return state.frozenPeriods.reduce((sum, p) => sum + Math.max(0, ms(p.to) - Math.max(ms(p.from), anchorMs)), 0);
}

export function isFrozen(state: InvoiceState, policy: CompiledPolicy): boolean {
  return state.pause !== null || (policy.onDispute.pause === 'invoice' && openDisputes(state).length > 0);
}

const isoDatePattern = /^\d{4}-\d{2}-\d{2}$/;

function validDate(date: string): boolean {
  return isoDatePattern.test(date) && DateTime.fromISO(date, { zone: 'utc' }).isValid;
}

function validInstant(at: string): boolean {
  return DateTime.fromISO(at, { setZone: true }).isValid && /[zZ]|[+-]\d{2}:?\d{2}$/.test(at);
}

function localDate(at: string, zone: string): string {
  return DateTime.fromISO(at, { zone }).toISODate() ?? at.slice(0, 10);
}

function ms(at: string): number {
  return DateTime.fromISO(at).toMillis();
}

function iso(millis: number): string {
  return DateTime.fromMillis(millis, { zone: 'utc' }).toISO({ suppressMilliseconds: true }) ?? '';
}

/**
 * Why `event` cannot be applied, or null when it can. Update validators call this so a bad promise or an
 * out-of-turn step is refused before it is written to history.
 */
export function checkInvoiceEvent(state: InvoiceState, event: InvoiceEvent, policy: CompiledPolicy): string | null {
  if (!validInstant(event.at)) return `at ${JSON.stringify(event.at)} is not an ISO 8601 instant with an offset, e.g. 2025-03-01T14:00:00Z`;
  const zone = state.invoice.debtor.timeZone;
  switch (event.type) {
    case 'payment': {
      if (!Number.isSafeInteger(event.amountMinor) || event.amountMinor <= 0) {
        return `payment ${event.reference}: amountMinor ${event.amountMinor} must be a positive whole number of minor units; record a reversal as an amount adjustment`;
      }
      const seen = state.payments.find((p) => p.reference === event.reference);
      if (seen) {
        return seen.amountMinor === event.amountMinor
          ? `payment ${event.reference} was already applied at ${seen.at}; ignored (payments are idempotent by reference)`
          : `payment ${event.reference} was already applied with amountMinor ${seen.amountMinor}, not ${event.amountMinor}; use a new reference for a second payment`;
      }
      return null;
    }
    case 'promise-to-pay': {
      const terms = policy.onPromiseToPay;
      if (!terms) return `policy ${policy.id} v${policy.version} does not accept promises to pay (no onPromiseToPay)`;
      if (state.status !== 'open') return `invoice is ${state.status}; a promise to pay needs an open balance`;
      if (!validDate(event.payBy)) return `payBy ${JSON.stringify(event.payBy)} is not a date YYYY-MM-DD`;
      const today = localDate(event.at, zone);
      if (event.payBy < today) return `payBy ${event.payBy} is before today (${today} in ${zone})`;
      const latest = addCalendarDays(today, terms.maxDays);
      if (event.payBy > latest) return `payBy ${event.payBy} is more than ${terms.maxDays} days away (onPromiseToPay.maxDays); the latest allowed date is ${latest}`;
      if (event.amountMinor !== undefined && (!Number.isSafeInteger(event.amountMinor) || event.amountMinor <= 0)) {
        return `promise ${event.promiseId}: amountMinor must be a positive whole number of minor units`;
      }
      if (state.promises.some((p) => p.promiseId === event.promiseId)) return `promise ${event.promiseId} was already recorded; ignored`;
      return null;
    }
    case 'dispute-opened': {
      if (state.disputes.some((d) => d.disputeId === event.disputeId)) return `dispute ${event.disputeId} was already opened; ignored`;
      if (event.amountMinor !== undefined && (!Number.isSafeInteger(event.amountMinor) || event.amountMinor <= 0)) {
        return `dispute ${event.disputeId}: amountMinor must be a positive whole number of minor units`;
      }
      return null;
    }
    case 'dispute-resolved': {
      const dispute = state.disputes.find((d) => d.disputeId === event.disputeId);
      if (!dispute) return `dispute ${event.disputeId} is not known; open it before resolving it`;
      if (dispute.status !== 'open') return `dispute ${event.disputeId} was already resolved (${dispute.status}); ignored`;
      if (event.outcome === 'credit' && (event.creditMinor === undefined || !Number.isSafeInteger(event.creditMinor) || event.creditMinor <= 0)) {
        return `dispute ${event.disputeId}: outcome credit needs creditMinor, a positive whole number of minor units`;
      }
      return null;
    }
    case 'paused':
      if (event.until !== undefined && (!validInstant(event.until) || ms(event.until) <= ms(event.at))) {
        return `until ${JSON.stringify(event.until)} must be an ISO instant after the pause (${event.at})`;
      }
      return null;
    case 'resumed':
      return state.pause ? null : 'invoice is not paused; ignored';
    case 'due-date-changed':
      return validDate(event.dueDate) ? null : `dueDate ${JSON.stringify(event.dueDate)} is not a date YYYY-MM-DD`;
    case 'amount-adjusted':
      if (!Number.isSafeInteger(event.amountMinor) || event.amountMinor === 0) {
        return `adjustment ${event.reference}: amountMinor must be a non-zero whole number of minor units (negative for a credit memo)`;
      }
      return state.adjustments.some((a) => a.reference === event.reference) ? `adjustment ${event.reference} was already applied; ignored` : null;
    case 'step-completed':
    case 'step-skipped': {
      if (!policy.steps.some((s) => s.id === event.stepId)) return `step ${event.stepId} is not in policy ${policy.id} v${policy.version}`;
      if (state.nextStepId !== event.stepId) {
        return `step ${event.stepId} is not the next step (next is ${state.nextStepId ?? 'none: the sequence is finished'}); ignored so a retry cannot send twice`;
      }
      return null;
    }
    case 'clock':
      return null;
  }
}

/** Applies one event. Returns a new state; the input is not modified. */
export function applyInvoiceEvent(state: InvoiceState, event: InvoiceEvent, policy: CompiledPolicy): InvoiceState {
  const next: InvoiceState = JSON.parse(JSON.stringify(state)) as InvoiceState;
  // Time-based transitions up to the event come first and stand even if the event is refused: a promise that
  // broke before a step-completed arrives moves the cursor, and the now-stale step event is then rejected.
  const notes = validInstant(event.at) ? advanceClock(next, policy, event.at) : [];
  const problem = checkInvoiceEvent(next, event, policy);
  if (problem) {
    next.lastEvent = { type: event.type, at: event.at, accepted: false, note: [...notes, problem].join('; ') };
    return next;
  }
  notes.push(applyAccepted(next, event, policy));
  updateFreeze(next, policy, event.at);
  next.lastEvent = { type: event.type, at: event.at, accepted: true, note: notes.filter(Boolean).join('; ') };
  return next;
}

/** Applies time-based transitions (pause expiry, broken promises) that fall due at or before `at`, in time order. */
function advanceClock(state: InvoiceState, policy: CompiledPolicy, at: string): string[] {
  const notes: string[] = [];
  const target = Math.max(ms(at), ms(state.asOf));
  for (;;) {
    const promise = activePromise(state);
    const candidates: Array<{ when: number; apply: () => void }> = [];
    if (state.pause?.until !== undefined && ms(state.pause.until) <= target) {
      const until = state.pause.until;
      candidates.push({
        when: ms(until),
        apply: () => {
          state.pause = null;
          updateFreeze(state, policy, until);
          notes.push(`pause ended at ${until}`);
        },
      });
    }
    if (promise && ms(promise.checkAt) <= target) {
      candidates.push({ when: ms(promise.checkAt), apply: () => notes.push(breakPromise(state, policy, promise)) });
    }
    if (candidates.length === 0) break;
    candidates.sort((a, b) => a.when - b.when);
    candidates[0]?.apply();
  }
  state.asOf = iso(target);
  return notes;
}

function breakPromise(state: InvoiceState, policy: CompiledPolicy, promise: PromiseRecord): string {
  promise.status = 'broken';
  promise.settledAt = promise.checkAt;
  state.brokenPromiseAt = promise.checkAt;
  const goTo = policy.onPromiseToPay?.whenBroken.goTo;
  if (goTo) moveTo(state, goTo);
  return `promise ${promise.promiseId} to pay by ${promise.payBy} broken${goTo ? `; continuing at step ${goTo}` : ''}`;
}

function moveTo(state: InvoiceState, stepId: string): void {
  state.nextStepId = stepId;
  state.sequence = 'running';
}

function updateFreeze(state: InvoiceState, policy: CompiledPolicy, at: string): void {
  const frozen = isFrozen(state, policy);
  if (frozen && state.frozenSince === null) state.frozenSince = at;
  if (!frozen && state.frozenSince !== null) {
    state.clockShiftMs += Math.max(0, ms(at) - ms(state.frozenSince));
    if (ms(at) > ms(state.frozenSince)) state.frozenPeriods.push({ from: state.frozenSince, to: at });
    state.frozenSince = null;
  }
}

/** Re-derives paid/credited from the balance; a debit memo can reopen a settled invoice. */
function settle(state: InvoiceState, policy: CompiledPolicy, at: string, closedBy: 'paid' | 'credited'): string {
  const tolerance = toleranceMinor(state.invoice, policy);
  if (state.status === 'open' && state.balanceMinor <= tolerance) {
    state.status = closedBy;
    state.closedAt = at;
    const promise = activePromise(state);
    if (promise) {
      promise.status = 'kept';
      promise.settledAt = at;
    }
    const currency = state.invoice.currency;
    return state.balanceMinor > 0
      ? `${closedBy}: remaining ${formatAmountPlain(state.balanceMinor, currency)} is within the tolerance of ${formatAmountPlain(tolerance, currency)}`
      : closedBy;
  }
  if (state.status !== 'open' && state.balanceMinor > tolerance) {
    state.status = 'open';
    state.closedAt = null;
    return 'balance above tolerance again: reopened';
  }
  return '';
}

function applyAccepted(state: InvoiceState, event: InvoiceEvent, policy: CompiledPolicy): string {
  const zone = state.invoice.debtor.timeZone;
  switch (event.type) {
    case 'payment': {
      state.payments.push({ reference: event.reference, amountMinor: event.amountMinor, at: event.at });
      state.balanceMinor -= event.amountMinor;
      const notes: string[] = [];
      const promise = activePromise(state);
      if (promise) {
        const paidSince = state.payments.filter((p) => ms(p.at) >= ms(promise.madeAt)).reduce((sum, p) => sum + p.amountMinor, 0);
        if (paidSince >= promise.amountMinor) {
          promise.status = 'kept';
          promise.settledAt = event.at;
          notes.push(`promise ${promise.promiseId} kept`);
        }
      }
      const settled = settle(state, policy, event.at, 'paid');
      if (settled) notes.push(settled);
      else if (state.status === 'open') {
        notes.push('partial payment');
        const { holdDays, goTo } = policy.onPartialPayment;
        if (holdDays > 0) state.holdUntil = iso(ms(event.at) + holdDays * 86_400_000);
        if (goTo) moveTo(state, goTo);
      }
      return notes.join('; ');
    }
    case 'promise-to-pay': {
      const terms = policy.onPromiseToPay;
      const previous = activePromise(state);
      if (previous) {
        previous.status = 'superseded';
        previous.settledAt = event.at;
      }
      const graceEnd = addBusinessDays(event.payBy, terms?.graceDays ?? 0, policy.sendWindow.calendar);
      const checkAt = DateTime.fromISO(addCalendarDays(graceEnd, 1), { zone }).startOf('day').toUTC().toISO({ suppressMilliseconds: true }) ?? event.at;
      state.promises.push({
        promiseId: event.promiseId,
        madeAt: event.at,
        payBy: event.payBy,
        amountMinor: Math.min(event.amountMinor ?? state.balanceMinor, state.balanceMinor),
        checkAt,
        status: 'active',
      });
      return `${previous ? `replaces promise ${previous.promiseId}; ` : ''}broken unless paid by ${checkAt}`;
    }
    case 'dispute-opened':
      state.disputes.push({
        disputeId: event.disputeId,
        openedAt: event.at,
        amountMinor: Math.min(event.amountMinor ?? state.balanceMinor, state.balanceMinor),
        ...(event.reason !== undefined ? { reason: event.reason } : {}),
        status: 'open',
      });
      return policy.onDispute.pause === 'invoice' ? 'dunning paused for the whole invoice' : 'disputed amount set aside; dunning continues on the rest';
    case 'dispute-resolved': {
      const dispute = state.disputes.find((d) => d.disputeId === event.disputeId);
      if (!dispute) return '';
      dispute.status = event.outcome;
      dispute.resolvedAt = event.at;
      const notes: string[] = [`dispute ${event.outcome}`];
      const credit = event.outcome === 'upheld' ? dispute.amountMinor : event.outcome === 'credit' ? (event.creditMinor ?? 0) : 0;
      if (credit > 0) {
        state.adjustments.push({ reference: `dispute:${dispute.disputeId}`, amountMinor: -credit, at: event.at, reason: `dispute ${event.outcome}` });
        state.balanceMinor -= credit;
        const settled = settle(state, policy, event.at, 'credited');
        if (settled) notes.push(settled);
      }
      const goTo = policy.onDispute.whenResolved.goTo;
      if (goTo && state.status === 'open' && openDisputes(state).length === 0) {
        moveTo(state, goTo);
        notes.push(`continuing at step ${goTo}`);
      }
      return notes.join('; ');
    }
    case 'paused':
      state.pause = { since: event.at, ...(event.until !== undefined ? { until: event.until } : {}), ...(event.reason !== undefined ? { reason: event.reason } : {}) };
      return event.until ? `paused until ${event.until}` : 'paused until resumed';
    case 'resumed':
      state.pause = null;
      return 'resumed';
    case 'due-date-changed': {
      const before = state.invoice.dueDate;
      state.invoice.dueDate = event.dueDate;
      return `due date ${before} → ${event.dueDate}`;
    }
    case 'amount-adjusted':
      state.adjustments.push({ reference: event.reference, amountMinor: event.amountMinor, at: event.at, ...(event.reason !== undefined ? { reason: event.reason } : {}) });
      state.balanceMinor += event.amountMinor;
      return settle(state, policy, event.at, 'credited');
    case 'step-completed':
    case 'step-skipped': {
      const index = policy.steps.findIndex((s) => s.id === event.stepId);
      const step = policy.steps[index] as CompiledStep;
      if (event.type === 'step-completed') {
        const channel = event.channel ?? step.action;
        state.steps.push({ stepId: step.id, status: 'completed', at: event.at, channel });
        if (channel === 'email' || channel === 'sms') state.contacts.push({ at: event.at, channel, stepId: step.id });
      } else {
        state.steps.push({ stepId: step.id, status: 'skipped', at: event.at, reason: event.reason });
      }
      state.lastStep = { stepId: step.id, at: event.at };
      const following = policy.steps[index + 1];
      const finished = step.final || !following;
      state.nextStepId = finished ? null : (following?.id ?? null);
      if (finished) state.sequence = 'finished';
      return finished ? 'sequence finished' : '';
    }
    case 'clock':
      return '';
  }
}
