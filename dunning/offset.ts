/**
 * Step offsets as written in policy files: `-3d`, `0d`, `7bd`, `2w`, `1mo`.
 * Parsed here (not in the schema) so the planner and the validator agree on one grammar.
 */

/** d = calendar days, bd = business days (weekends and calendar holidays skipped), w = weeks, mo = calendar months. */
export type OffsetUnit = 'd' | 'bd' | 'w' | 'mo';

export interface Offset {
  /** Signed: negative offsets fall before the anchor (`due: -3d` is three days before the due date). */
  amount: number;
  unit: OffsetUnit;
}

const offsetPattern = /^([+-]?)(\d{1,4})(bd|d|w|mo)$/;

export const offsetHelp = 'write a whole number and a unit: d (calendar days), bd (business days), w (weeks) or mo (months), e.g. -3d, 0d, 7bd';

export function parseOffset(text: string): Offset | undefined {
  const match = offsetPattern.exec(text.trim());
  if (!match) return undefined;
  const [, sign, digits, unit] = match;
  const amount = Number(digits) * (sign === '-' ? -1 : 1);
  // -0 would print as "0" but compare oddly in diffs; normalise it.
  return { amount: amount === 0 ? 0 : amount, unit: unit as OffsetUnit };
}

export function formatOffset(offset: Offset): string {
  return `${offset.amount >= 0 ? '+' : ''}${offset.amount}${offset.unit}`;
}

/**
 * The range of calendar days an offset can span. Business days stretch over weekends and holidays, months over
 * 28–31 days, so ordering checks compare ranges and only complain when two steps are out of order for certain.
 */
export function offsetCalendarDayRange(offset: Offset): [number, number] {
  const n = offset.amount;
  switch (offset.unit) {
    case 'd':
      return [n, n];
    case 'w':
      return [7 * n, 7 * n];
    case 'mo':
      return n >= 0 ? [28 * n, 31 * n] : [31 * n, 28 * n];
    case 'bd': {
      // Each 5 business days cross at most one weekend; allow ten holidays a year on top.
      const stretch = Math.ceil(Math.abs(n) / 5) * 2 + 2 + Math.ceil(Math.abs(n) / 25);
      return n >= 0 ? [n, n + stretch] : [n - stretch, n];
    }
  }
}
