/**
 * `planNextAction`: given an invoice's state, its pinned policy and the current instant, what happens next and
 * when. Pure and deterministic (the workflow calls it on every wake-up; replays must agree), so `now` is an
 * argument and every local-time decision uses the debtor's IANA zone.
 */
import { DateTime } from 'luxon';
import { addBusinessDays, isBusinessDay } from './calendar.js';
import { activePromise, collectibleMinor, frozenMillisAfter, isFrozen, openDisputes, toleranceMinor } from './invoice-state.js';
import type { ContactRecord, InvoiceState } from './invoice-state.js';
import { jitterSeconds } from './jitter.js';
import { currencyExponent, formatAmountPlain } from './money.js';
import { formatOffset } from './offset.js';
import type { CompiledPolicy, CompiledStep, FallbackChannel } from './policy.js';

export interface SkippedStep {
  stepId: string;
  reason: string;
}

export interface PlannedStepAction {
  kind: 'action';
  /** UTC ISO instant; never before `now`, always inside the send window for messages. */
  at: string;
  /** The same instant in the debtor's zone, with offset, for people reading a timeline. */
  localAt: string;
  timeZone: string;
  stepId: string;
  action: CompiledStep['action'];
  /** Where the message or task goes; differs from `action` when the debtor cannot be reached on it. */
  channel: CompiledStep['action'];
  template?: string;
  tone: CompiledStep['tone'];
  queue?: string;
  url?: string;
  fallback?: FallbackChannel;
  requiresApproval: boolean;
  final: boolean;
  reason: string;
  /** Steps passed over on the way to this one; record them (step-skipped) when the action is carried out. */
  skipped: SkippedStep[];
}

export interface PlannedWake {
  kind: 'wake';
  /** Re-evaluate at this instant (apply a `clock` event): a promise deadline, the end of a pause or hold. */
  at: string;
  localAt: string;
  timeZone: string;
  reason: string;
  skipped: SkippedStep[];
}

export interface PlannedNothing {
  kind: 'none';
  reason: string;
  skipped: SkippedStep[];
}

export interface PlannedSkip {
  kind: 'skip';
  /** At this instant, record the step as skipped (step-skipped) if its conditions still fail then. */
  at: string;
  localAt: string;
  timeZone: string;
  stepId: string;
  reason: string;
  skipped: SkippedStep[];
}

export type NextAction = PlannedStepAction | PlannedSkip | PlannedWake | PlannedNothing;

export interface PlanOptions {
  /** Messages sent to the same debtor about other invoices, for the per-debtor caps. */
  debtorContacts?: readonly ContactRecord[];
}

interface Context {
  state: InvoiceState;
  policy: CompiledPolicy;
  zone: string;
  now: DateTime;
}

function toUtcIso(t: DateTime): string {
  return t.toUTC().toISO({ suppressMilliseconds: true }) ?? '';
}

function toLocalIso(t: DateTime, zone: string): string {
  return t.setZone(zone).toISO({ suppressMilliseconds: true }) ?? '';
}

/** The debtor's zone, falling back to the policy default when the invoice carries an invalid one. */
export function debtorZone(state: InvoiceState, policy: CompiledPolicy): string {
  const zone = state.invoice.debtor.timeZone;
  return DateTime.local({ zone }).isValid ? zone : policy.defaultTimeZone;
}

