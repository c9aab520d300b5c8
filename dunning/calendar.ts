/**
 * Business-day arithmetic on local calendar dates. Dates are ISO `YYYY-MM-DD` strings in the debtor's zone;
 * there is no time of day here, so DST cannot shift a date.
 */
import { DateTime } from 'luxon';
import type { BusinessCalendar } from './policy.js';

/** Saturday and Sunday (ISO weekdays 6 and 7) when a policy names no calendar. */
export const defaultWeekend: readonly number[] = [6, 7];

export function isBusinessDay(date: string, calendar: BusinessCalendar): boolean {
  const weekday = DateTime.fromISO(date, { zone: 'utc' }).weekday;
  return !calendar.weekend.includes(weekday) && !holidaySet(calendar).has(date);
}

const holidaySets = new WeakMap<BusinessCalendar, ReadonlySet<string>>();

function holidaySet(calendar: BusinessCalendar): ReadonlySet<string> {
  let set = holidaySets.get(calendar);
  if (!set) {
    set = new Set(calendar.holidays);
    holidaySets.set(calendar, set);
  }
  return set;
}

export function addCalendarDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'utc' }).plus({ days }).toISODate() ?? date;
}

/**
 * `n` business days from `date`. Zero means "this date if it is a business day, else the next one", so a
 * `due: 0bd` step never lands on a Sunday. Negative counts walk backwards (`due: -2bd`).
 */
export function addBusinessDays(date: string, n: number, calendar: BusinessCalendar): string {
  let current = date;
  if (n === 0) {
    while (!isBusinessDay(current, calendar)) current = addCalendarDays(current, 1);
    return current;
  }
  const direction = n > 0 ? 1 : -1;
  let remaining = Math.abs(n);
  // A year of holidays is far fewer than 10 000 days; the guard only stops a calendar with every day a holiday.
  for (let guard = 0; remaining > 0 && guard < 10_000; guard++) {
    current = addCalendarDays(current, direction);
    if (isBusinessDay(current, calendar)) remaining--;
  }
  return current;
}

/** The first business day on or after `date`. */
export function nextBusinessDay(date: string, calendar: BusinessCalendar): string {
  return addBusinessDays(date, 0, calendar);
}
