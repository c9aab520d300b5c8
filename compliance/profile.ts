/**
 * Rule profile selection per debt (RULES.md §1): which body of rules applies, and how firmly.
 *
 * The `segment` of a case is a hint; the facts in `context` (purpose, debtor type, collector type, state)
 * decide. Missing facts take the segment's meaning, and otherwise the conservative one (a consumer debt
 * collected by a third party), so an incomplete record never switches consumer protections off.
 */
import { cite } from './citations.js';
import { parseDate } from './instant.js';
import type { Basis, CaseContext } from './types.js';
import { dayNumberOf } from './civil-date.js';

export type ProfileKind = 'consumer-regF' | 'commercial-covered' | 'commercial';

export interface RuleProfile {
  kind: ProfileKind;
  /** How firmly Regulation F binds this collector for this debt; `undefined` for `commercial`. */
  regFBasis?: Basis;
  /** Citations explaining why Regulation F applies (added to every Reg F finding's citations). */
  regFCitations: readonly string[];
  /** Plain-language statement of the profile, for reasons. */
  description: string;
  collectorType: 'third-party' | 'first-party';
  state?: string;
  massachusetts: boolean;
  newYorkCity: boolean;
  washington: boolean;
  california: boolean;
}

interface SegmentDefaults {
  debtPurpose?: 'consumer' | 'commercial';
  debtorType?: 'natural-person' | 'entity';
  collectorType?: 'third-party' | 'first-party';
  state?: string;
  city?: string;
  falseName?: boolean;
  covered?: boolean;
}

const segmentDefaults: Record<string, SegmentDefaults> = {
  'consumer-US-federal': { debtPurpose: 'consumer' },
  'consumer-MA': { debtPurpose: 'consumer', state: 'MA' },
  'consumer-NYC': { debtPurpose: 'consumer', state: 'NY', city: 'New York City' },
  'consumer-WA': { debtPurpose: 'consumer', state: 'WA' },
  'consumer-CA-first-party': { debtPurpose: 'consumer', state: 'CA', collectorType: 'first-party' },
  'consumer-first-party-false-name': { debtPurpose: 'consumer', collectorType: 'first-party', falseName: true },
  B2B: { debtPurpose: 'commercial', debtorType: 'entity' },
  'B2B-CA-covered': { debtPurpose: 'commercial', debtorType: 'natural-person', state: 'CA', covered: true },
};

/** SB 1286: covered commercial debt is $500,000 or less, in transactions on or after 2025-07-01. */
const coveredCommercialCap = 500_000;
const coveredCommercialStart = dayNumberOf(2025, 7, 1);

function isNewYorkCity(city: string | undefined): boolean {
  return city !== undefined && /^(new york( city)?|nyc|manhattan|brooklyn|queens|bronx|the bronx|staten island)$/i.test(city.trim());
}

export function selectProfile(segment: string | undefined, context: CaseContext): RuleProfile {
  const hint = (segment !== undefined ? segmentDefaults[segment] : undefined) ?? {};
  const debtPurpose = context.debtPurpose ?? hint.debtPurpose ?? 'consumer';
  const debtorType = context.debtorType ?? hint.debtorType ?? (debtPurpose === 'consumer' ? 'natural-person' : undefined);
  // Unknown collector type: treat as a third party, for whom Regulation F is binding (conservative).
  const collectorType = context.collectorType ?? hint.collectorType ?? 'third-party';
  const state = (context.state ?? hint.state)?.toUpperCase();
  const city = context.city ?? hint.city;
  const california = state === 'CA';

  const base = {
    collectorType,
    ...(state !== undefined ? { state } : {}),
    california,
  };

  if (debtPurpose === 'commercial') {
    const originated = context.originatedAt !== undefined ? parseDate(context.originatedAt.slice(0, 10), 'context.originatedAt') : undefined;
    const covered =
      california &&
      debtorType !== 'entity' &&
      context.coveredCommercialDebt !== false &&
      (context.aggregateOwed === undefined || context.aggregateOwed <= coveredCommercialCap) &&
      (originated === undefined || originated >= coveredCommercialStart) &&
      (context.coveredCommercialDebt === true || hint.covered === true || context.aggregateOwed !== undefined);
    if (covered) {
      // RULES.md §13 A13: Rosenthal's reach (1788.17) over covered commercial debt is untested: consumer
      // profile applied, conservatively.
      return {
        ...base,
        kind: 'commercial-covered',
        regFBasis: 'conservative',
        regFCitations: [cite.rosenthalCoveredCommercial, cite.rosenthal],
        description: 'California covered commercial debt (SB 1286): consumer rules applied conservatively',
        massachusetts: false,
        newYorkCity: false,
        washington: false,
      };
    }
    return {
      ...base,
      kind: 'commercial',
      regFCitations: [],
      description: `commercial debt${debtorType === 'entity' ? ' owed by an entity' : ''}: Regulation F does not apply (${cite.debtDefinition}); company policy and TCPA apply`,
      massachusetts: false,
      newYorkCity: false,
      washington: false,
    };
  }

  // A creditor using a name other than its own that suggests a third party is a debt collector (2(i)(1)).
  const falseName =
    collectorType === 'first-party' &&
    context.brandIsCreditorName !== true &&
    (context.sendsAsBrand !== undefined || hint.falseName === true);
  let regFBasis: Basis;
  let regFCitations: string[];
  let description: string;
  if (collectorType === 'third-party') {
    regFBasis = 'law';
    regFCitations = [];
    description = 'consumer debt collected by a debt collector: Regulation F applies';
  } else if (falseName) {
    regFBasis = 'law';
    regFCitations = [cite.falseName];
    description = `first-party creditor collecting under another name${context.sendsAsBrand ? ` ("${context.sendsAsBrand}")` : ''}: a debt collector under ${cite.falseName}`;
  } else if (california) {
    regFBasis = 'law';
    regFCitations = [cite.rosenthal];
    description = 'California creditor collecting its own consumer debt: Rosenthal Act imports the FDCPA (1788.17)';
  } else {
    regFBasis = 'policy';
    regFCitations = [cite.companyRegFForCreditors];
    description = 'first-party creditor collecting in its own name: Regulation F applied by company policy';
  }
  return {
    ...base,
    kind: 'consumer-regF',
    regFBasis,
    regFCitations,
    description,
    massachusetts: state === 'MA',
    newYorkCity: isNewYorkCity(city),
    // RCW 19.16 binds licensed collection agencies, not creditors collecting their own debts.
    washington: state === 'WA' && (context.waLicensee ?? collectorType === 'third-party'),
  };
}
