/**
 * The contact gate: may this contact happen now, and if not, until when? (RULES.md §0, CASE-FORMAT.md)
 *
 * Every rule reports a finding (pass, deny, or defer with the earliest instant it allows). Any deny wins:
 * it lifts only on a new event. Otherwise the earliest allowed instant is found by moving to the latest
 * deferral and asking every rule again, until all pass: so `until` is an instant every rule allows, and
 * re-evaluating the same request at `until` returns allow. The search assumes nothing else happens: it
 * uses only the attempts and events known at the decision instant.
 */
import { formatInstant } from './instant.js';
import { prepareEvaluation, type Evaluation } from './evaluation.js';
import { strongestBasis, type RuleFinding } from './finding.js';
import { attorneyRepresentation } from './rules/attorney.js';
import { callFrequency } from './rules/call-frequency.js';
import { ceaseCommunication } from './rules/cease.js';
import { companyLimits } from './rules/company-limits.js';
import { contactHours } from './rules/contact-hours.js';
import { creditReporting } from './rules/credit-reporting.js';
import { electronicSafeHarbor } from './rules/electronic-safe-harbor.js';
import { massachusetts } from './rules/massachusetts.js';
import { messageContent } from './rules/message-content.js';
import { newYorkCity } from './rules/new-york-city.js';
import { places } from './rules/places.js';
import { prohibitedMedia } from './rules/prohibited-media.js';
import { recordRetention } from './rules/record-retention.js';
import { tcpa } from './rules/tcpa.js';
import { timeBarred } from './rules/time-barred.js';
import { validation } from './rules/validation.js';
import { washington } from './rules/washington.js';
import type { CaseResult, ContactDecision, ContactRequest, Finding } from './types.js';

/** Identifies the rule set in every decision record (RULES.md §14). */
export const ruleVersion = 'dunmore-compliance/1 (RULES.md research current to 2026-11-23)';

type Rule = (ev: Evaluation, at: number) => RuleFinding[];

/** Order is presentation order in reasons: who may be contacted, how, then when. */
const rules: readonly Rule[] = [
  ceaseCommunication,
  attorneyRepresentation,
  prohibitedMedia,
  places,
  messageContent,
  electronicSafeHarbor,
  tcpa,
  validation,
  timeBarred,
  creditReporting,
  recordRetention,
  callFrequency,
  massachusetts,
  newYorkCity,
  washington,
  companyLimits,
  contactHours,
];

/** Rules defer to instants that move forward; a candidate zone set with no common hours would not converge. */
const maxSearchSteps = 120;

function runRules(ev: Evaluation, at: number): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const rule of rules) findings.push(...rule(ev, at));
  return findings;
}

function unique(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

function toPublic(f: RuleFinding): Finding {
  return {
    rule: f.rule,
    outcome: f.outcome,
    ...(f.untilMs !== undefined ? { until: formatInstant(f.untilMs) } : {}),
    basis: f.basis,
    citations: [...f.citations],
    reason: f.reason,
    ...(f.counted ? { counted: [...f.counted] } : {}),
  };
}

/** Decide one proposed contact. Pure and deterministic: the same request gives the same decision anywhere. */
export function evaluateContact(request: ContactRequest): ContactDecision {
  const ev = prepareEvaluation(request);
  const first = runRules(ev, ev.t);
  const examined: RuleFinding[] = [...first];

  /**
   * `deciding` lists the findings that block now first; later ones only shaped `until` (typically the
   * inconvenient-time rule choosing 08:00 on the date a limit releases). The basis is the strongest among
   * the findings that block now: a policy cap released at midnight is still a policy decision.
   */
  const assemble = (
    decision: ContactDecision['decision'],
    deciding: readonly RuleFinding[],
    extra: { until?: number; reasons?: string[]; blockingNow?: readonly RuleFinding[] } = {},
  ): ContactDecision => {
    const counted = unique([...first, ...deciding].flatMap((f) => f.counted ?? []));
    return {
      ...(request.id !== undefined ? { id: request.id } : {}),
      decision,
      ...(extra.until !== undefined ? { until: formatInstant(extra.until) } : {}),
      basis: strongestBasis((extra.blockingNow ?? deciding).map((f) => f.basis)) ?? 'policy',
      rules: unique(deciding.flatMap((f) => f.citations)),
      reasons: extra.reasons ?? unique(deciding.map((f) => f.reason)),
      inputs: {
        profile: ev.profile.description,
        zones: ev.location.zones.map((z) => z.name),
        calendarZones: ev.location.calendarZones.map((z) => z.name),
        countedAttemptIds: counted,
        excludedAttempts: [...ev.excluded].filter(([id]) => !counted.includes(id)).map(([id, why]) => ({ id, why })),
        events: ev.events.map((e) => e.id),
        ignoredFutureEvents: ev.ignoredFutureEvents,
      },
      findings: examined.map(toPublic),
      evaluatedAt: formatInstant(ev.t),
      ruleVersion,
    };
  };

  const denied = first.filter((f) => f.outcome === 'deny');
  if (denied.length > 0) return assemble('deny', denied);
  let deferred = first.filter((f) => f.outcome === 'defer');
  if (deferred.length === 0) {
    const passed = first.filter((f) => f.outcome === 'pass');
    const reasons = passed.length > 0 ? undefined : [`No rule restricts ${ev.proposed.channel} for this debt (${ev.profile.description}).`];
    return assemble('allow', passed, reasons ? { reasons } : {});
  }

  // Search forward for the earliest instant every rule allows.
  const blockingNow = [...deferred];
  const deciding: RuleFinding[] = [...deferred];
  let candidate = ev.t;
  for (let step = 0; step < maxSearchSteps; step += 1) {
    candidate = Math.max(candidate + 1, ...deferred.map((f) => f.untilMs ?? candidate + 1));
    const findings = runRules(ev, candidate);
    examined.push(...findings.filter((f) => f.outcome !== 'pass'));
    const laterDenial = findings.filter((f) => f.outcome === 'deny');
    if (laterDenial.length > 0) {
      const blocked = deciding.map((f) => f.reason);
      return assemble('deny', laterDenial, {
        reasons: [
          ...blocked,
          `Waiting until ${formatInstant(candidate)} would not help: ${laterDenial.map((f) => f.reason).join(' ')}`,
        ],
      });
    }
    deferred = findings.filter((f) => f.outcome === 'defer');
    if (deferred.length === 0) return assemble('defer', deciding, { until: candidate, blockingNow });
    for (const f of deferred) if (!deciding.some((d) => d.rule === f.rule)) deciding.push(f);
  }
  return assemble('deny', deciding, {
    blockingNow,
    reasons: [
      ...unique(deciding.map((f) => f.reason)),
      `No instant allowed by every rule was found within ${maxSearchSteps} steps (for example, candidate zones with no common convenient hours); resolve the consumer's location or the conflicting limits.`,
    ],
  });
}

/** The per-case object of `dunmore compliance check` (CASE-FORMAT.md): no more, no less. */
export function toCaseResult(decision: ContactDecision): CaseResult {
  return {
    id: decision.id ?? '',
    decision: decision.decision,
    ...(decision.until !== undefined ? { until: decision.until } : {}),
    basis: decision.basis,
    rules: decision.rules,
    reasons: decision.reasons,
  };
}
