/**
 * Call frequency, 12 CFR 1006.14(b) (RULES.md §2): per person, per particular debt, counted on the
 * consumer's local calendar dates.
 *
 * (A) at most 7 calls in 7 consecutive days; (B) no call in the 7 days after a telephone conversation
 * (its date is day 1). Counted: outbound calls that connected to the person's numbers, whatever the number
 * (home, mobile, work), including rings with no answer, voicemails and ringless voicemails. Not counted:
 * busy or not-in-service calls (3)(ii), calls to attorneys, CRAs and creditors (3)(iii), calls to a number
 * later shown not to be the person's (comment 14(b)(2)(i)-3), inbound calls, texts and emails (comment
 * 14(b)-1), and calls placed in days 1-7 of consent given directly to the collector (3)(i).
 */
import { cite } from '../citations.js';
import { formatDay, formatDayRange, type DayNumber } from '../civil-date.js';
import { notGivenToCollector } from '../designated-times.js';
import { addressKey, attemptsSince, concernsDebt, exclude, toConsumer, type Evaluation, type LedgerAttempt, type LedgerEvent } from '../evaluation.js';
import { defer, pass, weakerBasis, type RuleFinding } from '../finding.js';
import { isInstantText, parseDate, parseInstant } from '../instant.js';
import type { Basis } from '../types.js';
import type { ZoneClock } from '../zone-clock.js';
import { countWindow } from '../rolling-window.js';

const msPerDay = 86_400_000;
const callLimit = 7;

export function isTelephoneCall(a: LedgerAttempt): boolean {
  return a.channel === 'call' || a.channel === 'ringless_voicemail';
}

/** Numbers reported as not the consumer's (wrong_number events). */
export function wrongNumbers(ev: Evaluation): Map<string, LedgerEvent> {
  const map = new Map<string, LedgerEvent>();
  for (const e of ev.eventsOf('wrong_number')) {
    const number = e.raw.number ?? e.raw.address ?? e.raw.to;
    if (number !== undefined) map.set(addressKey(number), e);
  }
  return map;
}

/** One call about several debts is one call per particular debt (rows share a callId). */
function callKey(a: LedgerAttempt): string {
  return a.callId ?? `${a.at}|${a.to ?? ''}|${a.channel}`;
}

interface ConsentPeriod {
  event: LedgerEvent;
  start: number;
  /** Exclusive end in a zone: day 8 after receipt, the consumer's own limit, revocation or a conversation. */
  end(zone: ZoneClock): number;
  endReason(zone: ZoneClock): string;
}

function boundInstant(text: string | undefined, field: string, zone: ZoneClock, edge: 'start' | 'end'): number | undefined {
  if (text === undefined) return undefined;
  if (isInstantText(text)) return parseInstant(text, field);
  const day = parseDate(text, field);
  return zone.startOfDay(edge === 'start' ? day : day + 1);
}

/** Consent to calls given directly to the collector, 1006.14(b)(3)(i) (RULES.md §2.5). */
function consentPeriods(ev: Evaluation, key: string, conversations: readonly LedgerAttempt[]): { periods: ConsentPeriod[]; rejected: string[] } {
  const periods: ConsentPeriod[] = [];
  const rejected: string[] = [];
  const revocations = ev.eventsOf('consent_revoked');
  for (const e of ev.eventsOf('consent_to_call')) {
    if (!concernsDebt(ev, e.debtId, key)) continue;
    const via = notGivenToCollector(e.raw);
    if (via !== undefined) {
      rejected.push(`consent ${e.id} was given to "${via}", not directly to the collector, so it does not exclude calls (comment 6(b)(4)(i)-2)`);
      continue;
    }
    const revoked = revocations.find((r) => r.at >= e.at && concernsDebt(ev, r.debtId, key));
    // A telephone conversation ends the consent; it starts a new prong (B) block (RULES.md §2.5).
    const talk = conversations.find((c) => c.at >= e.at);
    periods.push({
      event: e,
      start: Math.max(e.at, boundInstant(e.raw.validFrom, `${e.path}.validFrom`, ev.location.primary, 'start') ?? -Infinity),
      end: (zone) =>
        Math.min(
          zone.startOfDay(zone.localDay(e.at) + 7),
          boundInstant(e.raw.validTo, `${e.path}.validTo`, zone, 'end') ?? Infinity,
          revoked?.at ?? Infinity,
          talk !== undefined ? talk.at + 1 : Infinity,
        ),
      endReason: (zone) => {
        const end = Math.min(zone.startOfDay(zone.localDay(e.at) + 7), boundInstant(e.raw.validTo, `${e.path}.validTo`, zone, 'end') ?? Infinity);
        if (talk !== undefined && talk.at + 1 <= Math.min(end, revoked?.at ?? Infinity)) return `ended by the conversation ${talk.id}`;
        if (revoked !== undefined && revoked.at <= end) return `revoked by ${revoked.id}`;
        return `ends ${zone.describe(end)}`;
      },
    });
  }
  return { periods, rejected };
}

