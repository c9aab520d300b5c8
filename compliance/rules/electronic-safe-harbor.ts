/**
 * Email and text-message procedures, 12 CFR 1006.6(d)(3)-(5) (RULES.md §6).
 *
 * The procedures are a bona fide error defence against third-party disclosure, not a mandate; the
 * company sends an email or text only with a documented basis (policy). Text bases need freshness: a
 * consumer text, a consent or a reassigned-numbers check within the past 60 days, re-evaluated at send
 * time. An address that led to a disclosure (a wrong-number report) is never used again ((d)(3)(ii)).
 */
import { cite } from '../citations.js';
import { messageMedium } from '../consumer-contact.js';
import { addressKey, toConsumer, type Evaluation } from '../evaluation.js';
import { deny, defer, pass, type RuleFinding } from '../finding.js';
import { isInstantText, parseDate, parseInstant, parseOptionalInstant } from '../instant.js';
import { formatDay } from '../civil-date.js';
import type { ElectronicBasis } from '../types.js';

export type EmailBasisKind = 'i-A' | 'i-B' | 'ii' | 'iii';
export type TextBasisKind = 'i' | 'ii';

const freshnessDays = 60;
const creditorNoticeMinimumDays = 35;

function compact(text: string): string {
  return text.replace(/\s+/g, '').toLowerCase();
}

export function emailBasisKind(text: string | undefined): EmailBasisKind | undefined {
  if (text === undefined) return undefined;
  const t = compact(text).replace(/^(12cfr)?(1006\.6)?(\(d\)\(4\))?/, '');
  if (/^\(iii\)/.test(t)) return 'iii';
  if (/^\(ii\)/.test(t)) return 'ii';
  if (/^\(i\)\(a\)/.test(t)) return 'i-A';
  if (/^\(i\)\(b\)/.test(t)) return 'i-B';
  return undefined;
}

export function textBasisKind(text: string | undefined): TextBasisKind | undefined {
  if (text === undefined) return undefined;
  const t = compact(text).replace(/^(12cfr)?(1006\.6)?(\(d\)\(5\))?/, '');
  if (/^\(ii\)/.test(t)) return 'ii';
  if (/^\(i\)/.test(t)) return 'i';
  return undefined;
}

const nonPublicDomain = /\.(gov|mil|edu)$/i;

function consumerUsed(ev: Evaluation, medium: 'email' | 'sms'): number | undefined {
  const to = ev.proposed.to;
  let latest: number | undefined;
  for (const m of ev.eventsOf('consumer_message')) {
    if (messageMedium(m) !== medium) continue;
    if (m.raw.address !== undefined && to !== undefined && addressKey(m.raw.address) !== addressKey(to)) continue;
    latest = Math.max(latest ?? -Infinity, m.at);
  }
  for (const a of ev.attempts) {
    if (a.direction === 'inbound' && a.channel === medium) latest = Math.max(latest ?? -Infinity, a.at);
  }
  return latest;
}

function emailChecks(ev: Evaluation, at: number): RuleFinding {
  const to = ev.proposed.to;
  const facts = to !== undefined ? ev.context.emails?.[to] : undefined;
  const recorded: ElectronicBasis | undefined = facts?.basis !== undefined ? { type: facts.basis } : (ev.context.emailBasis ?? undefined);
  const used = consumerUsed(ev, 'email');
  const kind = emailBasisKind(recorded?.type) ?? (used !== undefined ? 'i-A' : undefined);
  const citations = [cite.emailProcedures, cite.companyElectronicBasis, ...ev.profile.regFCitations];
  if (kind === undefined) {
    return deny(
      'reg-f.email-procedures',
      'policy',
      citations,
      `No documented 1006.6(d)(4) basis for emailing ${to ?? 'the consumer'}${recorded?.type ? ` ("${recorded.type}" is not a 1006.6(d)(4) paragraph)` : ''}; record one (the consumer used the address, consented directly, the creditor's notice procedure, or the prior-collector procedure) in context.emails or context.emailBasis.`,
    );
  }
  if (kind === 'ii') {
    const basis = ev.context.emailBasis ?? { type: '1006.6(d)(4)(ii)' };
    if (to !== undefined && (facts?.employerProvided === true || nonPublicDomain.test(to))) {
      return deny('reg-f.email-procedures', 'policy', [...citations, 'comment 6(d)(4)(ii)(E)-1'], `The creditor-notice procedure is unavailable for ${to}: its domain is not open to the general public or it is known to be employer-provided.`);
    }
    const noticeAt = parseOptionalInstant(basis.creditorNoticeSentAt, 'context.emailBasis.creditorNoticeSentAt');
    if (basis.optOutDeadline !== undefined) {
      const zone = ev.location.primary;
      const deadlineEnd = isInstantText(basis.optOutDeadline)
        ? parseInstant(basis.optOutDeadline, 'context.emailBasis.optOutDeadline')
        : zone.startOfDay(parseDate(basis.optOutDeadline, 'context.emailBasis.optOutDeadline') + 1);
      if (noticeAt !== undefined && zone.localDay(deadlineEnd - 1) < zone.localDay(noticeAt) + creditorNoticeMinimumDays) {
        return deny('reg-f.email-procedures', 'policy', citations, `The creditor's notice set an opt-out deadline fewer than 35 days after it was sent (1006.6(d)(4)(ii)(D)); the procedure is not satisfied.`);
      }
      if (at < deadlineEnd) {
        return defer('reg-f.email-procedures', deadlineEnd, 'policy', citations, `The creditor's notice opt-out deadline (${basis.optOutDeadline}) has not passed; the first email may go after it, absent an opt-out.`);
      }
    }
  }
  if (kind === 'iii' && ev.context.emailBasis?.priorCollectorUsed === false) {
    return deny('reg-f.email-procedures', 'policy', citations, 'The prior-collector procedure requires that the immediately prior collector used the address (1006.6(d)(4)(iii)).');
  }
  return pass('reg-f.email-procedures', 'policy', citations, `Email basis on file: 1006.6(d)(4)(${kind === 'i-A' ? 'i)(A' : kind === 'i-B' ? 'i)(B' : kind}).`);
}

