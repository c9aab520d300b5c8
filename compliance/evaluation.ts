/**
 * One decision's working state: the request normalised once (instants parsed, ids assigned, zones
 * resolved, events cut at the decision instant) so that every rule, at every instant the search for an
 * allowed time examines, reads the same facts.
 */
import { ComplianceInputError } from './input-error.js';
import { parseInstant } from './instant.js';
import { selectProfile, type RuleProfile } from './profile.js';
import type {
  AttemptChannel,
  AttemptOutcome,
  CaseContext,
  CompanyPolicy,
  ContactRequest,
  DebtorEvent,
  MessageContent,
  NumberType,
  ProposedChannel,
} from './types.js';
import { ZoneClock } from './zone-clock.js';

/** Who a contact reaches. 1006.6(a): the consumer includes spouse, parent of a minor, guardian, executor. */
export type PartyKind = 'consumer' | 'excluded-party' | 'third-party';

const consumerParties = new Set(['', 'consumer', 'debtor', 'spouse', 'parent', 'guardian', 'executor', 'administrator', 'successor', 'successor-in-interest', 'borrower', 'cosigner', 'co-signer']);
/** 1006.6(d)(1)(ii)-(vi): calls to these are outside the call-frequency rule (1006.14(b)(3)(iii)). */
const excludedParties = new Set([
  'attorney', 'consumer-attorney', 'consumers-attorney', 'consumer-s-attorney', 'debtor-attorney', 'lawyer',
  'cra', 'consumer-reporting-agency', 'credit-bureau', 'credit-reporting-agency',
  'creditor', 'original-creditor', 'creditor-attorney', 'creditors-attorney', 'creditor-s-attorney',
  'collector-attorney', 'debt-collector-attorney', 'collectors-attorney', 'collector-s-attorney',
]);

export function partyKind(party: string | undefined): PartyKind {
  if (party === undefined) return 'consumer';
  const p = slug(party ?? '');
  if (consumerParties.has(p)) return 'consumer';
  if (excludedParties.has(p)) return 'excluded-party';
  return 'third-party';
}

/** Lower-case, words joined by hyphens: `Consumer's Attorney` → `consumer-s-attorney`. */
export function slug(text: string): string {
  if (text === '') return text;
  return text.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** Media named by people and systems, reduced to the engine's channels. `call` covers ringless voicemail. */
export type Medium = 'call' | 'sms' | 'email' | 'letter' | 'all';

export function mediumOf(text: string | undefined): Medium | undefined {
  if (text === undefined) return undefined;
  const s = slug(text);
  if (/^(all|any|all-media|every|everything)$/.test(s)) return 'all';
  if (/^(call|calls|calling|phone|phones|telephone|voice|voicemail|ringless-voicemail|ringless|rvm)$/.test(s)) return 'call';
  if (/^(sms|text|texts|texting|text-message|text-messages|mms)$/.test(s)) return 'sms';
  if (/^(email|emails|e-mail|e-mails|mailbox-email)$/.test(s)) return 'email';
  if (/^(letter|letters|mail|postal|postal-mail|post)$/.test(s)) return 'letter';
  return undefined;
}

export function mediumOfChannel(channel: ProposedChannel | AttemptChannel): Medium | undefined {
  switch (channel) {
    case 'call':
    case 'ringless_voicemail':
      return 'call';
    case 'sms':
      return 'sms';
    case 'email':
      return 'email';
    case 'letter':
      return 'letter';
    default:
      return undefined;
  }
}

/** Phone numbers compare by their last ten digits; labels and email addresses case-insensitively. */
export function addressKey(address: string): string {
  const trimmed = address.trim().toLowerCase();
  if (trimmed.includes('@')) return trimmed;
  const digits = trimmed.replace(/\D/g, '');
  return digits.length >= 7 && /^[\d\s()+.-]+$/.test(trimmed) ? digits.slice(-10) : trimmed;
}

export interface LedgerAttempt {
  id: string;
  at: number;
  channel: AttemptChannel;
  /** `null`: attributed to every debt (no debt recorded; RULES.md §2.3, §13 A6). */
  debtId: string | null;
  outcome: AttemptOutcome;
  direction: 'outbound' | 'inbound';
  connected: boolean;
  disposition: string;
  to?: string;
  party: PartyKind;
  partyLabel: string;
  prerecorded: boolean;
  voicemailAvailable?: boolean;
  callId?: string;
  purpose: string;
  /** Answers a consumer-initiated contact (excluded from NYC, WA and company caps). */
  isReply: boolean;
}

export interface LedgerEvent {
  id: string;
  type: string;
  at: number;
  debtId: string | null;
  raw: DebtorEvent;
  /** Field path for errors: `events[2]`. */
  path: string;
}

export interface NormalisedProposal {
  at: number;
  channel: ProposedChannel;
  debtId: string;
  to?: string;
  party: PartyKind;
  partyLabel: string;
  purpose: string;
  inReplyTo?: string;
  prerecorded: boolean;
  voicemailScript?: { limitedContent?: boolean; mentionsDebt?: boolean };
  content?: MessageContent;
}

export interface Location {
  /** Zones in which the contact must be convenient (all of them). */
  zones: ZoneClock[];
  /** Zones whose calendars count days (the convenience zones plus the collector's own). */
  calendarZones: ZoneClock[];
  /** Consumer-local zone for consumer-designated wall times (the primary zone). */
  primary: ZoneClock;
  /** No location evidence at all: the 50-state-plus-DC intersection is used (RULES.md §3.4, §13 A3). */
  unknown: boolean;
}

/**
 * RULES.md §3.4: no location evidence → the intersection of every zone of the 50 states and DC, that is
 * 08:00 Hawaii to 21:00 Eastern. Adak is Hawaii time in winter and an hour ahead of it in summer, so
 * Honolulu stays the binding western edge; listing it keeps the set complete.
 */
export const unknownLocationZones = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'America/Adak',
  'Pacific/Honolulu',
] as const;