function minutesOf(hhmm: string): number {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

function atLocal(date: string, hhmm: string, zone: string): DateTime {
  const [year, month, day] = date.split('-').map(Number);
  const minutes = minutesOf(hhmm);
  // Luxon moves a wall time that falls in a spring-forward gap to the first valid instant after it.
  return DateTime.fromObject({ year, month, day, hour: Math.floor(minutes / 60), minute: minutes % 60 }, { zone });
}

function isSendDay(date: string, policy: CompiledPolicy): boolean {
  return !policy.sendWindow.businessDaysOnly || isBusinessDay(date, policy.sendWindow.calendar);
}

/**
 * The earliest instant at or after `earliest` that is inside the send window on an allowed day, without jitter.
 * Returns the window's close too so callers can keep jitter inside it.
 */
export function nextWindowOpening(earliest: DateTime, policy: CompiledPolicy, zone: string): { at: DateTime; closes: DateTime } {
  const { from, to } = policy.sendWindow;
  let local: DateTime = earliest.setZone(zone);
  // A window on business days only is at most a few weeks away even around year-end holidays; 400 days bounds a
  // calendar that (wrongly) has no business days at all.
  for (let i = 0; i < 400; i++) {
    const date = local.toISODate() ?? '';
    if (isSendDay(date, policy)) {
      const opens = atLocal(date, from, zone);
      const closes = atLocal(date, to, zone);
      if (local < closes) return { at: local < opens ? opens : local, closes };
    }
    local = local.plus({ days: 1 }).startOf('day');
  }
  return { at: local, closes: local };
}

function withJitter(base: { at: DateTime; closes: DateTime }, state: InvoiceState, stepId: string, policy: CompiledPolicy): DateTime {
  const span = Math.min(policy.sendWindow.jitterMinutes * 60, base.closes.diff(base.at, 'seconds').seconds - 60);
  return base.at.plus({ seconds: jitterSeconds(state.invoice.invoiceId, stepId, span) });
}

function anchorDate(step: CompiledStep, ctx: Context): string | undefined {
  const { state, zone } = ctx;
  switch (step.at.anchor) {
    case 'issue':
      return state.invoice.issueDate;
    case 'due':
      return state.invoice.dueDate;
    case 'previous':
      return state.lastStep ? (DateTime.fromISO(state.lastStep.at, { zone }).toISODate() ?? undefined) : state.invoice.issueDate;
    case 'brokenPromise':
      return state.brokenPromiseAt ? (DateTime.fromISO(state.brokenPromiseAt, { zone }).toISODate() ?? undefined) : undefined;
  }
}

/** The step's nominal local date: anchor plus offset, in calendar or business days. */
export function nominalDate(anchor: string, step: CompiledStep, policy: CompiledPolicy): string {
  const { amount, unit } = step.at.offset;
  const start = DateTime.fromISO(anchor, { zone: 'utc' });
  switch (unit) {
    case 'd':
      return start.plus({ days: amount }).toISODate() ?? anchor;
    case 'w':
      return start.plus({ weeks: amount }).toISODate() ?? anchor;
    case 'mo':
      // Luxon clamps to the month's last day: Jan 31 + 1mo = Feb 28 (Feb 29 in a leap year).
      return start.plus({ months: amount }).toISODate() ?? anchor;
    case 'bd':
      return addBusinessDays(anchor, amount, policy.sendWindow.calendar);
  }
}

/** When the step would fire if nothing else intervened: nominal local time, shifted by frozen time, aligned to the window. */
function stepInstant(step: CompiledStep, ctx: Context, previousAt: DateTime | undefined): DateTime | undefined {
  const { state, policy, zone } = ctx;
  const anchor = step.at.anchor === 'previous' && previousAt ? previousAt.setZone(zone).toISODate() ?? undefined : anchorDate(step, ctx);
  if (!anchor) return undefined;
  let nominal = atLocal(nominalDate(anchor, step, policy), step.at.time ?? policy.sendWindow.from, zone);
  // Time the invoice spent frozen (paused, disputed) after the anchor does not count towards the offset.
  const anchorMs =
    step.at.anchor === 'previous' && previousAt ? previousAt.toMillis() : DateTime.fromISO(anchor, { zone }).startOf('day').toMillis();
  nominal = nominal.plus({ milliseconds: frozenMillisAfter(state, anchorMs) });
  if (step.at.anchor === 'previous' && previousAt && nominal < previousAt) nominal = previousAt;
  return nominal;
}

function isMessage(channel: string): channel is 'email' | 'sms' {
  return channel === 'email' || channel === 'sms';
}

function conditionFailure(step: CompiledStep, ctx: Context): string | undefined {
  const { state, policy } = ctx;
  if (step.at.anchor === 'brokenPromise' && !state.brokenPromiseAt) return 'runs only after a broken promise to pay';
  const when = step.when;
  if (when.minBalance !== undefined) {
    const collectible = collectibleMinor(state, policy);
    const minimum = Math.round(when.minBalance * 10 ** currencyExponent(state.invoice.currency));
    if (collectible < minimum) {
      return `collectible balance ${formatAmountPlain(collectible, state.invoice.currency)} is below the step minimum ${formatAmountPlain(minimum, state.invoice.currency)}`;
    }
  }
  if (when.segment && !when.segment.includes(state.invoice.debtor.segment ?? '')) {
    return `debtor segment ${state.invoice.debtor.segment ?? '(none)'} is not one of ${when.segment.join(', ')}`;
  }
  const promise = activePromise(state);
  if (when.noActivePromise && promise) return `promise to pay ${promise.promiseId} is active (pay by ${promise.payBy})`;
  const disputes = openDisputes(state);
  if (when.notDisputed && disputes.length > 0) return `dispute ${disputes.map((d) => d.disputeId).join(', ')} is open`;
  return undefined;
}

/** The channel the step can actually use for this debtor, or why it cannot run at all. */
function reachableChannel(step: CompiledStep, ctx: Context): { channel: CompiledStep['action']; note?: string } | { failure: string } {
  const debtor = ctx.state.invoice.debtor;
  const missing = (channel: string): string | undefined =>
    channel === 'email' && !debtor.email ? 'no email address' : channel === 'sms' && !debtor.phone ? 'no mobile number' : undefined;
  const gap = missing(step.action);
  if (!gap) return { channel: step.action };
  if (step.fallback && !missing(step.fallback)) return { channel: step.fallback, note: `debtor has ${gap}; using fallback ${step.fallback}` };
  return { failure: `debtor has ${gap}${step.fallback ? ` and the fallback ${step.fallback} is not reachable either` : ''}` };
}

/** Moves a message later until the per-debtor day and week caps allow it (weeks are 7 local calendar days). */
function applyCaps(t: DateTime, ctx: Context, contacts: readonly ContactRecord[]): { at: DateTime; note?: string } {
  const { policy, zone } = ctx;
  const { maxMessagesPerDebtorPerDay: perDay, maxMessagesPerDebtorPerWeek: perWeek } = policy.compliance;
  if (perDay === undefined && perWeek === undefined) return { at: t };
  const days = contacts.map((c) => DateTime.fromISO(c.at, { zone }).toISODate() ?? '');
  let candidate: DateTime = t.setZone(zone);
  let note: string | undefined;
  for (let i = 0; i < 60; i++) {
    const date = candidate.toISODate() ?? '';
    const weekStart = candidate.minus({ days: 6 }).toISODate() ?? '';
    const today = days.filter((d) => d === date).length;
    const week = days.filter((d) => d >= weekStart && d <= date).length;
    if (perDay !== undefined && today >= perDay) note = `${today} message(s) already on ${date} (cap ${perDay} per day)`;
    else if (perWeek !== undefined && week >= perWeek) note = `${week} message(s) in the 7 days to ${date} (cap ${perWeek} per week)`;
    else return { at: candidate, ...(note ? { note: `deferred: ${note}` } : {}) };
    candidate = nextWindowOpening(candidate.plus({ days: 1 }).startOf('day'), policy, zone).at;
  }
  return { at: candidate, ...(note ? { note: `deferred: ${note}` } : {}) };
}

function describeTiming(step: CompiledStep): string {
  const anchor = { issue: 'issue date', due: 'due date', previous: 'previous step', brokenPromise: 'broken promise' }[step.at.anchor];
  return `${anchor} ${formatOffset(step.at.offset)}`;
}

export function planNextAction(state: InvoiceState, policy: CompiledPolicy, now: string, options: PlanOptions = {}): NextAction {
  const zone = debtorZone(state, policy);
  const nowTime = DateTime.fromISO(now, { zone: 'utc' });
  const ctx: Context = { state, policy, zone, now: nowTime };
  // A wake carries no skips: the transition it waits for (a broken promise, a pause ending) can change them.
  const wake = (at: DateTime, reason: string): PlannedWake => ({
    kind: 'wake',
    at: toUtcIso(at),
    localAt: toLocalIso(at, zone),
    timeZone: zone,
    reason,
    skipped: [],
  });

  if (state.status !== 'open') return { kind: 'none', reason: `invoice ${state.status} at ${state.closedAt ?? state.asOf}`, skipped: [] };

  // Time-based transitions the reducer has not applied yet come first: they can change what is next.
  const wakes: Array<{ at: DateTime; reason: string }> = [];
  const promise = activePromise(state);
  if (promise) wakes.push({ at: DateTime.fromISO(promise.checkAt, { zone: 'utc' }), reason: `check promise ${promise.promiseId} (pay by ${promise.payBy})` });
  if (state.pause) {
    if (state.pause.until) wakes.push({ at: DateTime.fromISO(state.pause.until, { zone: 'utc' }), reason: `pause ends` });
  }
  const soonestWake = wakes.sort((a, b) => a.at.toMillis() - b.at.toMillis())[0];
  if (soonestWake && soonestWake.at <= nowTime) return wake(soonestWake.at, soonestWake.reason);

  if (state.pause) {
    const why = `paused since ${state.pause.since}${state.pause.reason ? ` (${state.pause.reason})` : ''}`;
    return soonestWake ? wake(soonestWake.at, `${why}; ${soonestWake.reason}`) : { kind: 'none', reason: `${why}: resume to continue`, skipped: [] };
  }
  if (isFrozen(state, policy)) {
    const disputes = openDisputes(state).map((d) => d.disputeId).join(', ');
    const why = `dispute ${disputes} open: the whole invoice is paused until it is resolved (onDispute.pause: invoice)`;
    return soonestWake ? wake(soonestWake.at, `${why}; ${soonestWake.reason}`) : { kind: 'none', reason: why, skipped: [] };
  }
  if (collectibleMinor(state, policy) <= toleranceMinor(state.invoice, policy) && openDisputes(state).length > 0) {
    const why = 'the whole remaining balance is disputed: nothing to collect until a dispute is resolved';
    return soonestWake ? wake(soonestWake.at, `${why}; ${soonestWake.reason}`) : { kind: 'none', reason: why, skipped: [] };
  }
  if (state.nextStepId === null) {
    const last = state.lastStep ? ` after step ${state.lastStep.stepId}` : '';
    return soonestWake ? wake(soonestWake.at, soonestWake.reason) : { kind: 'none', reason: `sequence finished${last}`, skipped: [] };
  }

  const start = policy.steps.findIndex((s) => s.id === state.nextStepId);
  if (start < 0) return { kind: 'none', reason: `next step ${state.nextStepId} is not in policy ${policy.id} v${policy.version}`, skipped: [] };

  // Walk forward from the cursor. A step that is already due is superseded when a later step is due too, so an
  // invoice enrolled late (or back from a long pause) gets one current message, not a burst of stale ones.
  // A step whose conditions fail is skipped at its own time (a `skip` plan), so the decision uses the facts of
  // that moment: a promise kept before then lets the step run.
  const skipped: SkippedStep[] = [];
  let pendingSkips: SkippedStep[] = [];
  let candidate: { step: CompiledStep; at: DateTime; channel: CompiledStep['action']; note?: string } | undefined;
  let previousAt = state.lastStep ? DateTime.fromISO(state.lastStep.at, { zone: 'utc' }) : undefined;
  for (let i = start; i < policy.steps.length; i++) {
    const step = policy.steps[i] as CompiledStep;
    const at = stepInstant(step, ctx, candidate ? nowTime : previousAt);
    const failure = conditionFailure(step, ctx);
    const reach = failure ? undefined : reachableChannel(step, ctx);
    const blocked = failure ?? (reach && 'failure' in reach ? reach.failure : undefined) ?? (at ? undefined : 'its anchor date is unknown');
    if (blocked) {
      const due = !at || at <= nowTime;
      if (candidate) {
        if (!due) break;
        pendingSkips.push({ stepId: step.id, reason: blocked });
        continue;
      }
      if (!due && at) {
        if (soonestWake && soonestWake.at < at) return wake(soonestWake.at, `${soonestWake.reason} before step ${step.id}`);
        return { kind: 'skip', at: toUtcIso(at), localAt: toLocalIso(at, zone), timeZone: zone, stepId: step.id, reason: blocked, skipped };
      }
      skipped.push({ stepId: step.id, reason: blocked });
      previousAt = nowTime;
      if (step.final) break;
      continue;
    }
    if (!at) continue;
    const channel = reach && 'channel' in reach ? reach : { channel: step.action };
    if (!candidate) {
      candidate = { step, at, ...channel };
      if (at > nowTime || step.final) break;
      continue;
    }
    if (at <= nowTime) {
      skipped.push(...pendingSkips, { stepId: candidate.step.id, reason: `superseded: step ${step.id} is also due` });
      pendingSkips = [];
      candidate = { step, at, ...channel };
      if (step.final) break;
      continue;
    }
    break;
  }

  if (!candidate) {
    return soonestWake
      ? wake(soonestWake.at, soonestWake.reason)
      : { kind: 'none', reason: 'no remaining step can run for this invoice', skipped };
  }

  const { step } = candidate;
  if (step.final) {
    // Handing an account to an agency (or writing it off) while the debtor keeps a promise or disputes the debt
    // is the wrong call: the final action waits instead of being skipped.
    const openPromise = activePromise(state);
    if (openPromise) return wake(DateTime.fromISO(openPromise.checkAt, { zone: 'utc' }), `final action ${step.id} waits for promise ${openPromise.promiseId} (pay by ${openPromise.payBy})`);
    const disputes = openDisputes(state);
    if (disputes.length > 0) return { kind: 'none', reason: `final action ${step.id} waits until dispute ${disputes.map((d) => d.disputeId).join(', ')} is resolved`, skipped };
  }
  const notes: string[] = [`${describeTiming(step)}`];
  if (candidate.note) notes.push(candidate.note);
  let earliest = candidate.at;
  if (state.holdUntil) {
    const hold = DateTime.fromISO(state.holdUntil, { zone: 'utc' });
    if (hold > earliest) {
      earliest = hold;
      notes.push(`held after a partial payment until ${toLocalIso(hold, zone)}`);
    }
  }
  const message = isMessage(candidate.channel);
  let slot = message || step.action === 'call_task' ? nextWindowOpening(earliest, policy, zone) : { at: earliest, closes: earliest.plus({ days: 1 }) };
  let at = message || step.action === 'call_task' ? withJitter(slot, state, step.id, policy) : slot.at;
  if (message) {
    const capped = applyCaps(at, ctx, [...state.contacts, ...(options.debtorContacts ?? [])]);
    if (capped.note) {
      notes.push(capped.note);
      slot = nextWindowOpening(capped.at, policy, zone);
      at = withJitter(slot, state, step.id, policy);
    }
  }
  if (at < nowTime) {
    // Already due: go now if the window is open, else at the next opening (jittered, so a backlog does not burst).
    const opening = message || step.action === 'call_task' ? nextWindowOpening(nowTime, policy, zone) : { at: nowTime, closes: nowTime };
    at = opening.at.toMillis() === nowTime.toMillis() ? nowTime : withJitter(opening, state, step.id, policy);
  }
  if (soonestWake && soonestWake.at < at) return wake(soonestWake.at, `${soonestWake.reason} before step ${step.id}`);

  return {
    kind: 'action',
    at: toUtcIso(at),
    localAt: toLocalIso(at, zone),
    timeZone: zone,
    stepId: step.id,
    action: step.action,
    channel: candidate.channel,
    ...(step.template !== undefined ? { template: step.template } : {}),
    tone: step.tone,
    ...(step.queue !== undefined ? { queue: step.queue } : {}),
    ...(step.url !== undefined ? { url: step.url } : {}),
    ...(step.fallback !== undefined ? { fallback: step.fallback } : {}),
    requiresApproval: step.requiresApproval,
    final: step.final,
    reason: notes.join('; '),
    skipped,
  };
}
