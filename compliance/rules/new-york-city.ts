/**
 * New York City DCWP debt collection rules, 6 RCNY 5-76 ff. (RULES.md §11; texts to verify before launch).
 *
 * From 2026-09-01 (also binding original creditors): at most 3 communications or attempts in any 7-day
 * period across all channels, per account; email and text need prior written, revocable consent. Counted
 * conservatively (§13 A9): every collector-initiated attempt in any medium, letters and unconnected calls
 * included; replies to consumer-initiated contacts excluded; legally required notices always sent but
 * counted toward later discretionary contacts. Before 2026-09-01: more than 2 in 7 days is excessive.
 */
import { cite } from '../citations.js';
import { formatDay, formatDayRange } from '../civil-date.js';
import { isCommunication, toConsumer, type Evaluation, type LedgerAttempt } from '../evaluation.js';
import { defer, deny, pass, type RuleFinding } from '../finding.js';
import { parseOptionalInstant } from '../instant.js';
import { worstWindow } from '../rolling-window.js';

/** 2026-09-01 00:00 in New York (EDT). */
const amendedRulesEffective = Date.parse('2026-09-01T00:00:00-04:00');
const requiredNotices = /^(validation-notice|validation|verification|required-by-law|legally-required|periodic-statement|required-notice)$/;
const msPerDay = 86_400_000;

function accountOf(ev: Evaluation, debtId: string | null): string | null {
  const ids = ev.context.nycAccountId;
  if (debtId === null) return null;
  if (typeof ids === 'object' && ids !== null) return ids[debtId] ?? debtId;
  return typeof ids === 'string' && debtId === ev.proposed.debtId ? ids : debtId;
}

export function newYorkCity(ev: Evaluation, at: number): RuleFinding[] {
  const { channel, inReplyTo, purpose } = ev.proposed;
  if (!ev.profile.newYorkCity || !isCommunication(channel) || !toConsumer(ev)) return [];
  const amended = at >= amendedRulesEffective;
  if (!amended && ev.profile.collectorType === 'first-party') return [];
  const findings: RuleFinding[] = [];

  if (channel === 'email' || channel === 'sms') {
    const consentAt = parseOptionalInstant(ev.context.electronicConsent?.[channel]?.writtenConsentAt, `context.electronicConsent.${channel}.writtenConsentAt`);
    findings.push(
      consentAt !== undefined && consentAt <= at
        ? pass('nyc.electronic-consent', 'law', [cite.nycElectronicConsent], `New York City: prior written consent to ${channel} on file (${new Date(consentAt).toISOString()}).`)
        : deny('nyc.electronic-consent', 'law', [cite.nycElectronicConsent], `New York City: ${channel === 'sms' ? 'texts' : 'emails'} need the consumer's prior written, revocable consent; none is on file (context.electronicConsent.${channel}.writtenConsentAt).`),
    );
  }
  if (inReplyTo !== undefined) return findings;
  if (requiredNotices.test(purpose)) {
    findings.push(pass('nyc.frequency', 'conservative', [amended ? cite.nycFrequency : cite.nycFrequencyBefore], `New York City: a legally required notice (${purpose}) is always sent; it counts toward later discretionary contacts.`));
    return findings;
  }
  const account = accountOf(ev, ev.proposed.debtId);
  const limit = amended ? 3 : 2;
  const counted = ev.attempts.filter(
    (a: LedgerAttempt) =>
      a.at >= at - 9 * msPerDay && a.direction === 'outbound' && a.party === 'consumer' && !a.isReply && (!amended || a.debtId === null || accountOf(ev, a.debtId) === account),
  );
  const w = worstWindow(ev.location.calendarZones, at, counted, limit, 7);
  const citation = amended ? cite.nycFrequency : cite.nycFrequencyBefore;
  const scope = amended ? `account ${account}` : 'the consumer (per creditor)';
  const span = formatDayRange(w.today - 6, w.today);
  // Law when calls, texts and emails that reached the consumer alone hit the cap; otherwise our
  // conservative counting (letters, unconnected calls) decided (RULES.md §13 A9).
  const strict = counted.filter((a) => a.connected && a.channel !== 'letter');
  const law = w.until !== undefined && worstWindow(ev.location.calendarZones, at, strict, limit, 7).until !== undefined;
  findings.push(
    w.until !== undefined
      ? defer('nyc.frequency', w.until, law ? 'law' : 'conservative', [citation], `New York City: ${w.inWindow.length} collector-initiated contacts or attempts (all channels) about ${scope} on ${span}; at most ${limit} in any 7 days, so the next is allowed on ${formatDay(w.release)}.${law ? '' : ' Letters and unconnected attempts are counted (conservative).'}`, w.inWindow.map((a) => a.id))
      : pass('nyc.frequency', 'conservative', [citation], `New York City: ${w.inWindow.length} contacts or attempts about ${scope} on ${span}; limit ${limit}.`, w.inWindow.map((a) => a.id)),
  );
  return findings;
}
