/**
 * Inconvenient times: 12 CFR 1006.6(b)(1)(i) and 15 U.S.C. 1692c(a)(1) (RULES.md §3), consumer-designated
 * times (comment 6(b)(1)-1, -2), consent to an otherwise inconvenient time (1006.6(b)(4)), and the company's
 * quiet hours for every segment (RULES.md §1.2) and for letters (§3.1).
 */
import { cite } from '../citations.js';
import { singleReply } from '../consumer-contact.js';
import { blockedWindows, consentWindows, permissionLikeNotes, type BlockedWindow } from '../designated-times.js';
import { isCommunication, mediumOfChannel, toConsumer, type Evaluation } from '../evaluation.js';
import { defer, pass, weakerBasis, type RuleFinding } from '../finding.js';
import { parseClockTime } from '../instant.js';
import { weekdayOf } from '../civil-date.js';
import type { ZoneClock } from '../zone-clock.js';
import type { Basis } from '../types.js';

/** RULES.md §0, §3.5: permitted hours are [08:00:00, 21:00:00) local. */
const opensAt = 8 * 3600;
const closesAt = 21 * 3600;

interface DailyWindow {
  days: ReadonlySet<number> | null;
  fromSecond: number;
  toSecond: number;
}

/** If `at` falls in a blocked daily window in this zone, the instant the window ends. */
export function blockedUntil(zone: ZoneClock, at: number, w: DailyWindow): number | undefined {
  const today = zone.localDay(at);
  for (const day of [today - 1, today]) {
    if (w.days !== null && !w.days.has(weekdayOf(day))) continue;
    // A blocked window takes the earlier reading of its start and the later of its end (RULES.md §3.5).
    const start = zone.instantAt(day, w.fromSecond, 'earlier');
    const end = w.toSecond > w.fromSecond ? zone.instantAt(day, w.toSecond, 'later') : zone.instantAt(day + 1, w.toSecond, 'later');
    if (at >= start && at < end) return end;
  }
  return undefined;
}

/** Inside [08:00, 21:00) local? Otherwise the next 08:00. Permitted windows take the later start, earlier end. */
function outsidePermittedHours(zone: ZoneClock, at: number): number | undefined {
  const day = zone.localDay(at);
  const start = zone.instantAt(day, opensAt, 'later');
  const end = zone.instantAt(day, closesAt, 'earlier');
  if (at < start) return start;
  if (at >= end) return zone.instantAt(day + 1, opensAt, 'later');
  return undefined;
}

function zoneList(zones: readonly ZoneClock[]): string {
  return zones.map((z) => z.name).join(', ');
}

function timeGated(ev: Evaluation): boolean {
  const c = ev.proposed.channel;
  return c === 'call' || c === 'ringless_voicemail' || c === 'sms' || c === 'email';
}

