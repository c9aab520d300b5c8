/**
 * Times the consumer (or the creditor's file) says are inconvenient, and times the consumer asked to be
 * contacted in (RULES.md §3.2, §3.3).
 *
 * comment 6(b)(1)-1: the consumer need not say "inconvenient", and notes in the creditor's placement file
 * are knowledge. So besides `inconvenient_time` events, plain statements in `creditorFileNotes` and in
 * consumer messages ("do not call before 1 pm", "not between 3 and 5") are read as blocked windows.
 * A note that sounds like permission ("OK to call until 10 pm") is never permission: consent must be given
 * directly to the collector (1006.6(b)(4); comment 6(b)(4)(i)-1).
 */
import { mediumOf, type Evaluation, type Medium } from './evaluation.js';
import { ComplianceInputError } from './input-error.js';
import { parseClockTime, parseDate } from './instant.js';
import { weekdayNames } from './civil-date.js';
import type { DayNumber } from './civil-date.js';

export interface BlockedWindow {
  /** Event id or `creditorFileNotes[i]`. */
  source: string;
  /** Weekdays (0 = Sunday) on which the window starts; null = every day. */
  days: ReadonlySet<number> | null;
  fromSecond: number;
  /** May be ≤ fromSecond: the window then runs past midnight. */
  toSecond: number;
  media: readonly Medium[] | 'all';
  effectiveFrom: number;
  /** The consumer's words, for reasons. */
  description: string;
}

export interface ConsentWindow {
  source: string;
  day: DayNumber;
  fromSecond: number;
  toSecond: number;
  effectiveFrom: number;
}

const dayWords: Record<string, number[]> = {
  sun: [0], sunday: [0], sundays: [0],
  mon: [1], monday: [1], mondays: [1],
  tue: [2], tues: [2], tuesday: [2], tuesdays: [2],
  wed: [3], wednesday: [3], wednesdays: [3],
  thu: [4], thur: [4], thurs: [4], thursday: [4], thursdays: [4],
  fri: [5], friday: [5], fridays: [5],
  sat: [6], saturday: [6], saturdays: [6],
  weekday: [1, 2, 3, 4, 5], weekdays: [1, 2, 3, 4, 5],
  weekend: [0, 6], weekends: [0, 6],
};

function parseDays(days: readonly string[] | undefined, field: string): Set<number> | null {
  if (days === undefined || days.length === 0) return null;
  const set = new Set<number>();
  days.forEach((d, i) => {
    const found = dayWords[d.trim().toLowerCase()];
    if (!found) throw new ComplianceInputError(`${field}[${i}]`, d, 'not a weekday; use Mon, Tue, Wed, Thu, Fri, Sat or Sun');
    found.forEach((n) => set.add(n));
  });
  return set;
}

/** `3`, `3:30`, `3 pm`, `15:00`, `noon` → seconds after midnight; bare hours are read as `ampmHint` suggests. */
function spokenTime(text: string, ampmHint: 'am' | 'pm' | 'auto'): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'noon' || t === 'midday') return 12 * 3600;
  if (t === 'midnight') return 0;
  const m = /^(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?$/.exec(t);
  if (!m) return undefined;
  let h = Number(m[1]);
  const mi = Number(m[2] ?? '0');
  if (h > 23 || mi > 59) return undefined;
  const suffix = m[3]?.[0];
  if (suffix === 'p' && h < 12) h += 12;
  else if (suffix === 'a' && h === 12) h = 0;
  else if (suffix === undefined && m[2] === undefined && h >= 1 && h <= 12) {
    // "after 6" means the evening; "before 9" the morning; "between 3 and 5" the afternoon.
    if (ampmHint === 'pm' && h < 12) h += 12;
    if (ampmHint === 'auto' && h >= 1 && h <= 7) h += 12;
  }
  return h * 3600 + mi * 60;
}

const timeToken = String.raw`(noon|midnight|\d{1,2}(?::\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)?)`;
const negation = /\b(don'?t|do not|not|never|no calls?|no contact|can'?t|cannot|inconvenient|avoid|stop)\b/;
const permission = /\b(ok|okay|fine|can|may|allowed|permission|feel free)\b[^.]*\b(call|contact|text|reach)\b/;

function daysMentioned(text: string): Set<number> | null {
  const set = new Set<number>();
  for (const word of text.toLowerCase().split(/[^a-z]+/)) (dayWords[word] ?? []).forEach((d) => set.add(d));
  return set.size > 0 ? set : null;
}

