/**
 * Washington Collection Agency Act, RCW 19.16.250 (RULES.md §11), for licensed collection agencies:
 * harassment is presumed for communicating with the debtor or spouse more than 3 times in a single week,
 * or more than once a week at the workplace. "Week" = any 7 consecutive days. Counted conservatively
 * (§13 A10): every collector-initiated attempt that connected or was delivered, in any medium, across the
 * debtor's debts; `policy.waCountCompletedOnly` lets counsel count completed communications only.
 * Replies to the debtor's own communications are excepted. Reg F's 08:00 start is stricter than WA's 07:30.
 */
import { cite } from '../citations.js';
import { formatDay, formatDayRange } from '../civil-date.js';
import { isCommunication, isWorkAddress, toConsumer, type Evaluation, type LedgerAttempt } from '../evaluation.js';
import { defer, pass, type RuleFinding } from '../finding.js';
import { worstWindow } from '../rolling-window.js';

const msPerDay = 86_400_000;

function completed(a: LedgerAttempt): boolean {
  return a.outcome !== 'placed' && !(a.outcome === 'voicemail' && a.voicemailAvailable === false);
}

export function washington(ev: Evaluation, at: number): RuleFinding[] {
  const { channel, inReplyTo, to } = ev.proposed;
  if (!ev.profile.washington || !isCommunication(channel) || !toConsumer(ev) || inReplyTo !== undefined) return [];
  const attempts = ev.attempts.filter((a) => a.at >= at - 9 * msPerDay && a.direction === 'outbound' && a.party === 'consumer' && !a.isReply && a.connected);
  const counted = ev.policy.waCountCompletedOnly ? attempts.filter(completed) : attempts;
  const findings: RuleFinding[] = [];

  const w = worstWindow(ev.location.calendarZones, at, counted, 3, 7);
  const span = formatDayRange(w.today - 6, w.today);
  if (w.until !== undefined) {
    // Law when completed communications alone reach the cap; otherwise our conservative counting decided.
    const law = worstWindow(ev.location.calendarZones, at, counted.filter(completed), 3, 7).until !== undefined;
    findings.push(
      defer(
        'washington.weekly-communications',
        w.until,
        law ? 'law' : 'conservative',
        [cite.washington],
        `Washington: ${w.inWindow.length} collector-initiated communications with the debtor (all debts, all media) on ${span}; more than 3 in a week is presumed harassment, so the next is allowed on ${formatDay(w.release)}.${law ? '' : ' Unanswered attempts are counted (conservative reading of "made with").'}`,
        w.inWindow.map((a) => a.id),
      ),
    );
  } else {
    findings.push(pass('washington.weekly-communications', 'law', [cite.washington], `Washington: ${w.inWindow.length} communications with the debtor on ${span}; limit 3 per week.`, w.inWindow.map((a) => a.id)));
  }

  if (isWorkAddress(ev, to)) {
    const atWork = counted.filter((a) => isWorkAddress(ev, a.to));
    const work = worstWindow(ev.location.calendarZones, at, atWork, 1, 7);
    if (work.until !== undefined) {
      findings.push(
        defer('washington.workplace', work.until, 'law', [cite.washington], `Washington: already contacted the debtor at the workplace on ${formatDayRange(work.today - 6, work.today)} (${work.inWindow.map((a) => a.id).join(', ')}); at most once a week there, next on ${formatDay(work.release)}.`, work.inWindow.map((a) => a.id)),
      );
    }
  }
  return findings;
}
