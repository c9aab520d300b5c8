/**
 * Opt-outs and prohibited media, 12 CFR 1006.14(h) (RULES.md §5.3), and TCPA revocation keywords
 * (47 CFR 64.1200(a)(10)-(12), RULES.md §12).
 *
 * A request not to use a medium, or one address or number within it, bars it for every debt, immediately
 * (Reg F has no grace period; TCPA's 10 business days is an outer limit the engine does not use, §13 A12).
 * "Stop calling" bars calls only; an SMS opt-out bars that number for texts only (comment 14(h)(1)-3).
 * Free-text replies ("please stop texting me") count. Exceptions (14(h)(2)): one confirmation that says
 * nothing else, one reply when the person initiates contact through the barred medium, and communications
 * required by law; never the validation notice (comment 42(a)(1)-4).
 */
import { cite } from '../citations.js';
import { messageMedium, optOutMedia, singleReply } from '../consumer-contact.js';
import { addressKey, attemptsSince, isCommunication, mediumOf, mediumOfChannel, toConsumer, type Evaluation, type LedgerEvent, type Medium } from '../evaluation.js';
import { deny, pass, weakerBasis, type RuleFinding } from '../finding.js';
import type { Basis } from '../types.js';

const placeScopes = /^(home|residence|house|work|workplace|office|employer|job)$/;
const requiredByLaw = /^(required-by-law|legally-required|periodic-statement|reg-z-periodic-statement|required-notice|required-by-law-notice)$/;
/** FCC 24-24: one confirmation text, presumed compliant within 5 minutes of the revocation. */
const confirmationWindowMs = 5 * 60_000;

interface MediumBar {
  event: LedgerEvent;
  medium: Medium;
  address?: string;
  basis: Basis;
  said: string;
}

export function mediumBars(ev: Evaluation): MediumBar[] {
  const bars: MediumBar[] = [];
  for (const e of ev.eventsOf('optout', 'medium_restriction', 'tcpa_revocation', 'consumer_message')) {
    const raw = e.raw;
    if (e.type === 'consumer_message') {
      const media = optOutMedia(raw.text, messageMedium(e));
      for (const medium of media ?? []) {
        bars.push({ event: e, medium, ...(raw.address ? { address: raw.address } : {}), basis: 'law', said: `"${raw.text ?? ''}"` });
      }
      continue;
    }
    if (e.type === 'medium_restriction' && raw.scope !== undefined && placeScopes.test(raw.scope.trim().toLowerCase())) continue;
    const named = mediumOf(raw.channel ?? raw.medium);
    let medium: Medium;
    let basis: Basis = 'law';
    if (named !== undefined) medium = named;
    else if (e.type === 'tcpa_revocation') medium = 'sms';
    else if (raw.address?.includes('@')) medium = 'email';
    else {
      // No medium recorded: every medium (to that address, if one was given), conservatively.
      medium = 'all';
      basis = 'conservative';
    }
    if (e.type === 'tcpa_revocation' && medium === 'call') continue; // manual calls need no TCPA consent; see tcpa.ts
    const said = raw.keyword ? `"${raw.keyword}"` : raw.text ? `"${raw.text}"` : e.type.replace(/_/g, ' ');
    bars.push({ event: e, medium, ...(raw.address ? { address: raw.address } : {}), basis, said });
  }
  return bars;
}

export function prohibitedMedia(ev: Evaluation): RuleFinding[] {
  const channel = ev.proposed.channel;
  if (!isCommunication(channel) || !toConsumer(ev)) return [];
  const medium = mediumOfChannel(channel);
  const to = ev.proposed.to;
  const profileBasis = ev.consumerRules ? (ev.profile.regFBasis ?? 'policy') : 'policy';
  const scopeCitations = ev.consumerRules ? ev.profile.regFCitations : [`Not covered: ${ev.profile.description}; honoured by company policy`];
  const findings: RuleFinding[] = [];

  for (const bar of mediumBars(ev)) {
    if (bar.medium !== 'all' && bar.medium !== medium) continue;
    // A bar on one address leaves the medium's other addresses open; an unknown target is assumed to match.
    if (bar.address !== undefined && to !== undefined && addressKey(bar.address) !== addressKey(to)) continue;
    const tcpa = bar.event.type === 'tcpa_revocation' || (medium === 'sms' && bar.event.type === 'optout');
    const citations = [cite.prohibitedMedium, ...(channel === 'sms' || channel === 'email' ? [cite.optOutNotice] : []), ...(tcpa ? [cite.tcpaRevocation] : []), ...scopeCitations];
    const target = bar.address ? `${bar.address}` : bar.medium === 'all' ? 'any medium' : `${bar.medium}`;
    const content = ev.proposed.content;

    if (content?.onlyConfirmsOptOut === true && (channel === 'sms' || channel === 'email')) {
      const confirmed = attemptsSince(ev, bar.event.at).find((a) => a.direction === 'outbound' && a.purpose === 'optout-confirmation' && mediumOfChannel(a.channel) === medium);
      const late = channel === 'sms' && ev.proposed.at - bar.event.at > confirmationWindowMs;
      if (!confirmed && !late) {
        findings.push(pass('reg-f.prohibited-medium', weakerBasis('law', profileBasis), [cite.prohibitedMediumExceptions, ...citations], `One confirmation of the opt-out (${bar.event.id}) that says nothing else is permitted (1006.14(h)(2)(i); FCC 24-24 one confirmation text).`));
        continue;
      }
      findings.push(
        deny(
          'reg-f.prohibited-medium',
          weakerBasis('law', profileBasis),
          citations,
          confirmed
            ? `The one permitted confirmation of ${bar.event.id} was already sent (${confirmed.id}).`
            : `A confirmation text must go out within 5 minutes of the revocation (${bar.event.id}) to be presumed compliant (47 CFR 64.1200(a)(12)); this one would be later, so it is not sent.`,
        ),
      );
      continue;
    }
    const reply = singleReply(ev, bar.event.at);
    if (reply.message) {
      findings.push(pass('reg-f.prohibited-medium', weakerBasis('law', profileBasis), [cite.prohibitedMediumExceptions, ...citations], `The consumer initiated contact through the barred medium (${reply.message.id}); one reply through it is permitted (1006.14(h)(2)(ii)).`));
      continue;
    }
    if (requiredByLaw.test(ev.proposed.purpose)) {
      findings.push(pass('reg-f.prohibited-medium', weakerBasis('law', profileBasis), [cite.prohibitedMediumExceptions, ...citations], `A communication required by law (${ev.proposed.purpose}) may use the barred medium (1006.14(h)(2)(iii)).`));
      continue;
    }
    const validation = /validation/.test(ev.proposed.purpose) ? ` Required disclosures such as the validation notice cannot be delivered to an opted-out address either (${cite.optedOutDelivery}).` : '';
    findings.push(
      deny(
        'reg-f.prohibited-medium',
        weakerBasis(bar.basis, profileBasis),
        citations,
        `The consumer opted out of ${target} (${bar.said}, ${bar.event.id}, received ${new Date(bar.event.at).toISOString()}); it may not be used about any debt, effective immediately.${bar.basis === 'conservative' ? ' No medium was recorded, so every medium is barred (conservative).' : ''}${validation}${reply.refusal ? ` Not a permitted reply: ${reply.refusal}.` : ''}`,
      ),
    );
  }
  return findings;
}
