/**
 * Validation notice, validation period, disputes and overshadowing: 12 CFR 1006.34, 1006.38, 1006.42(b)
 * and 15 U.S.C. 1692g (RULES.md §7).
 */
import { cite } from '../citations.js';
import { formatDay, type DayNumber } from '../civil-date.js';
import { concernsDebt, isCommunication, toConsumer, type Evaluation, type LedgerEvent } from '../evaluation.js';
import { assumedReceiptDay, validationPeriodEndDay } from '../federal-holidays.js';
import { defer, deny, pass, weakerBasis, type RuleFinding } from '../finding.js';
import { parseDate, parseOptionalInstant } from '../instant.js';
import type { Basis } from '../types.js';
import { writtenness } from './cease.js';

/** NYC's amended rules (effective 2026-09-01) drop the validation-period limit on disputes. */
const nycRulesEffective = Date.parse('2026-09-01T04:00:00Z');
const verificationPurposes = /^(verification|verification-notice|dispute-response|duplicative-dispute-notice|original-creditor-notice|original-creditor-info|judgment-copy)$/;
const validationPurposes = /^(validation-notice|validation|validation-information)$/;

export interface ValidationPeriod {
  /** When the validation information was provided (the period starts then). */
  providedAt?: number;
  endDay: DayNumber;
  /** How the end was established, for reasons. */
  how: string;
}

/** The period's end: the printed date binds (comment 34(b)(5)-1); otherwise the 1006.34(b)(5) mailbox rule. */
export function validationPeriod(ev: Evaluation): ValidationPeriod | undefined {
  const v = ev.context.validation;
  if (v === undefined || v === null) return undefined;
  const providedAt = parseOptionalInstant(v.noticeSentAt, 'context.validation.noticeSentAt');
  const provided = providedAt !== undefined ? { providedAt } : {};
  if (v.periodEnd !== undefined) return { ...provided, endDay: parseDate(v.periodEnd, 'context.validation.periodEnd'), how: `the end date on the notice, ${v.periodEnd}` };
  if (v.assumedReceipt !== undefined) {
    const end = validationPeriodEndDay(parseDate(v.assumedReceipt, 'context.validation.assumedReceipt'));
    return { ...provided, endDay: end, how: `30 days after assumed receipt on ${v.assumedReceipt}` };
  }
  if (providedAt === undefined) return undefined;
  const receipt = assumedReceiptDay(ev.location.primary.localDay(providedAt));
  return {
    providedAt,
    endDay: validationPeriodEndDay(receipt),
    how: `mailbox rule: receipt assumed ${formatDay(receipt)} (5 days after sending, skipping weekends and legal public holidays, actual and observed), period ends 30 days later`,
  };
}

function collectionContact(ev: Evaluation): boolean {
  return (isCommunication(ev.proposed.channel) && toConsumer(ev)) || ev.proposed.channel === 'credit_furnish';
}

function disputes(ev: Evaluation, period: ValidationPeriod | undefined, key: string, profileBasis: Basis): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const verifications = ev.eventsOf('verification_sent');
  const lifted = (d: LedgerEvent, also: (e: LedgerEvent) => boolean = () => true): LedgerEvent | undefined =>
    verifications.find((v) => v.at >= d.at && concernsDebt(ev, v.debtId, key) && also(v));
  const exempt = verificationPurposes.test(ev.proposed.purpose);
  const zone = ev.location.primary;

  for (const d of ev.eventsOf('dispute', 'original_creditor_request')) {
    if (!concernsDebt(ev, d.debtId, key)) continue;
    const isDispute = d.type === 'dispute';
    const { written, assumed } = writtenness(d);
    const receivedDay = zone.localDay(d.at);
    const nyc = isDispute && ev.profile.newYorkCity && d.at >= nycRulesEffective;
    const within = period === undefined ? undefined : receivedDay <= period.endDay;
    const answer = isDispute
      ? lifted(d)
      : (ev.eventsOf('original_creditor_sent').find((s) => s.at >= d.at && concernsDebt(ev, s.debtId, key)) ?? lifted(d, (v) => v.raw.includesOriginalCreditor === true));
    const what = isDispute ? `a ${written ? 'written' : 'oral'} dispute` : `a ${written ? 'written' : 'oral'} request for the original creditor's name and address`;
    const rule = isDispute ? 'reg-f.dispute' : 'reg-f.original-creditor-request';
    const citations = isDispute ? [cite.disputePause, cite.disputeStatute, ...ev.profile.regFCitations] : [cite.originalCreditorRequest, cite.disputeStatute, ...ev.profile.regFCitations];
    if (answer) {
      findings.push(pass(rule, weakerBasis('law', profileBasis), citations, `${what} (${d.id}) was answered by ${answer.id}; collection may resume.`));
      continue;
    }
    const pauses = written && (within !== false || nyc);
    if (pauses) {
      if (exempt) {
        findings.push(pass(rule, weakerBasis('law', profileBasis), citations, `This is the response the ${isDispute ? 'dispute' : 'request'} (${d.id}) requires.`));
        continue;
      }
      // Unknown period or an unrecorded channel: the pause is applied (conservative).
      let basis: Basis = within === undefined || assumed || nyc ? 'conservative' : 'law';
      if (d.debtId === null) basis = 'conservative';
      basis = weakerBasis(basis, profileBasis);
      findings.push(
        deny(
          rule,
          basis,
          nyc && within === false ? [...citations, cite.nycDisputes] : citations,
          `The consumer sent ${what} received ${formatDay(receivedDay)} (${d.id}), ${
            within === undefined ? 'and no validation period is on file, so it is treated as within the period (conservative)' : within ? `within the validation period (ends ${formatDay(period?.endDay ?? receivedDay)}, ${period?.how})` : 'after the validation period, but New York City rules drop that limit'
          }. Collection of the debt stops until ${isDispute ? 'verification or a copy of a judgment' : "the original creditor's name and address"} is sent by a 1006.42 method; record a verification_sent event to resume.`,
        ),
      );
      continue;
    }
    if (ev.policy.pauseOnAnyDispute && !exempt) {
      findings.push(deny(rule, 'policy', [cite.companyDisputePause, ...citations], `${what} (${d.id}) does not trigger the 1006.38 pause (${written ? 'received after the validation period' : 'not in writing'}), but company policy pauses on every dispute until it is answered.`));
      continue;
    }
    findings.push(
      pass(
        rule,
        weakerBasis('law', profileBasis),
        [...citations, '12 CFR 1006.18(c)(2)'],
        `${what} (${d.id}) ${written ? 'arrived after the validation period' : 'was not in writing'}, so 1006.38 does not pause collection (RULES.md §13 A14); the debt is flagged disputed: do not assume it valid, and report it to credit bureaus as disputed.`,
      ),
    );
  }
  return findings;
}

