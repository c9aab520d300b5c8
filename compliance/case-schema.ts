/**
 * Validating case files (CASE-FORMAT.md) and other untrusted contact requests before they reach the engine.
 *
 * Kept apart from the engine so workflow code, which receives already-validated requests, never bundles
 * zod. Every problem names the case id, the field path, the value and the fix. Fields the format says to
 * ignore (`expected`, `rule`, `notes`, `title`) and unknown extra fields pass through untouched.
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { isInstantText } from './instant.js';
import type { ContactRequest } from './types.js';

const instant = z
  .string({ error: 'must be text: an ISO-8601 instant with an offset, like 2026-06-01T10:00:00-05:00' })
  .refine(isInstantText, { error: 'not an ISO-8601 instant with an offset; write it like 2026-06-01T10:00:00-05:00 or 2026-06-01T15:00:00Z' });
const date = z.string({ error: 'must be a calendar date like 2026-07-08' }).regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'not a calendar date; write it like 2026-07-08' });
const dateOrInstant = z
  .string({ error: 'must be text: a date like 2026-06-08 or an instant like 2026-06-08T17:00:00-05:00' })
  .refine((s) => isInstantText(s) || /^\d{4}-\d{2}-\d{2}$/.test(s), { error: 'not a date (2026-06-08) or an instant with an offset (2026-06-08T17:00:00-05:00)' });
const clock = z.string({ error: 'must be a wall-clock time like 08:00' }).regex(/^\d{1,2}:\d{2}(:\d{2})?$/, { error: 'not a wall-clock time; write it like 08:00 or 21:30' });
const zone = z
  .string({ error: 'must be an IANA time zone name like America/Chicago' })
  .refine((s) => IANAZone.isValidZone(s), { error: 'not an IANA time zone; use a name such as America/Chicago (never a fixed offset like -05:00)' });
const flag = z.boolean({ error: 'must be true or false' });
const text = z.string({ error: 'must be text' });

const proposedChannels = ['call', 'ringless_voicemail', 'sms', 'email', 'letter', 'credit_furnish', 'records_purge'] as const;
const attemptChannels = ['call', 'ringless_voicemail', 'sms', 'email', 'letter', 'social_media', 'in_person'] as const;
const outcomes = ['placed', 'voicemail', 'conversation', 'email_sent', 'sms_sent', 'letter_sent'] as const;
const eventTypes = [
  'cease', 'refusal_to_pay', 'dispute', 'verification_sent', 'original_creditor_request', 'original_creditor_sent', 'optout',
  'tcpa_revocation', 'medium_restriction', 'attorney_rep', 'attorney_consent', 'consent_to_call', 'consent_revoked', 'time_consent',
  'inconvenient_time', 'inconvenient_place', 'employer_prohibits', 'wrong_number', 'consumer_message', 'undeliverable',
] as const;
const oneOf = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: `use one of ${values.join(', ')}` });

const electronicBasis = z.looseObject({
  type: text,
  consentAt: instant.optional(),
  lastRndCheckAt: instant.optional(),
  creditorNoticeSentAt: instant.optional(),
  optOutDeadline: dateOrInstant.optional(),
  priorCollectorUsed: flag.optional(),
});

const nullableNumber = z.number({ error: 'must be a number (or null to switch the limit off)' }).nonnegative({ error: 'must not be negative' }).nullable();

const context = z.looseObject({
  collectorType: oneOf(['third-party', 'first-party']).optional(),
  debtPurpose: oneOf(['consumer', 'commercial']).optional(),
  debtorType: oneOf(['natural-person', 'entity']).optional(),
  state: text.optional(),
  city: text.optional(),
  waLicensee: flag.optional(),
  coveredCommercialDebt: flag.optional(),
  aggregateOwed: z.number({ error: 'must be a number (amount owed in dollars)' }).optional(),
  originatedAt: dateOrInstant.optional(),
  sendsAsBrand: text.optional(),
  brandIsCreditorName: flag.optional(),
  numbers: z.record(z.string(), text).optional(),
  emails: z.record(z.string(), z.looseObject({ employerProvided: flag.optional(), basis: text.optional() })).optional(),
  emailBasis: electronicBasis.nullable().optional(),
  smsBasis: electronicBasis.nullable().optional(),
  electronicConsent: z
    .looseObject({
      email: z.looseObject({ writtenConsentAt: instant.optional() }).optional(),
      sms: z.looseObject({ writtenConsentAt: instant.optional() }).optional(),
    })
    .optional(),
  tcpaConsent: z.looseObject({ at: instant }).nullable().optional(),
  validation: z
    .looseObject({ noticeSentAt: instant.optional(), method: text.optional(), assumedReceipt: date.optional(), periodEnd: date.optional() })
    .nullable()
    .optional(),
  initialCommunicationAt: instant.optional(),
  lastCollectionActivityAt: instant.optional(),
  statuteOfLimitationsExpired: dateOrInstant.optional(),
  timeBarred: flag.optional(),
  studentLoanServicingAccount: z.record(z.string(), text).optional(),
  locationEvidence: z.record(z.string(), text).optional(),
  policy: z
    .looseObject({
      minMinutesBetweenCallsSameNumber: nullableNumber.optional(),
      maxCallAttemptsPerConsumerPerDay: nullableNumber.optional(),
      maxSmsPerConsumerPerDay: nullableNumber.optional(),
      maxSmsPerConsumerPer7Days: nullableNumber.optional(),
      maxEmailsPerConsumerPerDay: nullableNumber.optional(),
      quietHours: z.looseObject({ from: clock, to: clock }).nullable().optional(),
      latestDialStart: clock.nullable().optional(),
      pauseOnAnyDispute: flag.optional(),
      waCountCompletedOnly: flag.optional(),
    })
    .optional(),
  scheduledAt: instant.optional(),
  sentVia: text.optional(),
  nycAccountId: z.union([text, z.record(z.string(), text)], { error: 'must be an account id, or a map from debt id to account id' }).optional(),
  creditorFileNotes: z.union([text, z.array(text)], { error: 'must be text or a list of texts' }).optional(),
  collectorTz: zone.optional(),
});

const attempt = z.looseObject({
  id: text.optional(),
  at: instant,
  channel: oneOf(attemptChannels),
  debtId: text.nullable().optional(),
  outcome: oneOf(outcomes),
  direction: oneOf(['outbound', 'inbound']).optional(),
  connected: flag.optional(),
  disposition: text.optional(),
  to: text.optional(),
  party: text.optional(),
  prerecorded: flag.optional(),
  voicemailAvailable: flag.optional(),
  callId: text.optional(),
  purpose: text.optional(),
});

const event = z.looseObject({
  id: text.optional(),
  type: oneOf(eventTypes),
  at: instant,
  debtId: text.nullable().optional(),
  receivedVia: text.optional(),
  written: flag.optional(),
  channel: text.optional(),
  medium: text.optional(),
  address: text.optional(),
  keyword: text.optional(),
  text: text.optional(),
  scope: text.optional(),
  place: text.optional(),
  attorneyNameAddressKnown: flag.optional(),
  validFrom: dateOrInstant.optional(),
  validTo: dateOrInstant.optional(),
  givenTo: text.optional(),
  source: text.optional(),
  window: z.looseObject({ date, from: clock, to: clock }).optional(),
  days: z.array(text).optional(),
  from: clock.optional(),
  to: clock.optional(),
  number: text.optional(),
  duplicative: flag.optional(),
  includesOriginalCreditor: flag.optional(),
});

const content = z.looseObject({
  optOutNotice: flag.optional(),
  debtCollectorDisclosure: flag.optional(),
  paymentDeadlineDays: z.number({ error: 'must be a number of days' }).int({ error: 'must be a whole number of days' }).nonnegative().optional(),
  threatensLegalAction: flag.optional(),
  onlyConfirmsOptOut: flag.optional(),
  limitedContent: flag.optional(),
  mentionsDebt: flag.optional(),
});

const proposed = z.looseObject({
  at: instant,
  channel: oneOf(proposedChannels),
  debtId: z.string({ error: 'must name the debt the contact is about' }).min(1, { error: 'must name the debt the contact is about' }),
  to: text.optional(),
  party: text.optional(),
  purpose: text.optional(),
  inReplyTo: text.optional(),
  prerecorded: flag.optional(),
  voicemailScript: z.looseObject({ limitedContent: flag.optional(), mentionsDebt: flag.optional() }).optional(),
  content: content.optional(),
});

export const contactCaseSchema = z.looseObject({
  id: z.string({ error: 'must be the case id (text)' }).min(1, { error: 'must not be empty' }),
  segment: text.optional(),
  channel: text.optional(),
  tz: z.union([zone, z.literal('unknown'), z.null()], { error: 'must be an IANA time zone such as America/Chicago, "unknown" or null' }).optional(),
  candidateTzs: z.array(zone, { error: 'must be a list of IANA time zones' }).optional(),
  context: context.optional(),
  priorAttempts: z.array(attempt, { error: 'must be a list of attempts' }).optional(),
  events: z.array(event, { error: 'must be a list of events' }).optional(),
  proposed,
});

/** One problem in one case: which case, which field, what was there, what to do. */
export interface CaseInputProblem {
  caseId: string;
  field: string;
  problem: string;
  value?: unknown;
}

