/**
 * Choosing a policy for an invoice: the router file's rules in order, then its default. Pure so the API (which
 * starts invoice workflows) and the simulator route the same way.
 */
import type { CompiledPolicy } from './policy.js';
import { toMajorUnits } from './money.js';

export interface RoutingFacts {
  segment?: string;
  currency: string;
  country?: string;
  /** Minor units. */
  amountMinor: number;
}

export interface RouteMatch {
  segment?: string[];
  currency?: string[];
  country?: string[];
  amount?: { min?: number; max?: number };
}

export interface CompiledRouter {
  rules: Array<{ policy: string; version: number; when: RouteMatch }>;
  default: { policy: string; version: number };
}

export function matchesRoute(match: RouteMatch, facts: RoutingFacts): boolean {
  if (match.segment && !match.segment.includes(facts.segment ?? '')) return false;
  if (match.currency && !match.currency.includes(facts.currency)) return false;
  if (match.country && !match.country.includes(facts.country ?? '')) return false;
  if (match.amount) {
    const amount = toMajorUnits(facts.amountMinor, facts.currency);
    if (match.amount.min !== undefined && amount < match.amount.min) return false;
    if (match.amount.max !== undefined && amount > match.amount.max) return false;
  }
  return true;
}

/** Why a policy's own `appliesTo` rejects the invoice, or undefined when it accepts it. */
export function appliesToMismatch(policy: CompiledPolicy, facts: RoutingFacts): string | undefined {
  const a = policy.appliesTo;
  if (a.segment && !a.segment.includes(facts.segment ?? '')) return `segment ${facts.segment ?? '(none)'} is not one of ${a.segment.join(', ')}`;
  if (a.currency && !a.currency.includes(facts.currency)) return `currency ${facts.currency} is not one of ${a.currency.join(', ')}`;
  if (a.country && !a.country.includes(facts.country ?? '')) return `country ${facts.country ?? '(none)'} is not one of ${a.country.join(', ')}`;
  if (a.amount && !matchesRoute({ amount: a.amount }, facts)) {
    return `amount ${toMajorUnits(facts.amountMinor, facts.currency)} is outside ${a.amount.min ?? '…'}–${a.amount.max ?? '…'}`;
  }
  return undefined;
}

/** The first rule that matches, else the default: `{ policy, version, rule }` (rule is -1 for the default). */
export function routeInvoice(router: CompiledRouter, facts: RoutingFacts): { policy: string; version: number; rule: number } {
  const index = router.rules.findIndex((r) => matchesRoute(r.when, facts));
  const rule = router.rules[index];
  return rule ? { policy: rule.policy, version: rule.version, rule: index } : { ...router.default, rule: -1 };
}
