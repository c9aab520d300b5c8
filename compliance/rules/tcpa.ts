/**
 * TCPA, 47 U.S.C. 227 and 47 CFR 64.1200 (RULES.md §12), for every segment (it protects every wireless
 * number, business or personal).
 *
 * - Automated texts and prerecorded or artificial-voice calls (ringless voicemail included) to a mobile
 *   number need prior express consent. The SMS platform is treated as an autodialer (§13 A11,
 *   conservative). A consumer who gave the number for the debt, or texted the collector, consented
 *   (FCC 07-232); `tcpaConsent: null` records that no consent is on file.
 * - Revocation by any reasonable means is honoured immediately (§13 A12).
 * - Prerecorded calls to a residential landline without consent: at most 3 per 30 consecutive days.
 */
import { cite } from '../citations.js';
import { formatDay, formatDayRange } from '../civil-date.js';
import { messageMedium } from '../consumer-contact.js';
import { addressKey, attemptsSince, mediumOf, type Evaluation } from '../evaluation.js';
import { defer, deny, pass, type RuleFinding } from '../finding.js';
import { parseInstant } from '../instant.js';
import { worstWindow } from '../rolling-window.js';
import type { Basis } from '../types.js';

const msPerDay = 86_400_000;

function consentOnFile(ev: Evaluation, channel: 'sms' | 'call'): { at: number; source: string } | undefined {
  const recorded = ev.context.tcpaConsent;
  if (recorded !== undefined && recorded !== null) return { at: parseInstant(recorded.at, 'context.tcpaConsent.at'), source: 'context.tcpaConsent' };
  if (recorded === null) return undefined;
  if (channel === 'sms') {
    const texted = ev.eventsOf('consumer_message').find((m) => messageMedium(m) === 'sms');
    if (texted) return { at: texted.at, source: `the consumer texted the collector (${texted.id})` };
    if (ev.context.smsBasis) return { at: -Infinity, source: `the documented text basis ${ev.context.smsBasis.type}` };
  }
  return undefined;
}

export function tcpa(ev: Evaluation, at: number): RuleFinding[] {
  const { channel, to } = ev.proposed;
  const automated = channel === 'sms' || channel === 'ringless_voicemail' || (channel === 'call' && ev.proposed.prerecorded);
  if (!automated) return [];
  // An opt-out confirmation is the one message a revocation permits (47 CFR 64.1200(a)(12)); see prohibited-media.ts.
  if (ev.proposed.content?.onlyConfirmsOptOut === true) return [];
  const type = ev.numberType(to);
  const findings: RuleFinding[] = [];
  const kind = channel === 'sms' ? 'sms' : 'call';

  // Ringless voicemail to a number of unknown type is checked only when "no consent" is recorded outright.
  if (channel === 'sms' || type === 'mobile' || (channel === 'ringless_voicemail' && type === undefined && ev.context.tcpaConsent === null)) {
    const consent = consentOnFile(ev, kind);
    const what = channel === 'sms' ? 'an automated text' : 'a prerecorded or artificial-voice message';
    const basis: Basis = channel === 'sms' ? 'conservative' : 'law';
    if (consent === undefined) {
      findings.push(
        deny(
          'tcpa.consent',
          basis,
          [cite.tcpaConsent],
          `${what[0]?.toUpperCase()}${what.slice(1)} to a ${type ?? (channel === 'sms' ? 'mobile' : 'possibly mobile')} number needs the called party's prior express consent, and none is on file.${channel === 'sms' ? ' The texting platform is treated as an autodialer (conservative, RULES.md §13 A11).' : ''}`,
        ),
      );
      return findings;
    }
    const revocation = ev
      .eventsOf('tcpa_revocation', 'optout')
      .find((e) => e.at >= consent.at && (e.type === 'tcpa_revocation' || mediumOf(e.raw.channel) === kind) && (e.raw.address === undefined || to === undefined || addressKey(e.raw.address) === addressKey(to)));
    if (revocation) {
      findings.push(
        deny('tcpa.revocation', 'law', [cite.tcpaRevocation], `The consumer revoked consent (${revocation.raw.keyword ? `"${revocation.raw.keyword}", ` : ''}${revocation.id}); revocations are honoured immediately, not within the 10-business-day outer limit.`),
      );
      return findings;
    }
    findings.push(pass('tcpa.consent', basis, [cite.tcpaConsent], `Prior express consent for ${what}: ${consent.source}.`));
  }

  if (kind === 'call' && type === 'landline-home' && (ev.context.tcpaConsent === null || ev.context.tcpaConsent === undefined)) {
    const target = to !== undefined ? addressKey(to) : undefined;
    const prior = attemptsSince(ev, at - 32 * msPerDay).filter((a) => a.direction === 'outbound' && a.prerecorded && (a.to !== undefined ? addressKey(a.to) : undefined) === target);
    const w = worstWindow(ev.location.calendarZones, at, prior, 3, 30);
    findings.push(
      w.until !== undefined
        ? defer('tcpa.residential-prerecorded', w.until, 'law', [cite.tcpaResidentialPrerecorded], `${w.inWindow.length} prerecorded calls to the residential line ${to} on ${formatDayRange(w.today - 29, w.today)} without consent; at most 3 per 30 consecutive days, next on ${formatDay(w.release)}.`, w.inWindow.map((a) => a.id))
        : pass('tcpa.residential-prerecorded', 'law', [cite.tcpaResidentialPrerecorded], `${w.inWindow.length} prerecorded calls to ${to} in the last 30 days; limit 3 without consent (each must offer an automated opt-out).`),
    );
  }
  return findings;
}