function textChecks(ev: Evaluation, at: number): RuleFinding {
  const recorded = ev.context.smsBasis ?? undefined;
  const lastText = consumerUsed(ev, 'sms');
  const kind = textBasisKind(recorded?.type) ?? (lastText !== undefined ? 'i' : undefined);
  const citations = [cite.textProcedures, cite.companyElectronicBasis, ...ev.profile.regFCitations];
  const zone = ev.location.primary;
  if (kind === undefined) {
    return deny(
      'reg-f.text-procedures',
      'policy',
      citations,
      `No documented 1006.6(d)(5) basis for texting ${ev.proposed.to ?? 'the consumer'}${recorded?.type ? ` ("${recorded.type}" is not a 1006.6(d)(5) paragraph)` : ''}; record in context.smsBasis that the consumer texted from the number or consented directly.`,
    );
  }
  const rnd = parseOptionalInstant(recorded?.lastRndCheckAt, 'context.smsBasis.lastRndCheckAt');
  const consent = parseOptionalInstant(recorded?.consentAt, 'context.smsBasis.consentAt');
  // (i): the consumer's last text; (ii): the latest consent. A reassigned-numbers check after it also renews.
  const anchor = kind === 'i' ? (lastText ?? consent) : consent;
  if (anchor === undefined) {
    return pass('reg-f.text-procedures', 'policy', citations, `Text basis on file: 1006.6(d)(5)(${kind}); no date is recorded, so its 60-day freshness could not be checked against the ledger.`);
  }
  const today = zone.localDay(at);
  const freshFrom = Math.max(anchor, rnd !== undefined && rnd >= anchor ? rnd : -Infinity);
  const age = today - zone.localDay(freshFrom);
  if (age > freshnessDays) {
    return deny(
      'reg-f.text-procedures',
      'policy',
      citations,
      `The 1006.6(d)(5)(${kind}) basis is stale: the last ${kind === 'i' ? 'text from the consumer' : 'consent'}${rnd !== undefined && rnd >= anchor ? ' or reassigned-numbers check' : ''} was on ${formatDay(zone.localDay(freshFrom))}, ${age} days ago (limit 60). Check the reassigned-numbers database or renew consent first.`,
    );
  }
  return pass('reg-f.text-procedures', 'policy', citations, `Text basis 1006.6(d)(5)(${kind}) is fresh: ${age} days since the last ${kind === 'i' ? 'consumer text' : 'consent'} or reassigned-numbers check.`);
}

/** Email/text safe-harbour procedures, for consumer profiles. */
export function electronicSafeHarbor(ev: Evaluation, at: number): RuleFinding[] {
  const channel = ev.proposed.channel;
  if (!ev.consumerRules || !toConsumer(ev) || (channel !== 'email' && channel !== 'sms')) return [];
  // A bare confirmation of an opt-out goes back to the address that just opted out.
  if (ev.proposed.content?.onlyConfirmsOptOut === true) return [];
  return [channel === 'email' ? emailChecks(ev, at) : textChecks(ev, at)];
}