function regFHours(ev: Evaluation, at: number): RuleFinding[] {
  const { zones, primary, unknown } = ev.location;
  const profileBasis = ev.profile.regFBasis ?? 'policy';
  const electronic = ev.proposed.channel === 'sms' || ev.proposed.channel === 'email';
  const findings: RuleFinding[] = [];

  const { windows: consents, rejected } = consentWindows(ev);
  // A consent window is a permitted window: later reading of its start, earlier of its end (RULES.md §3.5).
  const consentSpans = consents.map((w) => ({
    source: w.source,
    start: primary.instantAt(w.day, w.fromSecond, 'later'),
    end: w.toSecond > w.fromSecond ? primary.instantAt(w.day, w.toSecond, 'earlier') : primary.instantAt(w.day + 1, w.toSecond, 'earlier'),
  }));
  const consent = consentSpans.find((w) => at >= w.start && at < w.end);
  const nextConsentStart = Math.min(...consentSpans.filter((w) => w.start > at && w.end > w.start).map((w) => w.start));
  if (consent) {
    return [
      pass(
        'reg-f.prior-consent-time',
        weakerBasis('law', profileBasis),
        [cite.priorConsent, cite.priorConsentComment, ...ev.profile.regFCitations],
        `The consumer asked the collector directly to be contacted in this window (${consent.source}); 1006.6(b)(4) permits contact at that otherwise inconvenient time.`,
      ),
    ];
  }

  // Default hours, in every candidate zone (comment 6(b)(1)(i)-2).
  const failing = zones.map((z) => ({ zone: z, next: outsidePermittedHours(z, at) })).filter((f) => f.next !== undefined);
  const baseCitations = [
    cite.inconvenientTime,
    cite.inconvenientTimeStatute,
    ...(zones.length > 1 || unknown ? [cite.unknownLocation] : []),
    ...(electronic ? [cite.electronicSendTime] : []),
    ...ev.profile.regFCitations,
  ];
  const sendNote = electronic
    ? ` Electronic messages are timed when sent: this one is judged at its hand-off instant${ev.context.scheduledAt ? `, not at scheduledAt ${ev.context.scheduledAt}` : ''}.`
    : '';
  const locationNote = unknown
    ? ' No location evidence: the conservative default is every zone of the 50 states and DC (08:00 Hawaii to 21:00 Eastern); open a data-quality task to establish where the consumer is.'
    : zones.length > 1
      ? ` Location evidence is conflicting, so the contact must be convenient in every candidate zone (${zoneList(zones)}).`
      : '';
  if (failing.length > 0) {
    const latestOpening = Math.max(...failing.map((f) => f.next as number));
    const zone = failing.find((f) => f.next === latestOpening)?.zone ?? primary;
    // A consent window that opens sooner than the next convenient hour is the earlier allowed instant.
    const next = Math.min(latestOpening, nextConsentStart);
    const consentNote = next < latestOpening ? ` The consumer's consent window opens at ${primary.describe(next)}.` : '';
    const localSecond = zone.localSecondOfDay(at);
    // RULES.md §13 A2: 21:00:00 itself is treated as inconvenient (conservative reading of "after 9 p.m.").
    const boundaryOnly = failing.every((f) => f.zone.localSecondOfDay(at) === closesAt);
    let basis: Basis = unknown || boundaryOnly ? 'conservative' : 'law';
    basis = weakerBasis(basis, profileBasis);
    const notes = permissionLikeNotes(ev);
    const permissionNote =
      notes.length > 0 ? ` The creditor's file note "${notes[0]}" is not permission: consent must be given directly to the collector (comment 6(b)(4)(i)-1).` : '';
    const rejectedNote = rejected.length > 0 ? ` Consent not counted: ${rejected.join('; ')}.` : '';
    findings.push(
      defer(
        'reg-f.inconvenient-time',
        next,
        basis,
        baseCitations,
        `${at === ev.t ? `${zone.describe(at)} is ${localSecond < opensAt ? 'before 08:00' : 'at or after 21:00'}, an inconvenient time at the consumer's location; the` : 'Within permitted hours (08:00-21:00 local), the'} earliest convenient time is ${zone.describe(latestOpening)}.${boundaryOnly ? ' 21:00:00 itself is treated as inconvenient (RULES.md §13 A2).' : ''}${locationNote}${sendNote}${permissionNote}${rejectedNote}${consentNote}`,
      ),
    );
  } else {
    findings.push(
      pass(
        'reg-f.inconvenient-time',
        weakerBasis(unknown ? 'conservative' : 'law', profileBasis),
        baseCitations,
        `${zones.map((z) => z.describe(at)).join('; ')}: within 08:00-21:00 local.${locationNote}${sendNote}`,
      ),
    );
  }

  // Consumer-designated inconvenient times, applied in every candidate zone.
  const medium = mediumOfChannel(ev.proposed.channel);
  const designated = blockedWindows(ev).filter((w) => w.effectiveFrom <= ev.t && (w.media === 'all' || (medium !== undefined && w.media.includes(medium))));
  if (designated.length > 0) {
    const hit = designatedHit(designated, zones, at);
    if (hit) {
      const reply = singleReply(ev);
      const replyInsideWindow = reply.message !== undefined && designatedHit(designated, zones, reply.message.at) !== undefined;
      if (reply.message && replyInsideWindow) {
        findings.push(
          pass(
            'reg-f.designated-inconvenient-time',
            weakerBasis('law', profileBasis),
            [cite.consumerInitiatedReply, cite.inconvenientTime, ...ev.profile.regFCitations],
            `The consumer contacted the collector (${reply.message.id}) during a time they designated as inconvenient (${hit.window.description}); the collector may respond once, in the same medium. A further contact in that window would be blocked again.`,
          ),
        );
      } else {
        findings.push(
          defer(
            'reg-f.designated-inconvenient-time',
            hit.until,
            weakerBasis('law', profileBasis),
            [cite.inconvenientTime, cite.designatedInconvenient, ...ev.profile.regFCitations],
            `The consumer designated ${hit.window.description} as inconvenient (${hit.window.source}); ${hit.zone.describe(at)} falls inside it, so the collector knows this time is inconvenient until ${hit.zone.describe(hit.until)}.${reply.refusal ? ` Not the permitted single reply: ${reply.refusal}.` : ''}`,
          ),
        );
      }
    } else {
      findings.push(
        pass(
          'reg-f.designated-inconvenient-time',
          weakerBasis('law', profileBasis),
          [cite.inconvenientTime, cite.designatedInconvenient, ...ev.profile.regFCitations],
          `Outside every consumer-designated inconvenient time (${designated.map((w) => w.description).join('; ')}).`,
        ),
      );
    }
  }
  return findings;
}

