/**
 * Parsing the textual instants, dates and wall-clock times of a contact request.
 *
 * Instants must carry an explicit offset or `Z` (RULES.md §0: never reuse a fixed offset, never guess):
 * `Date.parse` on a string without one would read it in the host's time zone, which would make the
 * decision depend on where the worker runs.
 */
import { dayNumberOf, type DayNumber } from './civil-date.js';
import { ComplianceInputError } from './input-error.js';

const instantPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const clockPattern = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

export function isInstantText(text: string): boolean {
  return instantPattern.test(text);
}

/** The shape `Date.parse` reads identically everywhere: seconds, up to 3 fraction digits, `Z` or `±hh:mm`. */
const canonicalInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2})$/;

/** Epoch milliseconds of an ISO-8601 instant with offset. */
export function parseInstant(text: unknown, field: string): number {
  if (typeof text === 'string') {
    // Fast path for the canonical form (every ledger row written by the product); a ledger has hundreds.
    if (canonicalInstant.test(text)) {
      const ms = Date.parse(text);
      if (Number.isFinite(ms)) return ms;
    }
    const m = instantPattern.exec(text);
    if (m) {
      // Date.parse accepts at most millisecond precision portably: trim longer fractions first.
      const fraction = m[7] ? m[7].slice(0, 4) : '';
      const offset = m[8] === 'Z' ? 'Z' : (m[8] ?? '').replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
      const normal = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${fraction}${offset}`;
      const ms = Date.parse(normal);
      if (Number.isFinite(ms)) return ms;
    }
  }
  throw new ComplianceInputError(
    field,
    text,
    'not an ISO-8601 instant with an offset; write it like 2026-06-01T10:00:00-05:00 or 2026-06-01T15:00:00Z',
  );
}

export function parseOptionalInstant(text: unknown, field: string): number | undefined {
  return text === undefined || text === null ? undefined : parseInstant(text, field);
}

/** A calendar date `YYYY-MM-DD` as a day number. */
export function parseDate(text: unknown, field: string): DayNumber {
  if (typeof text === 'string') {
    const m = datePattern.exec(text);
    if (m) {
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      // Reject 2026-02-30 and friends instead of rolling them into the next month.
      const check = new Date(Date.UTC(y, mo - 1, d));
      if (check.getUTCFullYear() === y && check.getUTCMonth() === mo - 1 && check.getUTCDate() === d) return dayNumberOf(y, mo, d);
    }
  }
  throw new ComplianceInputError(field, text, 'not a calendar date; write it like 2026-07-08');
}

/** A wall-clock time `HH:MM` or `HH:MM:SS` as seconds after local midnight; `24:00` is the end of the day. */
export function parseClockTime(text: unknown, field: string): number {
  if (typeof text === 'string') {
    const m = clockPattern.exec(text.trim());
    if (m) {
      const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? '0')];
      if ((h < 24 && mi < 60 && s < 60) || (h === 24 && mi === 0 && s === 0)) return h * 3600 + mi * 60 + s;
    }
  }
  throw new ComplianceInputError(field, text, 'not a wall-clock time; write it like 08:00 or 21:30');
}

export function formatInstant(ms: number): string {
  return new Date(ms).toISOString();
}
