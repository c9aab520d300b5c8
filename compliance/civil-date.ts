/**
 * Calendar dates as whole day numbers (days since 1970-01-01), independent of any time zone.
 *
 * RULES.md §0 and §2.4: every "7 consecutive days", "30-day period" and "week" counts calendar dates
 * in the consumer's local zone, never 168- or 720-hour spans. A day number makes "D-6 .. D" plain
 * integer arithmetic; which zone's calendar a date belongs to is decided in zone-clock.ts.
 */

/** Days since 1970-01-01 of a calendar date. */
export type DayNumber = number;

const msPerDay = 86_400_000;

export function dayNumberOf(year: number, month: number, day: number): DayNumber {
  // Date.UTC is pure arithmetic on the proleptic Gregorian calendar: no host time zone involved.
  return Math.floor(Date.UTC(year, month - 1, day) / msPerDay);
}

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export function civilDateOf(dayNumber: DayNumber): CivilDate {
  const d = new Date(dayNumber * msPerDay);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** `2026-06-08` */
export function formatDay(dayNumber: DayNumber): string {
  const { year, month, day } = civilDateOf(dayNumber);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** `2026-06-01..06-07`: the window notation used in reasons. */
export function formatDayRange(first: DayNumber, last: DayNumber): string {
  const a = formatDay(first);
  const b = formatDay(last);
  return a.slice(0, 4) === b.slice(0, 4) ? `${a}..${b.slice(5)}` : `${a}..${b}`;
}

/** 0 = Sunday … 6 = Saturday. 1970-01-01 was a Thursday. */
export function weekdayOf(dayNumber: DayNumber): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

export const weekdayNames = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** Same month and day `years` later; 29 February becomes 28 February in a common year (no roll into March). */
export function addYears(dayNumber: DayNumber, years: number): DayNumber {
  const { year, month, day } = civilDateOf(dayNumber);
  const target = year + years;
  const lastDayOfMonth = civilDateOf(dayNumberOf(target, month + 1, 1) - 1).day;
  return dayNumberOf(target, month, Math.min(day, lastDayOfMonth));
}
