/**
 * Passive credit reporting, 12 CFR 1006.30(a) (RULES.md §9): before furnishing, the collector must have
 * spoken to the consumer about the debt (in person or by phone; a voicemail is not speaking), or sent a
 * letter or electronic message about it and waited a reasonable period for a notice of undeliverability:
 * 14 consecutive days counting the sending date as day 1 (comment 30(a)(1)-2). An undeliverability notice
 * inside that period resets the requirement (comment 30(a)(1)-3).
 */
import { cite } from '../citations.js';
import { formatDay } from '../civil-date.js';
import { concernsDebt, type Evaluation, type LedgerAttempt } from '../evaluation.js';
import { defer, deny, pass, weakerBasis, type RuleFinding } from '../finding.js';

const waitDays = 14;
const messageOutcomes = new Set(['letter_sent', 'email_sent', 'sms_sent']);

export function creditReporting(ev: Evaluation, at: number): RuleFinding[] {
  if (ev.proposed.channel !== 'credit_furnish') return [];
  if (!ev.consumerRules) {
    return [pass('reg-f.passive-credit-reporting', 'policy', [`Not covered: ${ev.profile.description}`], 'Regulation F furnishing rules do not apply to this debt.')];
  }
  const key = ev.particularDebtKey(ev.proposed.debtId);
  const basis = weakerBasis('law', ev.profile.regFBasis ?? 'policy');
  const citations = [cite.passiveCreditReporting, cite.passiveCreditReportingComment, ...ev.profile.regFCitations];
  const about = (a: LedgerAttempt): boolean => a.party === 'consumer' && concernsDebt(ev, a.debtId, key);

  const spoke = ev.attempts.find((a) => about(a) && a.outcome === 'conversation' && (a.channel === 'call' || a.channel === 'in_person'));
  if (spoke) {
    return [pass('reg-f.passive-credit-reporting', basis, citations, `The collector spoke with the consumer about the debt (${spoke.id}), so it may furnish.`, [spoke.id])];
  }
  const undeliverable = ev.eventsOf('undeliverable').filter((e) => concernsDebt(ev, e.debtId, key));
  const zones = ev.location.calendarZones;
  let ready: { a: LedgerAttempt; from: number } | undefined;
  let soonest: { a: LedgerAttempt; from: number } | undefined;
  const bounced: string[] = [];
  for (const a of ev.attempts) {
    if (!about(a) || a.direction !== 'outbound' || !messageOutcomes.has(a.outcome)) continue;
    // Day 1 is the sending date; furnishing is allowed from day 15, on every candidate calendar.
    const from = Math.max(...zones.map((z) => z.startOfDay(z.localDay(a.at) + waitDays)));
    const returned = !a.connected || undeliverable.some((e) => e.at >= a.at && e.at < from && (e.raw.channel === undefined || e.raw.channel === a.channel));
    if (returned) {
      bounced.push(a.id);
      continue;
    }
    if (from <= at) ready ??= { a, from };
    else if (soonest === undefined || from < soonest.from) soonest = { a, from };
  }
  const bouncedNote = bounced.length > 0 ? ` Returned as undeliverable within the waiting period, so not relied on: ${bounced.join(', ')}.` : '';
  if (ready) {
    return [pass('reg-f.passive-credit-reporting', basis, citations, `${ready.a.channel} about the debt sent ${formatDay(ev.location.primary.localDay(ready.a.at))} (${ready.a.id}); the 14-day wait for an undeliverability notice has passed with none.${bouncedNote}`, [ready.a.id])];
  }
  if (soonest) {
    return [
      defer(
        'reg-f.passive-credit-reporting',
        soonest.from,
        basis,
        citations,
        `No conversation with the consumer yet; ${soonest.a.channel} about the debt sent ${formatDay(ev.location.primary.localDay(soonest.a.at))} (${soonest.a.id}) is day 1 of a 14-day wait for an undeliverability notice, so furnishing may start on ${formatDay(ev.location.primary.localDay(soonest.from))}.${bouncedNote}`,
        [soonest.a.id],
      ),
    ];
  }
  return [
    deny(
      'reg-f.passive-credit-reporting',
      basis,
      citations,
      `The collector has neither spoken with the consumer about the debt nor sent a letter or electronic message about it (a voicemail does not count), so it may not furnish yet. Send a letter or message and wait 14 days, or speak with the consumer.${bouncedNote}`,
    ),
  ];
}
