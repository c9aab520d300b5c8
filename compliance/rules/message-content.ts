/**
 * What a message must and must not contain: the opt-out notice in every electronic message (1006.6(e),
 * RULES.md §5.2), the debt-collector disclosure (1006.18(e), §8), limited-content voicemails only
 * (1006.2(j), policy), and never a number or address known to reach someone else (1006.6(d)(1), (d)(3)(ii)).
 */
import { cite } from '../citations.js';
import { addressKey, isCommunication, toConsumer, type Evaluation } from '../evaluation.js';
import { deny, pass, weakerBasis, type RuleFinding } from '../finding.js';
import { wrongNumbers } from './call-frequency.js';

export function messageContent(ev: Evaluation): RuleFinding[] {
  const { channel, content, voicemailScript, to } = ev.proposed;
  if (!isCommunication(channel) || !toConsumer(ev)) return [];
  const findings: RuleFinding[] = [];
  const profileBasis = ev.profile.regFBasis ?? 'policy';
  const scope = ev.profile.regFCitations;

  const wrong = to !== undefined ? wrongNumbers(ev).get(addressKey(to)) : undefined;
  if (wrong) {
    const electronic = channel === 'sms' || channel === 'email';
    findings.push(
      deny(
        'reg-f.wrong-number',
        electronic ? 'law' : 'conservative',
        [cite.thirdPartyDisclosure, electronic ? cite.knownDisclosureAddress : cite.wrongNumberComment],
        `${to} was reported as not the consumer's (${wrong.id}); contacting it would reach a third party${electronic ? ', and a collector must not send to an address it knows led to a disclosure' : ''}. Find a current number or address.`,
      ),
    );
  }
  if (!ev.consumerRules) return findings;

  const electronic = channel === 'sms' || channel === 'email';
  const confirmation = content?.onlyConfirmsOptOut === true;
  if (electronic && !confirmation) {
    findings.push(
      content?.optOutNotice === true
        ? pass('reg-f.opt-out-notice', weakerBasis('law', profileBasis), [cite.optOutNotice, ...scope], 'The message states a simple way to opt out of further messages to this address.')
        : deny(
            'reg-f.opt-out-notice',
            weakerBasis('law', profileBasis),
            [cite.optOutNotice, 'comment 6(e)-1', ...scope],
            `Every ${channel === 'sms' ? 'text' : 'email'} must state a reasonable, simple, free way to opt out (e.g. "Reply STOP", an unsubscribe link); content.optOutNotice is ${content?.optOutNotice === undefined ? 'not set' : 'false'}. Use a template with the notice.`,
          ),
    );
  }
  if ((electronic && !confirmation) || (channel === 'letter' && content !== undefined)) {
    findings.push(
      content?.debtCollectorDisclosure === true
        ? pass('reg-f.disclosure', weakerBasis('law', profileBasis), [cite.disclosureSubsequent, ...scope], 'The message discloses that it is from a debt collector.')
        : deny(
            'reg-f.disclosure',
            weakerBasis('law', profileBasis),
            [cite.disclosureInitial, cite.disclosureSubsequent, ...scope],
            `Every written or electronic communication must disclose that it is from a debt collector (the initial one also that information will be used to collect the debt); content.debtCollectorDisclosure is ${content?.debtCollectorDisclosure === undefined ? 'not set' : 'false'}.${content?.limitedContent ? ' Only voicemails can be limited-content messages (1006.2(j)).' : ''}`,
          ),
    );
  }
  if (channel === 'call' || channel === 'ringless_voicemail') {
    const script = voicemailScript ?? (channel === 'ringless_voicemail' && content ? { limitedContent: content.limitedContent, mentionsDebt: content.mentionsDebt } : undefined);
    if (script !== undefined) {
      const limited = script.limitedContent === true && script.mentionsDebt !== true;
      findings.push(
        limited
          ? pass('policy.limited-content-voicemail', 'policy', [cite.limitedContent, cite.companyVoicemail], 'The voicemail script is a limited-content message (no mention of the debt).')
          : deny(
              'policy.limited-content-voicemail',
              'policy',
              [cite.limitedContent, cite.companyVoicemail, cite.thirdPartyDisclosure],
              `The voicemail script ${script.mentionsDebt ? 'mentions the debt' : 'is not a limited-content message'}; it would be a communication that others with access to the voicemail may hear. Only limited-content messages (business name, request to reply, contact names, callback number) are left.`,
            ),
      );
    }
  }
  return findings;
}
