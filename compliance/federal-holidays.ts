/**
 * Legal public holidays of 5 U.S.C. 6103(a) and the validation-notice mailbox rule of 12 CFR 1006.34(b)(5).
 */
import { civilDateOf, dayNumberOf, weekdayOf, type DayNumber } from './civil-date.js';

/** The n-th (1-based) given weekday of a month; n = -1 is the last. */
function nthWeekday(year: number, month: number, weekday: number, n: number): DayNumber {
  if (n > 0) {
    const first = dayNumberOf(year, month, 1);
    return first + ((weekday - weekdayOf(first) + 7) % 7) + (n - 1) * 7;
  }
  const last = dayNumberOf(year, month + 1, 1) - 1;
  return last - ((weekdayOf(last) - weekday + 7) % 7);
}

/** Actual holiday dates of 6103(a) for a year. */
function actualHolidays(year: number): DayNumber[] {
  return [
    dayNumberOf(year, 1, 1), // New Year's Day
    nthWeekday(year, 1, 1, 3), // Birthday of Martin Luther King, Jr.
    nthWeekday(year, 2, 1, 3), // Washington's Birthday
    nthWeekday(year, 5, 1, -1), // Memorial Day
    dayNumberOf(year, 6, 19), // Juneteenth National Independence Day
    dayNumberOf(year, 7, 4), // Independence Day
    nthWeekday(year, 9, 1, 1), // Labor Day
    nthWeekday(year, 10, 1, 2), // Columbus Day
    dayNumberOf(year, 11, 11), // Veterans Day
    nthWeekday(year, 11, 4, 4), // Thanksgiving Day
    dayNumberOf(year, 12, 25), // Christmas Day
  ];
}

const holidayYears = new Map<number, ReadonlySet<DayNumber>>();

/**
 * Actual and observed holidays falling in a calendar year. RULES.md §7.2 and §13 A4: whether the Friday or
 * Monday observed under 6103(b) must be skipped is unsettled, so both the actual and the observed day are
 * skipped (the later, conservative end date). Jan 1 on a Saturday is observed on Dec 31 of the year before.
 */
function holidaysOf(year: number): ReadonlySet<DayNumber> {
  const known = holidayYears.get(year);
  if (known) return known;
  const days = new Set<DayNumber>();
  for (const y of [year, year + 1]) {
    for (const actual of actualHolidays(y)) {
      const weekday = weekdayOf(actual);
      for (const day of [actual, weekday === 6 ? actual - 1 : weekday === 0 ? actual + 1 : actual]) {
        if (civilDateOf(day).year === year) days.add(day);
      }
    }
  }
  holidayYears.set(year, days);
  return days;
}

export function isLegalPublicHoliday(day: DayNumber): boolean {
  return holidaysOf(civilDateOf(day).year).has(day);
}

/**
 * 1006.34(b)(5): receipt may be assumed on any date at least five days (excluding Saturdays, Sundays and
 * legal public holidays) after the collector provides the validation information.
 */
export function assumedReceiptDay(providedOn: DayNumber): DayNumber {
  let day = providedOn;
  let counted = 0;
  while (counted < 5) {
    day += 1;
    const weekday = weekdayOf(day);
    if (weekday !== 0 && weekday !== 6 && !isLegalPublicHoliday(day)) counted += 1;
  }
  return day;
}

/** The validation period ends 30 days after the (assumed) receipt date. */
export function validationPeriodEndDay(receivedOn: DayNumber): DayNumber {
  return receivedOn + 30;
}