export interface ResolvedPolicy {
  minMinutesBetweenCallsSameNumber: number | null;
  maxCallAttemptsPerConsumerPerDay: number | null;
  maxSmsPerConsumerPerDay: number | null;
  maxSmsPerConsumerPer7Days: number | null;
  maxEmailsPerConsumerPerDay: number | null;
  quietHours: { from: string; to: string } | null;
  latestDialStart: string | null;
  pauseOnAnyDispute: boolean;
  waCountCompletedOnly: boolean;
}

/** RULES.md §2.7 defaults for consumer debts; commercial debts get only the limits configured. */
function resolvePolicy(policy: CompanyPolicy | undefined, consumer: boolean): ResolvedPolicy {
  const pick = (value: number | null | undefined, fallback: number): number | null =>
    value === undefined ? (consumer ? fallback : null) : value;
  return {
    minMinutesBetweenCallsSameNumber: pick(policy?.minMinutesBetweenCallsSameNumber, 60),
    maxCallAttemptsPerConsumerPerDay: pick(policy?.maxCallAttemptsPerConsumerPerDay, 3),
    maxSmsPerConsumerPerDay: pick(policy?.maxSmsPerConsumerPerDay, 1),
    maxSmsPerConsumerPer7Days: pick(policy?.maxSmsPerConsumerPer7Days, 3),
    maxEmailsPerConsumerPerDay: pick(policy?.maxEmailsPerConsumerPerDay, 1),
    // The product applies 08:00-21:00 debtor-local to every segment (RULES.md §1.2, §12).
    quietHours: policy?.quietHours === undefined ? (consumer ? null : { from: '21:00', to: '08:00' }) : policy.quietHours,
    latestDialStart: policy?.latestDialStart ?? null,
    pauseOnAnyDispute: policy?.pauseOnAnyDispute ?? false,
    waCountCompletedOnly: policy?.waCountCompletedOnly ?? false,
  };
}

export interface Evaluation {
  id: string;
  /** The decision instant: proposed.at. */
  t: number;
  proposed: NormalisedProposal;
  context: CaseContext;
  profile: RuleProfile;
  /** True when Regulation F (or the consumer profile) applies. */
  consumerRules: boolean;
  policy: ResolvedPolicy;
  location: Location;
  /** Attempts before the decision instant, oldest first. */
  attempts: LedgerAttempt[];
  /** Events received at or before the decision instant, oldest first. */
  events: LedgerEvent[];
  ignoredFutureEvents: string[];
  ignoredFutureAttempts: string[];
  /** Attempts a rule declined to count, and why (for the audit trail). */
  excluded: Map<string, string>;
  /** Student loans serviced under one account when obtained form one particular debt (1006.14(b)(4)). */
  particularDebtKey(debtId: string): string;
  numberType(to: string | undefined): NumberType | (string & {}) | undefined;
  eventsOf(...types: string[]): LedgerEvent[];
}