export function formatProblem(p: CaseInputProblem): string {
  const got = p.value === undefined ? 'nothing' : JSON.stringify(p.value);
  return `case ${p.caseId}: field ${p.field}: ${p.problem} (got ${got && got.length > 80 ? `${got.slice(0, 77)}...` : got})`;
}

function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || '(case)';
}

export type CaseParse = { ok: true; cases: ContactRequest[] } | { ok: false; problems: CaseInputProblem[] };

/** Validate one case object or an array of them (CASE-FORMAT.md); each case is checked on its own. */
export function parseCases(input: unknown): CaseParse {
  const list: unknown[] = Array.isArray(input) ? input : [input];
  const problems: CaseInputProblem[] = [];
  const cases: ContactRequest[] = [];
  list.forEach((raw, index) => {
    const rawId = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : `#${index + 1} (no id)`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push({ caseId: rawId, field: '(case)', problem: 'each case must be a JSON object with id, tz, proposed…', value: raw });
      return;
    }
    const result = contactCaseSchema.safeParse(raw, { reportInput: true });
    if (!result.success) {
      for (const issue of result.error.issues) {
        const value = 'input' in issue ? issue.input : undefined;
        problems.push({ caseId: rawId, field: fieldPath(issue.path), problem: value === undefined ? `missing: ${issue.message}` : issue.message, ...(value !== undefined ? { value } : {}) });
      }
      return;
    }
    cases.push(result.data as ContactRequest);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, cases };
}
