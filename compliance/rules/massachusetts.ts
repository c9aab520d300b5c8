/**
 * Massachusetts, 940 CMR 7.04(1)(f) and, for licensed collectors, 209 CMR 18.16(1)(d) (RULES.md §11):
 * at most 2 creditor-initiated telephone communications (live, text or recorded) per debt in any 7-day
 * period to the debtor's residence, cell or other personal number, and 2 per 30 days to any other number
 * such as work. Every call that rings or reaches voicemail counts, unless the caller was truly unable to
 * reach the debtor or leave a message (Armata v. Target, 480 Mass. 14 (2018)); busy and not-in-service
 * calls do not. Windows are rolling calendar days (§13 A8); texts are counted (conservative).
 */
import { cite } from '../citations.js';
import { formatDay, formatDayRange } from '../civil-date.js';
import { addressKey, concernsDebt, toConsumer, type Evaluation, type LedgerAttempt } from '../evaluation.js';
import { defer, pass, type RuleFinding } from '../finding.js';
import { worstWindow } from '../rolling-window.js';
import { wrongNumbers } from './call-frequency.js';

const msPerDay = 86_400_000;

export function massachusetts(ev: Evaluation, at: number): RuleFinding[] {
  const { channel, to, inReplyTo } = ev.proposed;
  if (!ev.profile.massachusetts || !toConsumer(ev) || inReplyTo !== undefined) return [];
  if (channel !== 'call' && channel !== 'ringless_voicemail' && channel !== 'sms') return [];
  const key = ev.particularDebtKey(ev.proposed.debtId);
  const wrong = wrongNumbers(ev);
  const otherNumber = (target: string | undefined): boolean => target !== undefined && ev.numberType(target) === 'landline-work';
  const proposedOther = otherNumber(to);
  const days = proposedOther ? 30 : 7;
  const counted: LedgerAttempt[] = [];
  for (const a of ev.attempts.filter((x) => x.at >= at - (days + 2) * msPerDay)) {
    if (a.direction !== 'outbound' || a.party !== 'consumer' || a.isReply || !concernsDebt(ev, a.debtId, key)) continue;
    if (a.channel !== 'call' && a.channel !== 'ringless_voicemail' && a.channel !== 'sms') continue;
    if (!a.connected || (a.to !== undefined && wrong.has(addressKey(a.to)))) continue;
    // Truly unable to reach the debtor or leave a message: the only exemption (Armata).
    if (a.outcome === 'placed' && a.voicemailAvailable === false) continue;
    if (otherNumber(a.to) !== proposedOther) continue;
    counted.push(a);
  }
  const w = worstWindow(ev.location.calendarZones, at, counted, 2, days);
  const citations = [cite.massachusettsCalls, ...(ev.profile.collectorType === 'third-party' ? [cite.massachusettsLicensed] : [])];
  const where = proposedOther ? 'a number other than the residence or personal cell (2 per 30 days)' : "the debtor's residence, cell or personal numbers (2 per 7 days)";
  const span = formatDayRange(w.today - days + 1, w.today);
  if (w.until !== undefined) {
    const textsMatter = w.inWindow.some((a) => a.channel === 'sms') && w.inWindow.filter((a) => a.channel !== 'sms').length < 2;
    return [
      defer(
        'massachusetts.telephone-communications',
        w.until,
        textsMatter ? 'conservative' : 'law',
        citations,
        `Massachusetts: ${w.inWindow.length} creditor-initiated telephone communications about ${ev.proposed.debtId} to ${where} on ${span} (${w.zone.name}); the next is allowed on ${formatDay(w.release)}.${textsMatter ? ' Texts are counted as telephone communications (conservative).' : ''}`,
        w.inWindow.map((a) => a.id),
      ),
    ];
  }
  return [pass('massachusetts.telephone-communications', 'law', citations, `Massachusetts: ${w.inWindow.length} telephone communications about ${ev.proposed.debtId} to ${where} on ${span}; limit 2.`, w.inWindow.map((a) => a.id))];
}
