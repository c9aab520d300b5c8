/**
 * Rule findings while a decision is being made: instants as epoch milliseconds, converted to the public
 * `Finding` shape (ISO text) only once the decision is assembled.
 */
import type { Basis } from './types.js';

export interface RuleFinding {
  rule: string;
  outcome: 'pass' | 'deny' | 'defer';
  /** For `defer`: the earliest instant (ms) this rule allows; always later than the instant examined. */
  untilMs?: number;
  basis: Basis;
  citations: readonly string[];
  reason: string;
  counted?: readonly string[];
}

const strength: Record<Basis, number> = { law: 3, conservative: 2, policy: 1 };

/** CASE-FORMAT.md: the decision's basis is the strongest among the rules that decided. */
export function strongestBasis(bases: readonly Basis[]): Basis | undefined {
  let best: Basis | undefined;
  for (const b of bases) if (best === undefined || strength[b] > strength[best]) best = b;
  return best;
}

/**
 * A rule cannot be firmer than the reason it applies at all: a Regulation F limit applied to a first-party
 * creditor by company choice is `policy`, even where the limit itself is clear law (RULES.md §1.2).
 */
export function weakerBasis(a: Basis, b: Basis): Basis {
  return strength[a] <= strength[b] ? a : b;
}

export function pass(rule: string, basis: Basis, citations: readonly string[], reason: string, counted?: readonly string[]): RuleFinding {
  return counted ? { rule, outcome: 'pass', basis, citations, reason, counted } : { rule, outcome: 'pass', basis, citations, reason };
}

export function deny(rule: string, basis: Basis, citations: readonly string[], reason: string, counted?: readonly string[]): RuleFinding {
  return counted ? { rule, outcome: 'deny', basis, citations, reason, counted } : { rule, outcome: 'deny', basis, citations, reason };
}

export function defer(
  rule: string,
  untilMs: number,
  basis: Basis,
  citations: readonly string[],
  reason: string,
  counted?: readonly string[],
): RuleFinding {
  const base: RuleFinding = { rule, outcome: 'defer', untilMs, basis, citations, reason };
  return counted ? { ...base, counted } : base;
}