function designatedHit(
  windows: readonly BlockedWindow[],
  zones: readonly ZoneClock[],
  at: number,
): { window: BlockedWindow; zone: ZoneClock; until: number } | undefined {
  let best: { window: BlockedWindow; zone: ZoneClock; until: number } | undefined;
  for (const window of windows) {
    for (const zone of zones) {
      const until = blockedUntil(zone, at, window);
      if (until !== undefined && (best === undefined || until > best.until)) best = { window, zone, until };
    }
  }
  return best;
}

function policyWindow(
  ev: Evaluation,
  at: number,
  rule: string,
  citation: string,
  window: DailyWindow,
  zones: readonly ZoneClock[],
  what: string,
): RuleFinding {
  for (const zone of zones) {
    const until = blockedUntil(zone, at, window);
    if (until !== undefined) {
      const now = at === ev.t ? `${zone.describe(at)} is inside ${what}; the` : `Outside ${what}, the`;
      return defer(rule, until, 'policy', [citation], `${now} earliest time is ${zone.describe(until)}.`);
    }
  }
  return pass(rule, 'policy', [citation], `${zones.map((z) => z.describe(at)).join('; ')}: outside ${what}.`);
}

export function contactHours(ev: Evaluation, at: number): RuleFinding[] {
  const channel = ev.proposed.channel;
  if (!isCommunication(channel)) return [];
  const { zones, primary } = ev.location;
  const policy = ev.policy;

  if (channel === 'letter') {
    // Letters are not time-gated in practice, but are posted in business hours (RULES.md §3.1, policy).
    return [policyWindow(ev, at, 'policy.letter-hours', cite.companyLetterHours, { days: null, fromSecond: closesAt, toSecond: opensAt }, [primary], "the company's no-posting hours for letters (21:00-08:00 local)")];
  }
  if (!timeGated(ev)) return [];

  const findings: RuleFinding[] = [];
  if (ev.consumerRules && toConsumer(ev)) findings.push(...regFHours(ev, at));

  // Company quiet hours: every segment, and every party (RULES.md §1.2; B2B default 21:00-08:00).
  const quiet = policy.quietHours ?? (ev.consumerRules && toConsumer(ev) ? null : { from: '21:00', to: '08:00' });
  if (quiet) {
    const window = { days: null, fromSecond: parseClockTime(quiet.from, 'context.policy.quietHours.from'), toSecond: parseClockTime(quiet.to, 'context.policy.quietHours.to') };
    const finding = policyWindow(ev, at, 'policy.quiet-hours', cite.companyQuietHours, window, zones, `company quiet hours ${quiet.from}-${quiet.to} debtor-local`);
    findings.push(ev.consumerRules ? finding : { ...finding, citations: [...finding.citations, `Not covered: ${ev.profile.description}`] });
  }
  if (policy.latestDialStart !== null && channel === 'call') {
    const latest = parseClockTime(policy.latestDialStart, 'context.policy.latestDialStart');
    findings.push(
      policyWindow(ev, at, 'policy.latest-dial-start', cite.companyPolicy, { days: null, fromSecond: latest, toSecond: opensAt }, zones, `the company's dial-start buffer (no live call started after ${policy.latestDialStart} local)`),
    );
  }
  return findings;
}
