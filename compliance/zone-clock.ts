/**
 * Wall-clock time in an IANA zone, from the tz database through luxon.
 *
 * RULES.md §0 and §3.5: local time is computed from the zone at the instant itself, never from a cached
 * UTC offset; on 2026-03-08 and 2026-11-01 a fixed offset is an hour wrong. Nothing here reads the host's
 * time zone, so a worker in Pacific/Auckland decides exactly as one in America/Chicago.
 *
 * Asking the tz database costs microseconds, and a decision over a 500-attempt ledger asks often, so
 * offsets are memoised per UTC day. A day whose two ends share an offset has that offset throughout
 * (zones change offset at most once a day); a day whose ends differ stores its exact transition instant.
 */
import { IANAZone } from 'luxon';
import type { DayNumber } from './civil-date.js';
import { ComplianceInputError } from './input-error.js';

const msPerDay = 86_400_000;
const maxMemoisedDays = 20_000;

interface Transition {
  /** First instant (ms) of the new offset. */
  at: number;
  before: number;
  after: number;
}

/** Which of two instants to take when a wall time occurs twice (fall-back) or never (spring-forward). */
export type WallTimeChoice = 'earlier' | 'later';

export class ZoneClock {
  private static readonly clocks = new Map<string, ZoneClock>();

  /** The clock of a zone; `field` names the input that supplied it, for the error. */
  static of(name: string, field = 'tz'): ZoneClock {
    const known = ZoneClock.clocks.get(name);
    if (known) return known;
    if (typeof name !== 'string' || !IANAZone.isValidZone(name)) {
      throw new ComplianceInputError(field, name, 'not an IANA time zone; use a name such as America/Chicago (never a fixed offset like -05:00)');
    }
    const clock = new ZoneClock(name, IANAZone.create(name));
    ZoneClock.clocks.set(name, clock);
    return clock;
  }

  private readonly days = new Map<number, number | Transition>();

  private constructor(
    readonly name: string,
    private readonly zone: IANAZone,
  ) {}

  /** UTC offset in minutes at an instant. */
  offsetMinutes(ms: number): number {
    const bucket = Math.floor(ms / msPerDay);
    let known = this.days.get(bucket);
    if (known === undefined) {
      known = this.describeDay(bucket);
      if (this.days.size >= maxMemoisedDays) this.days.clear();
      this.days.set(bucket, known);
    }
    if (typeof known === 'number') return known;
    return ms < known.at ? known.before : known.after;
  }

  private describeDay(bucket: number): number | Transition {
    const start = bucket * msPerDay;
    const before = this.zone.offset(start);
    const after = this.zone.offset(start + msPerDay - 1);
    if (before === after) return before;
    // Binary search, to the second, for the first instant of the new offset.
    let lo = 0;
    let hi = msPerDay / 1000 - 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.zone.offset(start + mid * 1000) === before) lo = mid + 1;
      else hi = mid;
    }
    return { at: start + lo * 1000, before, after };
  }

  /** The local calendar date of an instant. */
  localDay(ms: number): DayNumber {
    return Math.floor((ms + this.offsetMinutes(ms) * 60_000) / msPerDay);
  }

  /** Seconds after local midnight of an instant (wall clock, so 0..86399). */
  localSecondOfDay(ms: number): number {
    const local = ms + this.offsetMinutes(ms) * 60_000;
    return Math.floor((local - Math.floor(local / msPerDay) * msPerDay) / 1000);
  }

  /** `2026-06-07 15:00 CDT`-style rendering for reasons: local wall time plus offset. */
  describe(ms: number): string {
    const offset = this.offsetMinutes(ms);
    const local = new Date(ms + offset * 60_000).toISOString();
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    const hh = String(Math.floor(abs / 60)).padStart(2, '0');
    const mm = String(abs % 60).padStart(2, '0');
    return `${local.slice(0, 10)} ${local.slice(11, 16)} ${this.name} (UTC${sign}${hh}:${mm})`;
  }

  /**
   * The instant at which this zone's wall clock shows `secondOfDay` on `day`.
   *
   * RULES.md §3.5: a wall time that occurs twice (01:30 on fall-back day) has two instants and one that
   * never occurs (02:30 on spring-forward day) has two readings, one per offset. Callers choose: the later
   * instant for the start and the earlier for the end of a window in which contact is permitted, the
   * reverse for a window in which it is blocked, so the uncertainty always falls on the side of not contacting.
   */
  instantAt(day: DayNumber, secondOfDay: number, choice: WallTimeChoice): number {
    const naive = day * msPerDay + secondOfDay * 1000;
    const offsets = new Set([this.offsetMinutes(naive - msPerDay), this.offsetMinutes(naive), this.offsetMinutes(naive + msPerDay)]);
    const valid: number[] = [];
    const readings: number[] = [];
    for (const offset of offsets) {
      const instant = naive - offset * 60_000;
      readings.push(instant);
      if (this.offsetMinutes(instant) === offset) valid.push(instant);
    }
    const pool = valid.length > 0 ? valid : readings;
    return choice === 'earlier' ? Math.min(...pool) : Math.max(...pool);
  }

  /** First instant of a local date (the later reading when midnight itself is skipped by a transition). */
  startOfDay(day: DayNumber): number {
    const earliest = this.instantAt(day, 0, 'earlier');
    return this.localDay(earliest) === day ? earliest : this.instantAt(day, 0, 'later');
  }
}
