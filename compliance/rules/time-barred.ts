/**
 * Time-barred debt, 12 CFR 1006.26(b) (RULES.md §9): no suit and no threat of suit once the statute of
 * limitations has expired. Not a timing question: the message must change, so the decision is `deny`.
 */
import { cite } from '../citations.js';
import { formatDay } from '../civil-date.js';
import { isCommunication, type Evaluation } from '../evaluation.js';
import { deny, pass, weakerBasis, type RuleFinding } from '../finding.js';
import { parseDate } from '../instant.js';

const litigationPurposes = /^(litigation|lawsuit|suit|sue|legal-action|file-suit|collection-suit|court-filing)$/;

export function timeBarred(ev: Evaluation, at: number): RuleFinding[] {
  if (!ev.consumerRules) return [];
  const { context, proposed } = ev;
  const expiredOn = context.statuteOfLimitationsExpired !== undefined ? parseDate(context.statuteOfLimitationsExpired.slice(0, 10), 'context.statuteOfLimitationsExpired') : undefined;
  const today = ev.location.primary.localDay(at);
  const barred = context.timeBarred === true || (expiredOn !== undefined && expiredOn <= today);
  if (!barred) return [];
  const threat = proposed.content?.threatensLegalAction === true || litigationPurposes.test(proposed.purpose);
  const since = expiredOn !== undefined ? ` (limitations expired ${formatDay(expiredOn)})` : '';
  const basis = weakerBasis('law', ev.profile.regFBasis ?? 'policy');
  if (threat && (isCommunication(proposed.channel) || litigationPurposes.test(proposed.purpose))) {
    return [
      deny(
        'reg-f.time-barred',
        basis,
        [cite.timeBarred, ...ev.profile.regFCitations],
        `The debt is time-barred${since}; a collector must not sue or threaten to sue on it. Remove the legal-action language or stop the litigation step.`,
      ),
    ];
  }
  return [pass('reg-f.time-barred', basis, [cite.timeBarred, ...ev.profile.regFCitations], `The debt is time-barred${since}; this contact makes no threat of suit. State or city time-barred disclosures may be required.`)];
}
