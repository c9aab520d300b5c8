/**
 * The calendar pieces the rules stand on: legal public holidays and the validation mailbox rule
 * (RULES.md §7.2), and wall-clock resolution on DST transition days (§3.5).
 */
import { describe, expect, it } from 'vitest';
import { assumedReceiptDay, dayNumberOf, formatDay, isLegalPublicHoliday, validationPeriodEndDay } from '../../compliance/index.js';
import { ZoneClock } from '../../compliance/zone-clock.js';

describe('5 U.S.C. 6103 holidays and the 1006.34(b)(5) mailbox rule', () => {
  it('reproduces the worked examples of RULES.md §7.2', () => {
    const monday = assumedReceiptDay(dayNumberOf(2026, 6, 1));
    expect(formatDay(monday)).toBe('2026-06-08');
    expect(formatDay(validationPeriodEndDay(monday))).toBe('2026-07-08');
    const friday = assumedReceiptDay(dayNumberOf(2026, 6, 26));
    expect(formatDay(friday)).toBe('2026-07-06');
    expect(formatDay(validationPeriodEndDay(friday))).toBe('2026-08-05');
  });
  it('skips both the actual and the observed day (§13 A4)', () => {
    expect(isLegalPublicHoliday(dayNumberOf(2026, 7, 3))).toBe(true); // Independence Day observed
    expect(isLegalPublicHoliday(dayNumberOf(2026, 7, 4))).toBe(true);
    expect(isLegalPublicHoliday(dayNumberOf(2027, 12, 31))).toBe(true); // New Year's Day 2028 is a Saturday
    expect(isLegalPublicHoliday(dayNumberOf(2026, 6, 19))).toBe(true); // Juneteenth
    expect(isLegalPublicHoliday(dayNumberOf(2026, 11, 26))).toBe(true); // Thanksgiving, 4th Thursday
    expect(isLegalPublicHoliday(dayNumberOf(2026, 11, 27))).toBe(false);
  });
  it('counts Thanksgiving week correctly', () => {
    // Sent Mon 2026-11-23: Tue 24, Wed 25, (Thu 26 holiday), Fri 27, Mon 30, Tue Dec 1.
    expect(formatDay(assumedReceiptDay(dayNumberOf(2026, 11, 23)))).toBe('2026-12-01');
  });
});

describe('wall-clock resolution on DST days (RULES.md §3.5)', () => {
  const ny = ZoneClock.of('America/New_York');
  const springForward = dayNumberOf(2026, 3, 8);
  const fallBack = dayNumberOf(2026, 11, 1);
  it('reads both offsets of the fall-back day correctly', () => {
    expect(ny.offsetMinutes(Date.parse('2026-11-01T05:59:59Z'))).toBe(-240);
    expect(ny.offsetMinutes(Date.parse('2026-11-01T06:00:00Z'))).toBe(-300);
    expect(ny.localSecondOfDay(Date.parse('2026-11-01T06:30:00Z'))).toBe(3600 + 1800); // 01:30 EST
  });
  it('gives the two instants of an ambiguous 01:30, earlier or later as asked', () => {
    expect(new Date(ny.instantAt(fallBack, 5400, 'earlier')).toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(new Date(ny.instantAt(fallBack, 5400, 'later')).toISOString()).toBe('2026-11-01T06:30:00.000Z');
  });
  it('gives the two readings of a non-existent 02:30, earlier or later as asked', () => {
    expect(new Date(ny.instantAt(springForward, 9000, 'earlier')).toISOString()).toBe('2026-03-08T06:30:00.000Z');
    expect(new Date(ny.instantAt(springForward, 9000, 'later')).toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });
  it('starts each local day at local midnight', () => {
    expect(new Date(ny.startOfDay(springForward)).toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(new Date(ny.startOfDay(springForward + 1)).toISOString()).toBe('2026-03-09T04:00:00.000Z');
    // America/Havana springs forward at midnight: 2026-03-08 starts at 01:00 CDT.
    const havana = ZoneClock.of('America/Havana');
    expect(new Date(havana.startOfDay(dayNumberOf(2026, 3, 8))).toISOString()).toBe('2026-03-08T05:00:00.000Z');
  });
});
