/**
 * Simulation: the invoice's whole life under a policy, by the same planner and reducer the workflow uses.
 * Events (payments, promises, disputes…) are interleaved at their instants; between them the clock jumps
 * straight to the next planned instant, so a year simulates in milliseconds.
 */
import { DateTime } from 'luxon';
import { applyInvoiceEvent } from './invoice-state.js';
import type { InvoiceEvent, InvoiceState } from './invoice-state.js';
import { planNextAction } from './plan.js';
import type { PlannedStepAction } from './plan.js';
import { formatAmountPlain } from './money.js';
import type { CompiledPolicy } from './policy.js';

export interface TimelineEntry {
  /** UTC instant. */
  at: string;
  /** Same instant in the debtor's zone. */
  localAt: string;
  kind: 'action' | 'skipped' | 'event' | 'rejected' | 'check' | 'end';
  stepId?: string;
  action?: string;
  channel?: string;
  template?: string;
  subject?: string;
  /** For SMS: segments of the rendered text including injected notices. */
  smsSegments?: number;
  requiresApproval?: boolean;
  fallback?: string;
  detail: string;
  balanceMinor: number;
}

export interface SimulationOptions {
  /** Where the simulation clock starts (UTC ISO); the issue date's local midnight when absent. */
  start?: string;
  /** Stop here even if the sequence is not finished; 400 days after the start when absent. */
  until?: string;
  /** Renders the subject (or SMS text) of an action; errors become part of the entry's detail. */
  describe?: (action: PlannedStepAction, state: InvoiceState) => { subject?: string; smsSegments?: number };
}

export interface SimulationResult {
  timeline: TimelineEntry[];
  finalState: InvoiceState;
}

const maxIterations = 5_000;

export function simulateInvoice(
  policy: CompiledPolicy,
  initial: InvoiceState,
  events: readonly InvoiceEvent[],
  options: SimulationOptions = {},
): SimulationResult {
  const zone = initial.invoice.debtor.timeZone;
  const local = (at: string): string => DateTime.fromISO(at, { zone }).toISO({ suppressMilliseconds: true }) ?? at;
  const startAt = options.start ?? DateTime.fromISO(initial.invoice.issueDate, { zone }).startOf('day').toUTC().toISO({ suppressMilliseconds: true }) ?? initial.asOf;
  const until = DateTime.fromISO(options.until ?? DateTime.fromISO(startAt).plus({ days: 400 }).toISO() ?? startAt).toMillis();
  const queue = [...events].sort((a, b) => DateTime.fromISO(a.at).toMillis() - DateTime.fromISO(b.at).toMillis());
  const timeline: TimelineEntry[] = [];
  let state = initial;
  let now = startAt;
  let next = 0;

  const apply = (event: InvoiceEvent): void => {
    state = applyInvoiceEvent(state, event, policy);
    const outcome = state.lastEvent;
    if ((event.type === 'step-completed' || event.type === 'step-skipped') && outcome?.accepted) return;
    if (event.type === 'clock' && outcome?.note === '') return;
    timeline.push({
      at: event.at,
      localAt: local(event.at),
      kind: outcome?.accepted ? (event.type === 'clock' ? 'check' : 'event') : 'rejected',
      detail: `${event.type === 'clock' ? '' : `${describeEvent(event, state.invoice.currency)}: `}${outcome?.note ?? ''}`.replace(/: $/, ''),
      balanceMinor: state.balanceMinor,
    });
  };

  for (let i = 0; i < maxIterations; i++) {
    const plan = planNextAction(state, policy, now);
    const nextEvent = queue[next];
    const planAt = plan.kind === 'none' ? Number.POSITIVE_INFINITY : DateTime.fromISO(plan.at).toMillis();
    const eventAt = nextEvent ? DateTime.fromISO(nextEvent.at).toMillis() : Number.POSITIVE_INFINITY;
    if (Math.min(planAt, eventAt) > until) {
      timeline.push({ at: now, localAt: local(now), kind: 'end', detail: plan.kind === 'none' ? plan.reason : `simulation horizon reached; next: ${plan.kind} at ${plan.at}`, balanceMinor: state.balanceMinor });
      break;
    }
    if (nextEvent && eventAt <= planAt) {
      now = DateTime.fromMillis(Math.max(eventAt, DateTime.fromISO(now).toMillis()), { zone: 'utc' }).toISO({ suppressMilliseconds: true }) ?? now;
      next++;
      apply(nextEvent);
      continue;
    }
    if (plan.kind === 'none') {
      timeline.push({ at: now, localAt: local(now), kind: 'end', detail: plan.reason, balanceMinor: state.balanceMinor });
      break;
    }
    now = plan.at;
    for (const skip of plan.skipped) {
      apply({ type: 'step-skipped', at: now, stepId: skip.stepId, reason: skip.reason });
      timeline.push({ at: now, localAt: local(now), kind: 'skipped', stepId: skip.stepId, detail: skip.reason, balanceMinor: state.balanceMinor });
    }
    if (plan.kind === 'wake') {
      apply({ type: 'clock', at: now });
    } else if (plan.kind === 'skip') {
      apply({ type: 'step-skipped', at: now, stepId: plan.stepId, reason: plan.reason });
      timeline.push({ at: now, localAt: local(now), kind: 'skipped', stepId: plan.stepId, detail: plan.reason, balanceMinor: state.balanceMinor });
    } else {
      const rendered = options.describe?.(plan, state) ?? {};
      timeline.push({
        at: plan.at,
        localAt: plan.localAt,
        kind: 'action',
        stepId: plan.stepId,
        action: plan.action,
        channel: plan.channel,
        ...(plan.template !== undefined ? { template: plan.template } : {}),
        ...rendered,
        requiresApproval: plan.requiresApproval,
        ...(plan.fallback !== undefined ? { fallback: plan.fallback } : {}),
        detail: plan.reason,
        balanceMinor: state.balanceMinor,
      });
      apply({ type: 'step-completed', at: plan.at, stepId: plan.stepId, channel: plan.channel });
    }
  }
  return { timeline, finalState: state };
}

export function describeEvent(event: InvoiceEvent, currency: string): string {
  const money = (minor: number): string => formatAmountPlain(minor, currency);
  switch (event.type) {
    case 'payment':
      return `payment ${event.reference} of ${money(event.amountMinor)}`;
    case 'promise-to-pay':
      return `promise to pay ${event.promiseId}${event.amountMinor !== undefined ? ` ${money(event.amountMinor)}` : ''} by ${event.payBy}`;
    case 'dispute-opened':
      return `dispute ${event.disputeId} opened${event.amountMinor !== undefined ? ` for ${money(event.amountMinor)}` : ''}${event.reason ? ` (${event.reason})` : ''}`;
    case 'dispute-resolved':
      return `dispute ${event.disputeId} resolved: ${event.outcome}${event.creditMinor !== undefined ? ` ${money(event.creditMinor)}` : ''}`;
    case 'paused':
      return `paused${event.reason ? ` (${event.reason})` : ''}`;
    case 'resumed':
      return 'resumed';
    case 'due-date-changed':
      return `due date changed to ${event.dueDate}`;
    case 'amount-adjusted':
      return `amount adjusted ${event.reference} by ${money(event.amountMinor)}`;
    case 'step-completed':
      return `step ${event.stepId} completed`;
    case 'step-skipped':
      return `step ${event.stepId} skipped`;
    case 'clock':
      return 'time passes';
  }
}
