/**
 * Places: inconvenient places (1006.6(b)(1)(ii)), the workplace when the employer prohibits contact
 * (1006.6(b)(3)) and employer-provided email (1006.22(f)(3)) (RULES.md §4).
 *
 * Home mail and home landlines are tied to the home; work landlines and employer email to the workplace.
 * Mobile numbers and personal email are tied to no place and stay usable (comment 6(b)(1)(ii)-1).
 */
import { cite } from '../citations.js';
import { creditorNotes } from '../designated-times.js';
import { isCommunication, isWorkAddress, toConsumer, type Evaluation } from '../evaluation.js';
import { deny, pass, weakerBasis, type RuleFinding } from '../finding.js';
import { emailBasisKind } from './electronic-safe-harbor.js';

const workWords = /\b(at work|to work|workplace|at my job|employer|office|work (phone|line|number|email))\b/i;
const prohibitionWords = /\b(can'?t|cannot|not allowed|no|don'?t|do not|never|prohibit|prohibits|forbid|forbids|won'?t let)\b/i;
const homePlaces = /^(home|residence|house)$/;
const workPlaces = /^(work|workplace|office|employer|job)$/;

/** Does the proposed contact reach the consumer at home? Home landline, or a letter to the home address. */
function atHome(ev: Evaluation): boolean {
  const { channel, to } = ev.proposed;
  if (channel === 'call' || channel === 'ringless_voicemail') return to !== undefined && ev.numberType(to) === 'landline-home';
  if (channel === 'letter') return to === undefined || /home|residence|mailing/i.test(to);
  return false;
}

export function places(ev: Evaluation): RuleFinding[] {
  const channel = ev.proposed.channel;
  if (!isCommunication(channel) || !toConsumer(ev)) return [];
  const profileBasis = ev.consumerRules ? (ev.profile.regFBasis ?? 'policy') : 'policy';
  const scope = ev.consumerRules ? ev.profile.regFCitations : [`Not covered: ${ev.profile.description}; honoured by company policy`];
  const to = ev.proposed.to;
  const findings: RuleFinding[] = [];
  const atWork = isWorkAddress(ev, to) || (channel === 'letter' && to !== undefined && /work|office|employer/i.test(to));

  if (atWork) {
    const employer = ev.eventsOf('employer_prohibits')[0];
    const placeEvent = ev.eventsOf('inconvenient_place', 'medium_restriction').find((e) => workPlaces.test((e.raw.place ?? e.raw.scope ?? '').trim().toLowerCase()));
    const note = creditorNotes(ev).find((n) => workWords.test(n) && prohibitionWords.test(n));
    if (employer || placeEvent || note !== undefined) {
      const source = employer ? employer.id : placeEvent ? placeEvent.id : `creditor file note "${note}"`;
      findings.push(
        deny(
          'reg-f.workplace',
          weakerBasis('law', profileBasis),
          [cite.workplace, cite.workplaceComment, ...(note !== undefined && !employer && !placeEvent ? [cite.designatedInconvenient] : []), ...scope],
          `${to} is a workplace ${channel === 'email' ? 'email address' : channel === 'letter' ? 'address' : 'line'}, and the collector knows the consumer cannot be contacted at work (${source}); "I can't take calls at work" is enough. Use a mobile number or personal email instead.`,
        ),
      );
    }
  }

  if (atHome(ev)) {
    const home = ev.eventsOf('inconvenient_place', 'medium_restriction').find((e) => homePlaces.test((e.raw.place ?? e.raw.scope ?? '').trim().toLowerCase()));
    if (home) {
      findings.push(
        deny(
          'reg-f.inconvenient-place',
          weakerBasis('law', profileBasis),
          [cite.inconvenientPlace, cite.placeComment, ...scope],
          `The consumer said home is an inconvenient place (${home.id}); home mail and the home landline are tied to that place. Mobile numbers and email addresses stay usable.`,
        ),
      );
    }
  }

  if (channel === 'email' && to !== undefined && ev.context.emails?.[to]?.employerProvided === true && ev.consumerRules) {
    const basis = ev.context.emails[to]?.basis ?? ev.context.emailBasis?.type ?? '';
    // Only these bases survive an employer-provided address: the consumer used or consented to it, or (iii).
    const kind = emailBasisKind(basis);
    if (kind === 'i-A' || kind === 'i-B' || kind === 'iii') {
      findings.push(pass('reg-f.employer-email', weakerBasis('law', profileBasis), [cite.employerEmail, ...scope], `${to} is employer-provided but qualifies under ${basis}.`));
    } else {
      findings.push(
        deny(
          'reg-f.employer-email',
          weakerBasis('law', profileBasis),
          [cite.employerEmail, 'comment 6(d)(4)(ii)(E)-2', ...scope],
          `${to} is known to be employer-provided; it may be used only if the consumer used it with the collector or consented to it directly (1006.6(d)(4)(i)) or under the prior-collector procedure ((d)(4)(iii))${basis ? `, not under ${basis}` : ''}.`,
        ),
      );
    }
  }
  return findings;
}