export function validation(ev: Evaluation, at: number): RuleFinding[] {
  if (!ev.consumerRules || !collectionContact(ev)) return [];
  const key = ev.particularDebtKey(ev.proposed.debtId);
  const profileBasis = ev.profile.regFBasis ?? 'policy';
  const zone = ev.location.primary;
  const period = validationPeriod(ev);
  const findings: RuleFinding[] = [...disputes(ev, period, key, profileBasis)];
  const { channel, content, purpose } = ev.proposed;
  const isValidationNotice = validationPurposes.test(purpose);

  // 1006.34(a)(1): notice in the initial communication or within 5 (calendar, §13 A5) days after it.
  const initial = parseOptionalInstant(ev.context.initialCommunicationAt, 'context.initialCommunicationAt');
  const noticeSent = period?.providedAt !== undefined && period.providedAt <= at;
  if (initial !== undefined && initial <= at && !noticeSent && !isValidationNotice && isCommunication(channel)) {
    const due = zone.localDay(initial) + 5;
    const today = zone.localDay(at);
    if (today > due) {
      findings.push(
        deny(
          'policy.validation-notice-hold',
          'policy',
          [cite.validationTiming, cite.companyValidationHold],
          `The initial communication was on ${formatDay(zone.localDay(initial))} and no validation notice has been sent; it was due by ${formatDay(due)}. Other collection messages are held until the notice is sent (record context.validation.noticeSentAt).`,
        ),
      );
    } else {
      findings.push(pass('policy.validation-notice-hold', 'policy', [cite.validationTiming], `Validation notice due by ${formatDay(due)} (5 days after the initial communication)${today >= zone.localDay(initial) + 3 ? '; alert: day 3 or later and not yet sent' : ''}.`));
    }
  }

  // 1006.42(b): a validation notice sent electronically after the initial communication needs E-SIGN consent.
  if (isValidationNotice && (channel === 'email' || channel === 'sms') && initial !== undefined && initial < at) {
    const consentAt = parseOptionalInstant(ev.context.electronicConsent?.[channel]?.writtenConsentAt, `context.electronicConsent.${channel}.writtenConsentAt`);
    if (consentAt === undefined || consentAt > at) {
      findings.push(
        deny(
          'reg-f.electronic-delivery',
          weakerBasis('law', profileBasis),
          [cite.electronicDelivery, ...ev.profile.regFCitations],
          `A validation notice sent by ${channel} after the initial communication must follow the E-SIGN consumer-consent procedure; no E-SIGN consent is on file (context.electronicConsent.${channel}.writtenConsentAt). Mail it instead.`,
        ),
      );
    }
  }

  // 1006.38(b): nothing during the period may overshadow the consumer's rights.
  const started = period !== undefined && (period.providedAt === undefined || period.providedAt <= at);
  if (period !== undefined && started && content !== undefined && isCommunication(channel)) {
    const today = zone.localDay(at);
    if (today <= period.endDay) {
      const days = content.paymentDeadlineDays;
      if (days !== undefined && today + days < period.endDay) {
        const from = period.endDay - days;
        findings.push(
          defer(
            'reg-f.overshadowing',
            zone.startOfDay(from),
            weakerBasis('law', profileBasis),
            [cite.overshadowing, ...ev.profile.regFCitations],
            `The message demands payment within ${days} days (by ${formatDay(today + days)}), before the validation period ends on ${formatDay(period.endDay)}: that overshadows the right to dispute. Use a template without the deadline now, or this one from ${formatDay(from)}.`,
          ),
        );
      } else if (content.threatensLegalAction === true) {
        findings.push(
          defer(
            'reg-f.overshadowing',
            zone.startOfDay(period.endDay + 1),
            weakerBasis('law', profileBasis),
            [cite.overshadowing, ...ev.profile.regFCitations],
            `The message threatens legal action during the validation period (ends ${formatDay(period.endDay)}), which overshadows the right to dispute. Use a template without the threat now, or this one after the period.`,
          ),
        );
      } else {
        findings.push(pass('reg-f.overshadowing', weakerBasis('law', profileBasis), [cite.overshadowing], `No deadline or threat before the validation period ends (${formatDay(period.endDay)}).`));
      }
    }
  }
  return findings;
}