const outcomes = new Set<AttemptOutcome>(['placed', 'voicemail', 'conversation', 'email_sent', 'sms_sent', 'letter_sent']);
const attemptChannels = new Set<AttemptChannel>(['call', 'ringless_voicemail', 'sms', 'email', 'letter', 'social_media', 'in_person']);
const proposedChannels = new Set<ProposedChannel>(['call', 'ringless_voicemail', 'sms', 'email', 'letter', 'credit_furnish', 'records_purge']);
const nonConnectedDispositions = /^(busy|sit|sit-tone|not-in-service|disconnected|invalid|invalid-number|failed|no-connect|network-error|fast-busy|undeliverable|bounced|returned)$/;
const replyPurposes = /^(reply|response|respond|reply-to-consumer|consumer-reply|answer|callback-reply)$/;

function debtIdOf(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  return trimmed === '' || trimmed === '*' || /^all$/i.test(trimmed) ? null : trimmed;
}

function isUnknownZone(tz: string | null | undefined): boolean {
  return tz === undefined || tz === null || tz.trim() === '' || /^unknown$/i.test(tz.trim());
}

export function prepareEvaluation(request: ContactRequest): Evaluation {
  const id = request.id ?? '(unnamed case)';
  const context = request.context ?? {};
  const p = request.proposed;
  if (p === undefined || p === null || typeof p !== 'object') {
    throw new ComplianceInputError('proposed', p, 'missing: give the contact to decide as { at, channel, debtId }');
  }
  if (!proposedChannels.has(p.channel)) {
    throw new ComplianceInputError('proposed.channel', p.channel, `not a channel; use one of ${[...proposedChannels].join(', ')}`);
  }
  if (typeof p.debtId !== 'string' || p.debtId.trim() === '') {
    throw new ComplianceInputError('proposed.debtId', p.debtId, 'missing: name the debt the contact is about');
  }
  const t = parseInstant(p.at, 'proposed.at');
  const proposedParty = p.party ?? '';
  const proposed: NormalisedProposal = {
    at: t,
    channel: p.channel,
    debtId: p.debtId,
    ...(p.to !== undefined ? { to: p.to } : {}),
    party: partyKind(proposedParty),
    partyLabel: proposedParty || 'consumer',
    purpose: slug(p.purpose ?? ''),
    ...(p.inReplyTo !== undefined ? { inReplyTo: p.inReplyTo } : {}),
    prerecorded: p.prerecorded === true,
    ...(p.voicemailScript !== undefined ? { voicemailScript: p.voicemailScript } : {}),
    ...(p.content !== undefined ? { content: p.content } : {}),
  };

  const profile = selectProfile(request.segment, context);

  // Location: every zone the evidence points to (RULES.md §3.4).
  const zoneNames: string[] = [];
  const addZone = (name: string, field: string): void => {
    ZoneClock.of(name, field);
    if (!zoneNames.includes(name)) zoneNames.push(name);
  };
  if (!isUnknownZone(request.tz)) addZone(request.tz as string, 'tz');
  (request.candidateTzs ?? []).forEach((z, i) => addZone(z, `candidateTzs[${i}]`));
  for (const [source, z] of Object.entries(context.locationEvidence ?? {})) {
    if (!isUnknownZone(z)) addZone(z, `context.locationEvidence.${source}`);
  }
  const unknown = zoneNames.length === 0;
  const zones = (unknown ? [...unknownLocationZones] : zoneNames).map((z) => ZoneClock.of(z));
  const calendarZones = [...zones];
  if (context.collectorTz !== undefined) {
    const collector = ZoneClock.of(context.collectorTz, 'context.collectorTz');
    if (!calendarZones.includes(collector)) calendarZones.push(collector);
  }
  const primary = zones[0] as ZoneClock;

  const attempts: LedgerAttempt[] = [];
  const ignoredFutureAttempts: string[] = [];
  (request.priorAttempts ?? []).forEach((a, i) => {
    const path = `priorAttempts[${i}]`;
    const at = parseInstant(a.at, `${path}.at`);
    if (!attemptChannels.has(a.channel)) {
      throw new ComplianceInputError(`${path}.channel`, a.channel, `not a channel; use one of ${[...attemptChannels].join(', ')}`);
    }
    if (!outcomes.has(a.outcome)) {
      throw new ComplianceInputError(`${path}.outcome`, a.outcome, `not an outcome; use one of ${[...outcomes].join(', ')}`);
    }
    const attemptId = a.id ?? path;
    // An attempt at or after the decision instant is not history yet (replays must not look ahead).
    if (at >= t) {
      ignoredFutureAttempts.push(attemptId);
      return;
    }
    const disposition = a.disposition === undefined ? '' : slug(a.disposition);
    const purpose = a.purpose === undefined ? '' : slug(a.purpose);
    attempts.push({
      id: attemptId,
      at,
      channel: a.channel,
      debtId: debtIdOf(a.debtId),
      outcome: a.outcome,
      direction: a.direction === 'inbound' ? 'inbound' : 'outbound',
      connected: a.connected !== false && (disposition === '' || !nonConnectedDispositions.test(disposition)),
      disposition,
      to: a.to,
      party: partyKind(a.party),
      partyLabel: a.party ?? 'consumer',
      prerecorded: a.prerecorded === true || a.channel === 'ringless_voicemail',
      voicemailAvailable: a.voicemailAvailable,
      callId: a.callId,
      purpose,
      isReply: purpose !== '' && replyPurposes.test(purpose),
    });
  });
  attempts.sort((x, y) => x.at - y.at);

  const events: LedgerEvent[] = [];
  const ignoredFutureEvents: string[] = [];
  (request.events ?? []).forEach((e, i) => {
    const path = `events[${i}]`;
    if (typeof e.type !== 'string' || e.type.trim() === '') {
      throw new ComplianceInputError(`${path}.type`, e.type, 'missing: every event needs a type such as cease, dispute or optout');
    }
    const at = parseInstant(e.at, `${path}.at`);
    const eventId = e.id ?? `${e.type}@${e.at}`;
    // RULES.md §0: an event takes effect when the collector receives it, never retroactively.
    if (at > t) {
      ignoredFutureEvents.push(eventId);
      return;
    }
    events.push({ id: eventId, type: slug(e.type).replace(/-/g, '_'), at, debtId: debtIdOf(e.debtId), raw: e, path });
  });
  events.sort((x, y) => x.at - y.at);

  const servicing = context.studentLoanServicingAccount ?? {};
  const consumerRules = profile.kind !== 'commercial';
  return {
    id,
    t,
    proposed,
    context,
    profile,
    consumerRules,
    policy: resolvePolicy(context.policy, consumerRules),
    location: { zones, calendarZones, primary, unknown },
    attempts,
    events,
    ignoredFutureEvents,
    ignoredFutureAttempts,
    excluded: new Map(),
    particularDebtKey: (debtId) => {
      const account = servicing[debtId];
      return account !== undefined ? `servicing account ${account}` : debtId;
    },
    numberType: (to) => (to === undefined ? undefined : context.numbers?.[to]),
    eventsOf: (...types) => events.filter((e) => types.includes(e.type)),
  };
}

