/**
 * "At most N in any K consecutive local days", the shape of every numeric cap here (Reg F 7-in-7, MA
 * 2-in-7 and 2-in-30, NYC 3-in-7, WA 3-per-week, TCPA 3-in-30, company limits). Counted on calendar dates
 * in each zone, never on hour spans (RULES.md §2.4), taking the most restrictive zone.
 */
import type { DayNumber } from './civil-date.js';
import type { LedgerAttempt } from './evaluation.js';
import type { ZoneClock } from './zone-clock.js';

export interface WindowCount {
  zone: ZoneClock;
  today: DayNumber;
  /** Attempts on the K dates ending today. */
  inWindow: LedgerAttempt[];
  /** First date on which one more attempt keeps every K-day window at or under the limit. */
  release: DayNumber;
  /** Start of `release` in the zone, when later than today; otherwise undefined (allowed today). */
  until?: number;
}

export function countWindow(zone: ZoneClock, at: number, attempts: readonly LedgerAttempt[], limit: number, days: number): WindowCount {
  const today = zone.localDay(at);
  const dated = attempts.map((a) => ({ a, day: zone.localDay(a.at) }));
  let release = today;
  // Every window containing `release` that also holds past attempts lies within the last K dates.
  while (dated.filter((d) => d.day > release - days && d.day <= release).length >= limit) release += 1;
  const inWindow = dated.filter((d) => d.day > today - days && d.day <= today).map((d) => d.a);
  return release > today ? { zone, today, inWindow, release, until: zone.startOfDay(release) } : { zone, today, inWindow, release };
}

/** The most restrictive zone's count (the first zone's when every zone allows). */
export function worstWindow(zones: readonly ZoneClock[], at: number, attempts: readonly LedgerAttempt[], limit: number, days: number): WindowCount {
  const counts = zones.map((z) => countWindow(z, at, attempts, limit, days));
  return counts.reduce((worst, c) => ((c.until ?? -Infinity) > (worst.until ?? -Infinity) ? c : worst));
}
