/**
 * The question the compliance engine answers (a contact request) and its answer (a contact decision).
 *
 * Field names follow ../shared/compliance/CASE-FORMAT.md exactly, so a case file is a request and a
 * contact ledger loaded from the database maps onto `priorAttempts` and `events` row for row (see
 * compliance/README.md, "Mapping a database ledger"). Every instant is ISO-8601 text with an offset, so
 * requests are plain JSON: they cross the Temporal workflow/activity boundary and land in history unchanged.
 */

/** Channels a contact can be proposed on. `credit_furnish` and `records_purge` are not messages but are gated too. */
export type ProposedChannel = 'call' | 'ringless_voicemail' | 'sms' | 'email' | 'letter' | 'credit_furnish' | 'records_purge';

/** Channels an attempt in the ledger can have used. */
export type AttemptChannel = 'call' | 'ringless_voicemail' | 'sms' | 'email' | 'letter' | 'social_media' | 'in_person';

/**
 * What an attempt achieved. `placed` = a call that connected to the number (rang, answered and dropped)
 * with neither conversation nor voicemail; `voicemail` = reached voicemail or a recorded message, with or
 * without a message left; `conversation` = a telephone (or in-person) conversation with the person.
 */
export type AttemptOutcome = 'placed' | 'voicemail' | 'conversation' | 'email_sent' | 'sms_sent' | 'letter_sent';

export type Direction = 'outbound' | 'inbound';

/** Rule-profile hints of CASE-FORMAT.md; the facts in `context` refine them (RULES.md §1). */
export type Segment =
  | 'consumer-US-federal'
  | 'consumer-MA'
  | 'consumer-NYC'
  | 'consumer-WA'
  | 'consumer-CA-first-party'
  | 'consumer-first-party-false-name'
  | 'B2B'
  | 'B2B-CA-covered';

export type NumberType = 'mobile' | 'landline-home' | 'landline-work';

/** One row of the contact ledger: an earlier attempt, attributed to one debt (one row per debt of a call). */
export interface ContactAttempt {
  /** Ledger id; decisions cite it. Defaults to `priorAttempts[i]`. */
  id?: string;
  at: string;
  channel: AttemptChannel;
  /** The debt the attempt is attributed to (RULES.md §2.3). Absent: attributed to every debt (conservative). */
  debtId?: string | null;
  outcome: AttemptOutcome;
  direction?: Direction;
  /** False when the call never connected to the dialled number (busy, SIT, not in service). Default true. */
  connected?: boolean;
  /** Dialler disposition: busy, sit, not_in_service, no_answer, voicemail, answered, undeliverable… */
  disposition?: string;
  /** A label from `context.numbers`, a phone number or an email address. */
  to?: string;
  /** Who was contacted when not the consumer: attorney, creditor, consumer-reporting-agency, third-party… */
  party?: string;
  prerecorded?: boolean;
  /** Massachusetts: false when no voicemail could be left (the creditor was truly unable to reach the debtor). */
  voicemailAvailable?: boolean;
  /** One call about several debts is several rows sharing a callId; it is counted once per particular debt. */
  callId?: string;
  /** e.g. `reply` (answering a consumer-initiated contact), `validation_notice`, `optout_confirmation`. */
  purpose?: string;
}

export type DebtorEventType =
  | 'cease'
  | 'refusal_to_pay'
  | 'dispute'
  | 'verification_sent'
  | 'original_creditor_request'
  | 'original_creditor_sent'
  | 'optout'
  | 'tcpa_revocation'
  | 'medium_restriction'
  | 'attorney_rep'
  | 'attorney_consent'
  | 'consent_to_call'
  | 'consent_revoked'
  | 'time_consent'
  | 'inconvenient_time'
  | 'inconvenient_place'
  | 'employer_prohibits'
  | 'wrong_number'
  | 'consumer_message'
  | 'undeliverable';

/**
 * Something the consumer or another party did, effective from `at` (when the collector received it,
 * RULES.md §0). Which optional fields matter depends on `type`; see compliance/README.md.
 */
