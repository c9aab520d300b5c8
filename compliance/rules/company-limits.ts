/**
 * Company limits beyond the law (RULES.md §2.7), set to stay clear of the factors that rebut the
 * call-frequency presumption of compliance (comment 14(b)(2)(i)-2: two unanswered calls within minutes,
 * many calls in a day) and of cumulative harassment across channels (1006.14(a)). All `policy`; each is
 * configurable in `context.policy` and `null` switches it off. Consumer debts get the defaults; commercial
 * debts only the limits configured.
 */
import { cite } from '../citations.js';
import { formatDay, formatDayRange } from '../civil-date.js';
import { singleReply } from '../consumer-contact.js';
import { addressKey, attemptsSince, toConsumer, type Evaluation, type LedgerAttempt } from '../evaluation.js';
import { defer, pass, type RuleFinding } from '../finding.js';
import { isTelephoneCall } from './call-frequency.js';
import { worstWindow } from '../rolling-window.js';

const msPerDay = 86_400_000;
const citations = [cite.companyPolicy, cite.harassmentRebuttal];

function dedupeCalls(attempts: readonly LedgerAttempt[]): LedgerAttempt[] {
  const seen = new Set<string>();
  return attempts.filter((a) => {
    const k = a.callId ?? `${a.at}|${a.to ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** At most `limit` attempts on `days` consecutive local dates ending with the date of `at`, in every calendar zone. */
function perDays(ev: Evaluation, at: number, attempts: readonly LedgerAttempt[], limit: number, days: number, rule: string, what: string): RuleFinding {
  const w = worstWindow(ev.location.calendarZones, at, attempts, limit, days);
  const span = days === 1 ? formatDay(w.today) : formatDayRange(w.today - days + 1, w.today);
  const text = `${w.inWindow.length} ${what} on ${span} (${w.zone.name}); company limit ${limit} per ${days === 1 ? 'local day' : `${days} local days`}`;
  return w.until !== undefined
    ? defer(rule, w.until, 'policy', citations, `${text}; next allowed ${formatDay(w.release)}.`, w.inWindow.map((a) => a.id))
    : pass(rule, 'policy', citations, `${text}.`);
}

export function companyLimits(ev: Evaluation, at: number): RuleFinding[] {
  if (!toConsumer(ev)) return [];
  const { channel } = ev.proposed;
  const policy = ev.policy;
  const recent = attemptsSince(ev, at - 9 * msPerDay).filter((a) => a.direction === 'outbound' && a.party === 'consumer');
  const findings: RuleFinding[] = [];

  if (channel === 'call' || channel === 'ringless_voicemail') {
    // Only calls that reached the line: a busy signal is not the "unanswered call" of the CFPB's examples.
    const calls = dedupeCalls(recent.filter((a) => isTelephoneCall(a) && a.connected));
    const gap = policy.minMinutesBetweenCallsSameNumber;
    if (gap !== null && gap > 0) {
      const target = ev.proposed.to !== undefined ? addressKey(ev.proposed.to) : undefined;
      const sameNumber = calls.filter((a) => (a.to !== undefined ? addressKey(a.to) : undefined) === target);
      const last = sameNumber[sameNumber.length - 1];
      const until = last !== undefined ? last.at + gap * 60_000 : -Infinity;
      findings.push(
        last !== undefined && until > at
          ? defer(
              'policy.min-gap-same-number',
              until,
              'policy',
              citations,
              `Last call to ${ev.proposed.to ?? 'this number'} was ${Math.round((at - last.at) / 60_000)} minutes earlier (${last.id}); company policy keeps ${gap} minutes between calls to the same number.`,
              [last.id],
            )
          : pass('policy.min-gap-same-number', 'policy', citations, `No call to ${ev.proposed.to ?? 'this number'} in the last ${gap} minutes.`),
      );
    }
    const perDay = policy.maxCallAttemptsPerConsumerPerDay;
    if (perDay !== null && perDay > 0) {
      findings.push(perDays(ev, at, calls, perDay, 1, 'policy.calls-per-day', 'call attempt(s) to the consumer (all debts)'));
    }
  }

  // Replies to the consumer and bare opt-out confirmations are not unsolicited messages.
  const unsolicited = ev.proposed.inReplyTo === undefined && ev.proposed.content?.onlyConfirmsOptOut !== true && singleReply(ev).message === undefined;
  const notReplies = (a: LedgerAttempt): boolean => !a.isReply && a.purpose !== 'optout-confirmation';
  if (channel === 'sms' && unsolicited) {
    const texts = recent.filter((a) => a.channel === 'sms' && notReplies(a));
    if (policy.maxSmsPerConsumerPerDay !== null && policy.maxSmsPerConsumerPerDay > 0) {
      findings.push(perDays(ev, at, texts, policy.maxSmsPerConsumerPerDay, 1, 'policy.sms-per-day', 'text(s) to the consumer'));
    }
    if (policy.maxSmsPerConsumerPer7Days !== null && policy.maxSmsPerConsumerPer7Days > 0) {
      findings.push(perDays(ev, at, texts, policy.maxSmsPerConsumerPer7Days, 7, 'policy.sms-per-7-days', 'text(s) to the consumer'));
    }
  }
  if (channel === 'email' && unsolicited && policy.maxEmailsPerConsumerPerDay !== null && policy.maxEmailsPerConsumerPerDay > 0) {
    const emails = recent.filter((a) => a.channel === 'email' && notReplies(a));
    findings.push(perDays(ev, at, emails, policy.maxEmailsPerConsumerPerDay, 1, 'policy.emails-per-day', 'collection email(s) to the consumer'));
  }
  return findings;
}