interface ZoneResult {
  zone: ZoneClock;
  day: DayNumber;
  consent?: ConsentPeriod;
  counted: LedgerAttempt[];
  /** First date on which prong (A) allows a call. */
  releaseA: DayNumber;
  /** Latest conversation date within the block, if any. */
  conversation?: { day: DayNumber; attempt: LedgerAttempt };
}

/** The counted calls of the 7 local days ending on the zone's current day: what prong (A) counts. */
function sevenDayWindow(r: ZoneResult): LedgerAttempt[] {
  return r.counted.filter((a) => {
    const d = r.zone.localDay(a.at);
    return d >= r.day - 6 && d <= r.day;
  });
}

export function callFrequency(ev: Evaluation, at: number): RuleFinding[] {
  const channel = ev.proposed.channel;
  if (!ev.consumerRules || !toConsumer(ev) || (channel !== 'call' && channel !== 'ringless_voicemail')) return [];
  const key = ev.particularDebtKey(ev.proposed.debtId);
  const profileBasis = ev.profile.regFBasis ?? 'policy';
  const wrong = wrongNumbers(ev);
  // Only the last 7 local days matter; 9 days of instants cover any zone's calendar.
  const recent = attemptsSince(ev, at - 9 * msPerDay);

  const conversations = ev.attempts.filter(
    (a) => a.outcome === 'conversation' && a.channel === 'call' && a.party === 'consumer' && concernsDebt(ev, a.debtId, key) && !(a.to !== undefined && wrong.has(addressKey(a.to))),
  );
  const { periods, rejected } = consentPeriods(ev, key, conversations);

  // Calls that could count, before consent (which depends on the zone's calendar).
  const candidates: LedgerAttempt[] = [];
  for (const a of recent) {
    if (!isTelephoneCall(a)) {
      if (a.debtId === null || concernsDebt(ev, a.debtId, key)) exclude(ev, a.id, `${a.channel}: texts, emails and letters are not calls (comment 14(b)-1)`);
      continue;
    }
    if (!concernsDebt(ev, a.debtId, key)) {
      exclude(ev, a.id, `attributed to ${a.debtId}, a different particular debt (${cite.particularDebt})`);
      continue;
    }
    if (a.direction === 'inbound') {
      exclude(ev, a.id, 'inbound call: not placed by the collector (its conversation still starts a prong (B) block)');
      continue;
    }
    if (!a.connected) {
      exclude(ev, a.id, `never connected (${a.disposition || 'not connected'}): ${cite.nonConnectedExclusion}`);
      continue;
    }
    if (a.party === 'excluded-party') {
      exclude(ev, a.id, `call to ${a.partyLabel}: outside the frequency rule (12 CFR 1006.14(b)(3)(iii))`);
      continue;
    }
    if (a.party === 'third-party') {
      exclude(ev, a.id, `call to ${a.partyLabel}: counts toward that person's own limit, not the consumer's`);
      continue;
    }
    if (a.to !== undefined && wrong.has(addressKey(a.to))) {
      exclude(ev, a.id, `to ${a.to}, later reported as not the consumer's number (${cite.wrongNumberComment})`);
      continue;
    }
    candidates.push(a);
  }

  const results: ZoneResult[] = ev.location.calendarZones.map((zone) => {
    const day = zone.localDay(at);
    const consent = periods.find((p) => at >= p.start && at < p.end(zone));
    const seen = new Set<string>();
    const counted: LedgerAttempt[] = [];
    for (const a of candidates) {
      const excludedBy = periods.find((p) => a.at >= p.start && a.at < p.end(zone));
      if (excludedBy) {
        exclude(ev, a.id, `placed during the consumer's direct consent (${excludedBy.event.id}), days 1-7: ${cite.callConsentExclusion}`);
        continue;
      }
      const k = callKey(a);
      if (seen.has(k)) continue;
      seen.add(k);
      counted.push(a);
    }
    const releaseA = countWindow(zone, at, counted, callLimit, 7).release;
    let conversation: ZoneResult['conversation'];
    for (const c of conversations) {
      const cDay = zone.localDay(c.at);
      if (cDay + 6 >= day && (conversation === undefined || cDay >= conversation.day)) conversation = { day: cDay, attempt: c };
    }
    return { zone, day, ...(consent ? { consent } : {}), counted, releaseA, ...(conversation ? { conversation } : {}) };
  });

  const citationsA = [cite.callFrequencyA, cite.callFrequencyViolation, ...ev.profile.regFCitations];
  const citationsB = [cite.callFrequencyB, cite.callFrequencyViolation, ...ev.profile.regFCitations];
  const debtText = key === ev.proposed.debtId ? ev.proposed.debtId : `${ev.proposed.debtId} (student loans under ${key} form one particular debt, ${cite.particularDebt})`;
  const active = results.filter((r) => r.consent === undefined);
  const primary = results[0] as ZoneResult;
  const rejectedNote = rejected.length > 0 ? ` ${rejected.join('; ')}.` : '';

  if (active.length === 0) {
    const consent = primary.consent as ConsentPeriod;
    return [
      pass(
        'reg-f.call-frequency',
        weakerBasis('law', profileBasis),
        [cite.callConsentExclusion, ...ev.profile.regFCitations],
        `The consumer gave consent directly to the collector (${consent.event.id}); calls on days 1-7 from its receipt are excluded from both limits (consent ${consent.endReason(primary.zone)}). Consent does not unlock inconvenient times or barred media.`,
      ),
    ];
  }

  const findings: RuleFinding[] = [];
  // Prong (A): the most restrictive calendar among the candidate zones (RULES.md §2.4, §13 A1).
  const untilA = (r: ZoneResult): number => (r.releaseA > r.day ? r.zone.startOfDay(r.releaseA) : -Infinity);
  const worstA = active.reduce((a, b) => (untilA(b) > untilA(a) ? b : a));
  if (untilA(worstA) > at) {
    const window = sevenDayWindow(worstA);
    const attributedToAll = window.some((a) => a.debtId === null);
    let basis: Basis = attributedToAll || (active.length > 1 && untilA(primary) < untilA(worstA)) ? 'conservative' : 'law';
    basis = weakerBasis(basis, profileBasis);
    findings.push(
      defer(
        'reg-f.call-frequency.seven-in-seven',
        untilA(worstA),
        basis,
        citationsA,
        `${window.length} counted calls to the consumer about ${debtText} on ${formatDayRange(worstA.day - 6, worstA.day)} (local dates, ${worstA.zone.name}); another call would be the ${window.length + 1}th in 7 consecutive days, more than 7. The next call is allowed on ${formatDay(worstA.releaseA)}.${attributedToAll ? ' Calls recorded without a debt are attributed to every debt (conservative, RULES.md §2.3).' : ''}${rejectedNote}`,
        window.map((a) => a.id),
      ),
    );
  } else {
    const window = sevenDayWindow(primary);
    findings.push(
      pass(
        'reg-f.call-frequency.seven-in-seven',
        weakerBasis('law', profileBasis),
        citationsA,
        `${window.length} counted calls to the consumer about ${debtText} on ${formatDayRange(primary.day - 6, primary.day)} (local dates, ${primary.zone.name}); this call would be number ${window.length + 1} of at most 7.${rejectedNote}`,
        window.map((a) => a.id),
      ),
    );
  }

  // Prong (B): the 7 days after a telephone conversation, inbound or outbound (date of conversation = day 1).
  const untilB = (r: ZoneResult): number => (r.conversation !== undefined ? r.zone.startOfDay(r.conversation.day + 7) : -Infinity);
  const worstB = active.reduce((a, b) => (untilB(b) > untilB(a) ? b : a));
  if (worstB.conversation !== undefined && untilB(worstB) > at) {
    const c = worstB.conversation.attempt;
    let basis: Basis = c.debtId === null || (active.length > 1 && untilB(primary) < untilB(worstB)) ? 'conservative' : 'law';
    basis = weakerBasis(basis, profileBasis);
    findings.push(
      defer(
        'reg-f.call-frequency.after-conversation',
        untilB(worstB),
        basis,
        citationsB,
        `Telephone conversation with the consumer about ${debtText} on ${formatDay(worstB.conversation.day)} (${c.id}, ${c.direction}); no call in the 7 days counting that date as day 1, so calls resume on ${formatDay(worstB.conversation.day + 7)}.${c.debtId === null ? ' The conversation named no debt and is attributed to every debt (conservative, RULES.md §13 A6).' : ''}`,
        [c.id],
      ),
    );
  } else {
    findings.push(
      pass(
        'reg-f.call-frequency.after-conversation',
        weakerBasis('law', profileBasis),
        citationsB,
        `No telephone conversation with the consumer about ${debtText} in the 7 local days ending ${formatDay(primary.day)}.`,
      ),
    );
  }
  return findings;
}