export interface DebtorEvent {
  id?: string;
  type: DebtorEventType | (string & {});
  at: string;
  /** The debt it concerns; absent means the consumer did not say (applied to all debts, conservatively). */
  debtId?: string | null;
  /** cease, dispute…: mail, email, portal, phone… (decides whether it is "written"). */
  receivedVia?: string;
  written?: boolean;
  /** optout, medium_restriction, consumer_message, inconvenient_time: the medium concerned. */
  channel?: string;
  medium?: string;
  /** optout, medium_restriction: one number/address within the medium. */
  address?: string;
  keyword?: string;
  text?: string;
  /** medium_restriction: `all` media, `address`, or a place (`home`, `work`). inconvenient_place: see `place`. */
  scope?: string;
  place?: string;
  attorneyNameAddressKnown?: boolean;
  /** consent_to_call: bounds the consumer set ("call me Monday"). Instants or local dates. */
  validFrom?: string;
  validTo?: string;
  /** Who received a consent: the collector unless `creditor` or `prior-collector`. */
  givenTo?: string;
  source?: string;
  /** time_consent: the window the consumer asked to be contacted in (consumer-local wall times). */
  window?: { date: string; from: string; to: string };
  /** inconvenient_time: weekdays (`Mon`…`Sun`, absent = every day) and local wall times. */
  days?: string[];
  from?: string;
  to?: string;
  /** wrong_number: the number (or label) that turned out not to be the consumer's. */
  number?: string;
  /** dispute: a duplicative dispute (1006.38(d)(2)(ii)). */
  duplicative?: boolean;
  /** verification_sent: it also answered an original-creditor request. */
  includesOriginalCreditor?: boolean;
}

export interface EmailAddressFacts {
  employerProvided?: boolean;
  /** The 1006.6(d)(4) paragraph relied on, e.g. `1006.6(d)(4)(i)(A)`. */
  basis?: string;
}

/** A documented 1006.6(d)(4) / (d)(5) basis for an email address or text number. */
export interface ElectronicBasis {
  type: string;
  consentAt?: string;
  /** (d)(5): last reassigned-numbers-database check showing no reassignment. */
  lastRndCheckAt?: string;
  /** (d)(4)(ii): the creditor's notice and the opt-out deadline it stated. */
  creditorNoticeSentAt?: string;
  optOutDeadline?: string;
  /** (d)(4)(iii): the immediately prior collector used the address. */
  priorCollectorUsed?: boolean;
}

export interface ValidationFacts {
  noticeSentAt?: string;
  method?: string;
  /** Date receipt is assumed; computed by the 1006.34(b)(5) mailbox rule when absent. */
  assumedReceipt?: string;
  /** End date printed on the notice; binds the collector (comment 34(b)(5)-1). Computed when absent. */
  periodEnd?: string;
}

/** Company limits beyond the law (RULES.md §2.7); `null` switches a default off. */
export interface CompanyPolicy {
  minMinutesBetweenCallsSameNumber?: number | null;
  maxCallAttemptsPerConsumerPerDay?: number | null;
  maxSmsPerConsumerPerDay?: number | null;
  maxSmsPerConsumerPer7Days?: number | null;
  maxEmailsPerConsumerPerDay?: number | null;
  /** Quiet hours `{ from: "21:00", to: "08:00" }` (debtor-local); the B2B default is 21:00-08:00. */
  quietHours?: { from: string; to: string } | null;
  /** Latest local time a live call may start, e.g. `20:45` (RULES.md §3.5 buffer). */
  latestDialStart?: string | null;
  /** Pause collection on every dispute, oral or late (RULES.md §7.3 policy option). */
  pauseOnAnyDispute?: boolean;
  /** Washington: count only completed communications (RULES.md §13 A10 switch for counsel). */
  waCountCompletedOnly?: boolean;
}

export interface CaseContext {
  collectorType?: 'third-party' | 'first-party';
  debtPurpose?: 'consumer' | 'commercial';
  debtorType?: 'natural-person' | 'entity';
  state?: string;
  city?: string;
  waLicensee?: boolean;
  coveredCommercialDebt?: boolean;
  aggregateOwed?: number;
  originatedAt?: string;
  sendsAsBrand?: string;
  brandIsCreditorName?: boolean;
  /** Number labels and their types; other types (e.g. voip) are treated as personal numbers. */
  numbers?: Record<string, NumberType | (string & {})>;
  emails?: Record<string, EmailAddressFacts>;
  emailBasis?: ElectronicBasis | null;
  smsBasis?: ElectronicBasis | null;
  electronicConsent?: { email?: { writtenConsentAt?: string }; sms?: { writtenConsentAt?: string } };
  /** `null`: no TCPA consent on file. Absent: none recorded beyond smsBasis (see rules/tcpa.ts). */
  tcpaConsent?: { at: string } | null;
  validation?: ValidationFacts | null;
  initialCommunicationAt?: string;
  lastCollectionActivityAt?: string;
  statuteOfLimitationsExpired?: string;
  timeBarred?: boolean;
  studentLoanServicingAccount?: Record<string, string>;
  locationEvidence?: Record<string, string>;
  policy?: CompanyPolicy;
  scheduledAt?: string;
  sentVia?: string;
  nycAccountId?: string | Record<string, string>;
  creditorFileNotes?: string | string[];
  /** The collector's own zone, when its calendar could put a call on another date (RULES.md §2.4). */
  collectorTz?: string;
}

