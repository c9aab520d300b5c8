/**
 * Attorney representation, 12 CFR 1006.6(b)(2) (RULES.md §4).
 *
 * Once the collector knows the consumer has an attorney for the debt and knows, or can readily find,
 * the attorney's name and address, it must not communicate or attempt to communicate with the consumer
 * about that debt. Lifted only by the attorney's consent to direct contact (`attorney_consent`) or a
 * compliance review of the attorney's failure to respond: never automatically, so the decision is `deny`.
 * A consumer-initiated contact is consent to that exchange only (comment 6(b)(2)-1): one same-medium reply.
 */
import { cite } from '../citations.js';
import { singleReply } from '../consumer-contact.js';
import { concernsDebt, isCommunication, toConsumer, type Evaluation } from '../evaluation.js';
import { deny, pass, weakerBasis, type RuleFinding } from '../finding.js';

export function attorneyRepresentation(ev: Evaluation): RuleFinding[] {
  if (!isCommunication(ev.proposed.channel) || !toConsumer(ev)) return [];
  const key = ev.particularDebtKey(ev.proposed.debtId);
  const reps = ev.eventsOf('attorney_rep').filter((e) => concernsDebt(ev, e.debtId, key));
  if (reps.length === 0) return [];
  const consents = ev.eventsOf('attorney_consent');
  const binding = ev.consumerRules;
  const profileBasis = binding ? (ev.profile.regFBasis ?? 'policy') : 'policy';
  const citations = binding ? [cite.attorney, ...ev.profile.regFCitations] : [cite.attorney, `Not covered: ${ev.profile.description}; honoured by company policy`];

  const findings: RuleFinding[] = [];
  for (const rep of reps) {
    const lifted = consents.find((c) => c.at >= rep.at && concernsDebt(ev, c.debtId, key));
    if (lifted) {
      findings.push(pass('reg-f.attorney', weakerBasis('law', profileBasis), citations, `The consumer's attorney consented to direct contact (${lifted.id}) after representation was noted (${rep.id}).`));
      continue;
    }
    if (rep.raw.attorneyNameAddressKnown === false) {
      findings.push(
        pass(
          'reg-f.attorney',
          weakerBasis('law', profileBasis),
          citations,
          `Representation reported (${rep.id}) but the attorney's name and address are neither known nor readily ascertainable, so 1006.6(b)(2) does not yet bar contact; obtain them (the bar applies as soon as they are known).`,
        ),
      );
      continue;
    }
    const reply = singleReply(ev, rep.at);
    if (reply.message) {
      findings.push(
        pass(
          'reg-f.attorney',
          weakerBasis('law', profileBasis),
          [...citations, cite.attorneyComment],
          `The consumer initiated contact (${reply.message.id}) although represented (${rep.id}); that is consent to this exchange only, so one same-medium reply is permitted. Representation is unchanged and any further contact is blocked.`,
        ),
      );
      continue;
    }
    // RULES.md §4, §13 A7: representation of unclear scope is applied to every debt (conservative).
    const basis = weakerBasis(rep.debtId === null ? 'conservative' : 'law', profileBasis);
    findings.push(
      deny(
        'reg-f.attorney',
        basis,
        citations,
        `The consumer is represented by an attorney for ${rep.debtId ?? 'their debts (scope not stated: applied to every debt and queued for review)'} (${rep.id}); communicate with the attorney, not the consumer. Contact resumes only if the attorney consents or compliance review finds the attorney failed to respond within a reasonable time.${reply.refusal ? ` Not a permitted reply: ${reply.refusal}.` : ''}`,
      ),
    );
  }
  return findings;
}