/** Does an attempt or event attributed to `debtId` (null = every debt) concern the particular debt `key`? */
export function concernsDebt(ev: Evaluation, debtId: string | null, key: string): boolean {
  return debtId === null || ev.particularDebtKey(debtId) === key;
}

/** Record why an attempt was not counted (first reason wins: it is the most specific). */
export function exclude(ev: Evaluation, attemptId: string, why: string): void {
  if (!ev.excluded.has(attemptId)) ev.excluded.set(attemptId, why);
}

/** Attempts at or after an instant (the ledger is sorted, so this is a binary search). */
export function attemptsSince(ev: Evaluation, fromMs: number): LedgerAttempt[] {
  let lo = 0;
  let hi = ev.attempts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((ev.attempts[mid] as LedgerAttempt).at < fromMs) lo = mid + 1;
    else hi = mid;
  }
  return ev.attempts.slice(lo);
}

/** Is the proposed contact addressed to the consumer (not to an attorney, creditor, CRA or third party)? */
export function toConsumer(ev: Evaluation): boolean {
  return ev.proposed.party === 'consumer';
}

/** Communications and attempts in the 1006.2(b)/(d) sense: everything but furnishing and purging records. */
export function isCommunication(channel: ProposedChannel): boolean {
  return channel !== 'credit_furnish' && channel !== 'records_purge';
}

/** Numbers tied to the workplace (1006.6(b)(3)) and employer-provided email (1006.22(f)(3)). */
export function isWorkAddress(ev: Evaluation, to: string | undefined): boolean {
  if (to === undefined) return false;
  if (ev.numberType(to) === 'landline-work') return true;
  return ev.context.emails?.[to]?.employerProvided === true;
}