export interface MessageContent {
  optOutNotice?: boolean;
  debtCollectorDisclosure?: boolean;
  paymentDeadlineDays?: number;
  threatensLegalAction?: boolean;
  onlyConfirmsOptOut?: boolean;
  limitedContent?: boolean;
  mentionsDebt?: boolean;
}

/** The contact to decide. `at` is the instant it would happen: for messages, the hand-off to the provider. */
export interface ProposedContact {
  at: string;
  channel: ProposedChannel;
  debtId: string;
  to?: string;
  party?: string;
  /** e.g. `validation_notice`, `verification`, `collection_ending`, `remedy_notice`, `required_by_law`, `litigation`. */
  purpose?: string;
  /** `consumer_message <instant>` or an event id: this contact answers a consumer-initiated one. */
  inReplyTo?: string;
  prerecorded?: boolean;
  voicemailScript?: { limitedContent?: boolean; mentionsDebt?: boolean };
  content?: MessageContent;
}

/** The engine's input: one case of CASE-FORMAT.md. */
export interface ContactRequest {
  id?: string;
  segment?: Segment | (string & {});
  /** The consumer's primary IANA zone; absent or `unknown` means no location evidence (RULES.md §3.4). */
  tz?: string | null;
  /** Every zone the location evidence points to; the contact must be convenient in all of them. */
  candidateTzs?: string[];
  context?: CaseContext;
  priorAttempts?: ContactAttempt[];
  events?: DebtorEvent[];
  proposed: ProposedContact;
}

export type Verdict = 'allow' | 'deny' | 'defer';

/** `law`: text, commentary or statute is clear; `conservative`: our reading of ambiguous law; `policy`: company choice. */
export type Basis = 'law' | 'conservative' | 'policy';

/** What one rule concluded about the proposed contact at one instant. */
export interface Finding {
  /** Stable rule id, e.g. `reg-f.call-frequency.seven-in-seven`. */
  rule: string;
  outcome: 'pass' | 'deny' | 'defer';
  /** For `defer`: the earliest instant this rule allows (ISO, UTC). */
  until?: string;
  basis: Basis;
  citations: string[];
  reason: string;
  /** Ledger attempt ids this rule counted. */
  counted?: string[];
}

export interface ExcludedAttempt {
  id: string;
  why: string;
}

/** The inputs a decision rests on, for the audit trail (RULES.md §14). */
export interface DecisionInputs {
  profile: string;
  /** Zones in which convenience was required. */
  zones: string[];
  /** Zones whose calendars counted days. */
  calendarZones: string[];
  countedAttemptIds: string[];
  excludedAttempts: ExcludedAttempt[];
  /** Events in effect at the decision instant (id or `type@at`). */
  events: string[];
  /** Events received after the decision instant and therefore ignored (RULES.md §0: never retroactive). */
  ignoredFutureEvents: string[];
}

export interface ContactDecision {
  id?: string;
  decision: Verdict;
  /** For `defer`: the earliest instant at which every rule allows the contact (itself allowed). */
  until?: string;
  basis: Basis;
  rules: string[];
  reasons: string[];
  inputs: DecisionInputs;
  /** Every rule finding, passing ones included, at the instants examined. */
  findings: Finding[];
  /** The instant decided (proposed.at, normalised to UTC). */
  evaluatedAt: string;
  ruleVersion: string;
}

/** The per-case output object of `dunmore compliance check` (CASE-FORMAT.md). */
export interface CaseResult {
  id: string;
  decision: Verdict;
  until?: string;
  basis: Basis;
  rules: string[];
  reasons: string[];
}