/** Blocked windows stated in plain words, or undefined when the text states none. */
export function windowsInWords(text: string): Array<{ days: Set<number> | null; fromSecond: number; toSecond: number }> | undefined {
  const t = text.toLowerCase();
  if (!negation.test(t)) return undefined;
  const days = daysMentioned(t);
  const between = new RegExp(String.raw`\b(?:between|from)\s+${timeToken}\s+(?:and|to|-|until|till)\s+${timeToken}`).exec(t);
  if (between) {
    const from = spokenTime(between[1] ?? '', 'auto');
    const to = spokenTime(between[2] ?? '', 'auto');
    if (from !== undefined && to !== undefined) return [{ days, fromSecond: from, toSecond: to }];
  }
  const found: Array<{ days: Set<number> | null; fromSecond: number; toSecond: number }> = [];
  const before = new RegExp(String.raw`\b(?:before|until|till)\s+${timeToken}`).exec(t);
  if (before) {
    const to = spokenTime(before[1] ?? '', 'am');
    if (to !== undefined) found.push({ days, fromSecond: 0, toSecond: to });
  }
  const after = new RegExp(String.raw`\bafter\s+${timeToken}`).exec(t);
  if (after) {
    const from = spokenTime(after[1] ?? '', 'pm');
    if (from !== undefined) found.push({ days, fromSecond: from, toSecond: 24 * 3600 });
  }
  return found.length > 0 ? found : undefined;
}

export function creditorNotes(ev: Evaluation): string[] {
  const notes = ev.context.creditorFileNotes;
  return notes === undefined ? [] : typeof notes === 'string' ? [notes] : notes;
}

/** Creditor notes that read like permission to call at an inconvenient time (which they are not). */
export function permissionLikeNotes(ev: Evaluation): string[] {
  return creditorNotes(ev).filter((n) => permission.test(n.toLowerCase()) && !/\b(don'?t|do not|never|not)\b/.test(n.toLowerCase()));
}

function describeWindow(days: ReadonlySet<number> | null, fromSecond: number, toSecond: number): string {
  const clock = (s: number): string => `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`;
  const dayText = days === null ? 'every day' : [...days].sort().map((d) => weekdayNames[d]).join(',');
  return `${dayText} ${clock(fromSecond)}-${clock(toSecond)}`;
}

/** Every consumer-designated inconvenient window known at the decision instant. */
export function blockedWindows(ev: Evaluation): BlockedWindow[] {
  const windows: BlockedWindow[] = [];
  for (const e of ev.eventsOf('inconvenient_time')) {
    const days = parseDays(e.raw.days, `${e.path}.days`);
    const fromSecond = parseClockTime(e.raw.from, `${e.path}.from`);
    const toSecond = parseClockTime(e.raw.to, `${e.path}.to`);
    const medium = mediumOf(e.raw.channel ?? e.raw.medium);
    windows.push({
      source: e.id,
      days,
      fromSecond,
      toSecond,
      media: medium === undefined || medium === 'all' ? 'all' : [medium],
      effectiveFrom: e.at,
      description: describeWindow(days, fromSecond, toSecond),
    });
  }
  creditorNotes(ev).forEach((note, i) => {
    for (const w of windowsInWords(note) ?? []) {
      windows.push({ source: `creditorFileNotes[${i}]`, ...w, media: 'all', effectiveFrom: -Infinity, description: `${describeWindow(w.days, w.fromSecond, w.toSecond)} ("${note}")` });
    }
  });
  for (const e of ev.eventsOf('consumer_message')) {
    for (const w of windowsInWords(e.raw.text ?? '') ?? []) {
      windows.push({ source: e.id, ...w, media: 'all', effectiveFrom: e.at, description: `${describeWindow(w.days, w.fromSecond, w.toSecond)} ("${e.raw.text ?? ''}")` });
    }
  }
  return windows;
}

/** Consent received from someone other than the consumer (creditor, prior collector) is not 1006.6(b)(4) consent. */
export function notGivenToCollector(raw: { givenTo?: string; source?: string; receivedVia?: string }): string | undefined {
  for (const v of [raw.givenTo, raw.source, raw.receivedVia]) {
    if (v !== undefined && /creditor|prior|previous|placement|file|note/i.test(v)) return v;
  }
  return undefined;
}

/** time_consent windows given directly to the collector. */
export function consentWindows(ev: Evaluation): { windows: ConsentWindow[]; rejected: string[] } {
  const windows: ConsentWindow[] = [];
  const rejected: string[] = [];
  for (const e of ev.eventsOf('time_consent')) {
    const w = e.raw.window;
    if (w === undefined || w === null) {
      throw new ComplianceInputError(`${e.path}.window`, w, 'missing: a time_consent needs window { date: "2026-06-10", from: "21:30", to: "22:00" }');
    }
    const via = notGivenToCollector(e.raw);
    if (via !== undefined) {
      rejected.push(`${e.id} came through "${via}", not directly from the consumer to the collector (comment 6(b)(4)(i)-1)`);
      continue;
    }
    windows.push({
      source: e.id,
      day: parseDate(w.date, `${e.path}.window.date`),
      fromSecond: parseClockTime(w.from, `${e.path}.window.from`),
      toSecond: parseClockTime(w.to, `${e.path}.window.to`),
      effectiveFrom: e.at,
    });
  }
  return { windows, rejected };
}
