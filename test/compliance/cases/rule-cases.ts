/**
 * Table-driven contact cases beyond the ten shared examples: one or more per section of RULES.md and per
 * item of its pitfalls list (§2.8) and ambiguity table (§13). Each is a CASE-FORMAT.md case with its
 * expected answer, worked out by hand from the rule it cites (see `why`).
 *
 * June 2026 dates are CDT (UTC-05:00) in America/Chicago; 2026-06-01 is a Monday.
 */
import type { Basis, ContactAttempt, ContactRequest, DebtorEvent, Verdict } from '../../../compliance/index.js';

export interface Expected {
  decision: Verdict;
  /** Compared as an instant. */
  until?: string;
  basis: Basis;
  /** Citations that must be among the decision's rules. */
  rules?: string[];
}

export interface RuleCase extends ContactRequest {
  id: string;
  /** RULES.md section or pitfall covered. */
  section: string;
  title: string;
  why: string;
  expected: Expected;
}

const CT = 'America/Chicago';
const consumer = { collectorType: 'third-party', debtPurpose: 'consumer' } as const;
const electronic = { optOutNotice: true, debtCollectorDisclosure: true };
const textBasis = { smsBasis: { type: '1006.6(d)(5)(i)' } };
const emailBasis = { emailBasis: { type: '1006.6(d)(4)(i)(A)' } };

/** A June 2026 instant in Chicago (CDT). */
function jun(day: number, time = '10:00'): string {
  return `2026-06-${String(day).padStart(2, '0')}T${time}:00-05:00`;
}

function call(at: string, extra: Partial<ContactAttempt> = {}): ContactAttempt {
  return { at, channel: 'call', debtId: 'D1', outcome: 'placed', ...extra };
}

/** One placed call about D1 at 10:00 on each June day listed. */
function callsOn(days: number[], extra: Partial<ContactAttempt> = {}): ContactAttempt[] {
  return days.map((d) => call(jun(d), extra));
}

function kase(
  id: string,
  section: string,
  title: string,
  why: string,
  parts: Partial<ContactRequest> & Pick<ContactRequest, 'proposed'>,
  expected: Expected,
): RuleCase {
  return {
    id,
    section,
    title,
    why,
    segment: 'consumer-US-federal',
    tz: CT,
    context: { ...consumer },
    priorAttempts: [],
    events: [],
    ...parts,
    expected,
  };
}

const ev = (type: string, at: string, fields: Partial<DebtorEvent> = {}): DebtorEvent => ({ type, at, ...fields });

export const ruleCases: RuleCase[] = [
  // ── §1 Segment selection ────────────────────────────────────────────────────────────────────────────
  kase('P-01', '§1.2', 'B2B: eight calls in a week are not limited by Reg F', 'Reg F covers consumer-purpose debt only (1006.2(h)); B2B has company quiet hours, no default caps.', {
    segment: 'B2B',
    context: { collectorType: 'first-party', debtPurpose: 'commercial', debtorType: 'entity' },
    priorAttempts: callsOn([1, 2, 3, 4, 5, 6, 7]),
    proposed: { at: jun(7, '15:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'policy' }),
  kase('P-02', '§1.2', 'B2B: 21:30 call deferred by company quiet hours', 'Policy 08:00-21:00 debtor-local for every segment.', {
    segment: 'B2B',
    context: { collectorType: 'first-party', debtPurpose: 'commercial', debtorType: 'entity' },
    proposed: { at: jun(10, '21:30'), channel: 'call', debtId: 'INV-7' },
  }, { decision: 'defer', until: jun(11, '08:00'), basis: 'policy' }),
  kase('P-03', '§1.1', 'Creditor using a third-party-sounding brand is a debt collector', 'False-name rule 1006.2(i)(1): Reg F binds, so the 8th call is deferred as law.', {
    segment: 'consumer-first-party-false-name',
    context: { collectorType: 'first-party', debtPurpose: 'consumer', sendsAsBrand: 'National Recovery Bureau', brandIsCreditorName: false },
    priorAttempts: callsOn([1, 2, 3, 4, 5, 6, 7]),
    proposed: { at: jun(7, '15:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: jun(8, '08:00'), basis: 'law', rules: ['12 CFR 1006.2(i)(1)', '12 CFR 1006.14(b)(2)(i)(A)'] }),
  kase('P-04', '§1.2', 'Creditor in its own name (Texas): Reg F limits applied by policy', 'A creditor collecting in its own name is excluded from 1006.2(i); the product applies Reg F by policy.', {
    context: { collectorType: 'first-party', debtPurpose: 'consumer', state: 'TX', sendsAsBrand: 'Acme Bank', brandIsCreditorName: true },
    priorAttempts: callsOn([1, 2, 3, 4, 5, 6, 7]),
    proposed: { at: jun(7, '15:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: jun(8, '08:00'), basis: 'policy' }),
  kase('P-05', '§1.2, §11 CA', 'California creditor: Rosenthal imports the FDCPA, so the limit is law', 'Cal. Civ. Code 1788.17 binds creditors collecting their own consumer debts.', {
    segment: 'consumer-CA-first-party',
    tz: 'America/Los_Angeles',
    context: { collectorType: 'first-party', debtPurpose: 'consumer', state: 'CA' },
    priorAttempts: [1, 2, 3, 4, 5, 6, 7].map((d) => call(`2026-06-0${d}T10:00:00-07:00`)),
    proposed: { at: '2026-06-07T15:00:00-07:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: '2026-06-08T08:00:00-07:00', basis: 'law', rules: ['Cal. Civ. Code 1788.17'] }),
  kase('P-06', '§1.2, §13 A13', 'California covered commercial debt: consumer profile, conservatively', 'SB 1286: natural person, $120k, originated after 2025-07-01.', {
    segment: 'B2B-CA-covered',
    tz: 'America/Los_Angeles',
    context: { collectorType: 'first-party', debtPurpose: 'commercial', debtorType: 'natural-person', state: 'CA', coveredCommercialDebt: true, aggregateOwed: 120000, originatedAt: '2025-09-15' },
    priorAttempts: [1, 2, 3, 4, 5, 6, 7].map((d) => call(`2026-06-0${d}T10:00:00-07:00`)),
    proposed: { at: '2026-06-07T15:00:00-07:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: '2026-06-08T08:00:00-07:00', basis: 'conservative' }),
  kase('P-07', '§1.2', 'California commercial debt over $500,000 is not covered', 'SB 1286 covers $500,000 or less: the commercial profile applies.', {
    segment: 'B2B-CA-covered',
    tz: 'America/Los_Angeles',
    context: { collectorType: 'first-party', debtPurpose: 'commercial', debtorType: 'natural-person', state: 'CA', aggregateOwed: 750000, originatedAt: '2025-09-15' },
    priorAttempts: [1, 2, 3, 4, 5, 6, 7].map((d) => call(`2026-06-0${d}T10:00:00-07:00`)),
    proposed: { at: '2026-06-07T15:00:00-07:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'policy' }),
  kase('P-08', '§1.2', 'California commercial debt originated before 2025-07-01 is not covered', 'SB 1286 reaches transactions on or after 2025-07-01.', {
    segment: 'B2B-CA-covered',
    tz: 'America/Los_Angeles',
    context: { collectorType: 'first-party', debtPurpose: 'commercial', debtorType: 'natural-person', state: 'CA', aggregateOwed: 90000, originatedAt: '2024-03-01' },
    priorAttempts: [1, 2, 3, 4, 5, 6, 7].map((d) => call(`2026-06-0${d}T10:00:00-07:00`)),
    proposed: { at: '2026-06-07T15:00:00-07:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'policy' }),

  // ── §2 Call frequency ───────────────────────────────────────────────────────────────────────────────
  kase('F-01', '§2.2', 'Busy signals and not-in-service calls are not counted', '1006.14(b)(3)(ii): 5 connected + 2 never connected = 5 counted.', {
    priorAttempts: [
      ...callsOn([1, 2, 3, 4, 5]),
      call(jun(6), { connected: false, disposition: 'busy' }),
      call(jun(7), { connected: false, disposition: 'not_in_service' }),
    ],
    proposed: { at: jun(7, '15:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('F-02', '§2.2', 'Calls to the creditor and the consumer\'s attorney are outside the rule', '1006.14(b)(3)(iii), 6(d)(1)(ii)-(vi).', {
    priorAttempts: [...callsOn([1, 2, 3, 4, 5]), call(jun(6), { party: 'creditor' }), call(jun(7), { party: 'attorney' })],
    proposed: { at: jun(7, '15:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('F-03', '§2.2', 'Calls to a number later reported wrong are not calls to the person', 'comment 14(b)(2)(i)-3: 3 calls to home-1 (wrong) leave 4 counted.', {
    context: { ...consumer, numbers: { 'mobile-1': 'mobile', 'home-1': 'landline-home' } },
    priorAttempts: [...callsOn([1, 2, 3, 4], { to: 'mobile-1' }), ...callsOn([5, 6, 7], { to: 'home-1' })],
    events: [ev('wrong_number', jun(7, '10:05'), { number: 'home-1' })],
    proposed: { at: jun(7, '15:00'), channel: 'call', debtId: 'D1', to: 'mobile-1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('F-04', '§2.2', 'Inbound calls are not placed by the collector', 'comment 14(b)(2)(i)-1.ii: 6 outbound + 2 inbound (no conversation) = 6 counted.', {
    priorAttempts: [...callsOn([1, 2, 3, 4, 5, 6]), call(jun(6, '12:00'), { direction: 'inbound', outcome: 'voicemail' }), call(jun(7, '09:00'), { direction: 'inbound', outcome: 'voicemail' })],
    proposed: { at: jun(7, '15:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('F-05', '§2.2', 'Texts and emails are not calls', 'comment 14(b)-1: 6 calls and 4 texts = 6 counted.', {
    priorAttempts: [
      ...callsOn([1, 2, 3, 4, 5, 6]),
      ...[2, 3, 4, 5].map((d) => ({ at: jun(d, '16:00'), channel: 'sms' as const, debtId: 'D1', outcome: 'sms_sent' as const })),
    ],
    proposed: { at: jun(7, '15:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('F-06', '§2.8 pitfall: keyed by number', 'Each particular debt has its own budget', 'Seven calls about D2 do not limit a call about D1 (1006.14(b)(4)).', {
    priorAttempts: callsOn([1, 2, 3, 4, 5, 6, 7], { debtId: 'D2' }),
    proposed: { at: jun(7, '15:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('F-07', '§2.3', 'Student loans under one servicing account are one particular debt', '4 calls about L1 + 3 about L2, both serviced under SA-9 at placement: 7 counted.', {
    context: { ...consumer, studentLoanServicingAccount: { L1: 'SA-9', L2: 'SA-9' } },
    priorAttempts: [...callsOn([1, 2, 3, 4], { debtId: 'L1' }), ...callsOn([5, 6, 7], { debtId: 'L2' })],
    proposed: { at: jun(7, '15:00'), channel: 'call', debtId: 'L1' },
  }, { decision: 'defer', until: jun(8, '08:00'), basis: 'law', rules: ['12 CFR 1006.14(b)(2)(i)(A)'] }),
  kase('F-08', '§2.3', 'Student loans under different servicing accounts stay separate', 'L1 (SA-1) and L2 (SA-2) are different particular debts.', {
    context: { ...consumer, studentLoanServicingAccount: { L1: 'SA-1', L2: 'SA-2' } },
    priorAttempts: [...callsOn([1, 2, 3, 4], { debtId: 'L1' }), ...callsOn([5, 6, 7], { debtId: 'L2' })],
    proposed: { at: jun(7, '15:00'), channel: 'call', debtId: 'L1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('F-09', '§2.3', 'One call about two loans of one servicing account counts once', 'Rows sharing a callId are one call for the particular debt: 6 distinct calls.', {
    context: { ...consumer, studentLoanServicingAccount: { L1: 'SA-9', L2: 'SA-9' } },
    priorAttempts: [
      ...callsOn([1, 2, 3, 4, 5], { debtId: 'L1' }),
      call(jun(6), { debtId: 'L1', callId: 'c6' }),
      call(jun(6), { debtId: 'L2', callId: 'c6' }),
    ],
    proposed: { at: jun(7, '15:00'), channel: 'call', debtId: 'L2' },
  }, { decision: 'allow', basis: 'law' }),
  kase('F-10', '§2.4', 'After a conversation, no call until day 8', 'comment 14(b)(2)(ii)-1.ii: conversation Fri Aug 14 blocks through Aug 20.', {
    priorAttempts: [call('2026-08-14T11:00:00-05:00', { outcome: 'conversation' })],
    proposed: { at: '2026-08-20T16:00:00-05:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: '2026-08-21T08:00:00-05:00', basis: 'law', rules: ['12 CFR 1006.14(b)(2)(i)(B)'] }),
  kase('F-11', '§2.8 pitfall: inbound conversations', 'An inbound conversation starts the 7-day block too', 'comment 14(b)(2)(i)-1.ii: the consumer called and talked about D1 on Jun 3.', {
    priorAttempts: [call(jun(3, '17:00'), { direction: 'inbound', outcome: 'conversation' })],
    proposed: { at: jun(5, '10:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: jun(10, '08:00'), basis: 'law' }),
  kase('F-12', '§2.8 pitfall: rolling NOW()-7 days', 'The conversation block ends at local midnight of day 8, not 168 hours later', 'Conversation Aug 14 19:00; a rolling window would block until Aug 21 19:00.', {
    priorAttempts: [call('2026-08-14T19:00:00-05:00', { outcome: 'conversation' })],
    proposed: { at: '2026-08-21T08:30:00-05:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('F-13', '§2.8 pitfall: rolling NOW()-7 days', 'Seven calls Jun 1-7: a call on Jun 8 at 09:00 is allowed', 'Window Jun 2-8 holds 6 calls; a 168-hour window from Jun 8 09:00 would still hold 7.', {
    priorAttempts: callsOn([1, 2, 3, 4, 5, 6, 7]),
    proposed: { at: jun(8, '09:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('F-14', '§2.8 pitfall: no consent exclusion', 'Calls while direct consent is active are excluded', '1006.14(b)(3)(i): consent received Jun 3 ("call me this week"); proposed Jun 7 is within days 1-7.', {
    priorAttempts: callsOn([1, 2, 3, 4, 5, 6, 7]),
    events: [ev('consent_to_call', jun(3, '09:00'), { debtId: 'D1', receivedVia: 'inbound call' })],
    proposed: { at: jun(7, '15:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law', rules: ['12 CFR 1006.14(b)(3)(i)'] }),
  kase('F-15', '§2.5', 'Calls placed under consent never count later', 'Consent Jun 3 (days 1-7 = Jun 3-9); 12 calls Jun 3-8 are excluded, so Jun 10 is free.', {
    priorAttempts: [...callsOn([1, 2]), ...callsOn([3, 4, 5, 6, 7, 8]), ...[3, 4, 5, 6, 7, 8].map((d) => call(jun(d, '16:00')))],
    events: [ev('consent_to_call', jun(3, '09:00'), { debtId: 'D1' })],
    proposed: { at: jun(10, '10:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('F-16', '§2.5', 'Consent given to the creditor does not exclude calls', 'comment 6(b)(4)(i)-2: only consent given directly to the collector counts.', {
    priorAttempts: callsOn([1, 2, 3, 4, 5, 6, 7]),
    events: [ev('consent_to_call', jun(3, '09:00'), { debtId: 'D1', givenTo: 'creditor' })],
    proposed: { at: jun(7, '15:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: jun(8, '08:00'), basis: 'law' }),
  kase('F-17', '§2.5', 'A conversation ends the consent and starts a new block', 'Consent Jun 3; conversation Jun 4 → no call Jun 4-10.', {
    priorAttempts: [call(jun(4, '11:00'), { outcome: 'conversation' })],
    events: [ev('consent_to_call', jun(3, '09:00'), { debtId: 'D1' })],
    proposed: { at: jun(6, '10:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: jun(11, '08:00'), basis: 'law' }),
  kase('F-18', '§2.4', 'Release is the 7th most recent call\'s date + 7', 'Two calls on Jun 1 and one a day Jun 2-6: calls Jun 1-7 would be 8, and Jun 2-8 holds 5.', {
    priorAttempts: [call(jun(1, '09:00')), ...callsOn([1, 2, 3, 4, 5, 6])],
    proposed: { at: jun(7, '10:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: jun(8, '08:00'), basis: 'law' }),
  kase('F-19', '§2.3, §13 A6', 'A conversation naming no debt is attributed to every debt', 'Conservative: the general conversation on Jun 3 blocks calls about D2 too.', {
    priorAttempts: [call(jun(3, '11:00'), { outcome: 'conversation', debtId: null })],
    proposed: { at: jun(5, '10:00'), channel: 'call', debtId: 'D2' },
  }, { decision: 'defer', until: jun(10, '08:00'), basis: 'conservative' }),
  kase('F-20', '§2.2', 'Ringless voicemail is a call placed', 'comment 14(b)-1: 6 calls + 1 ringless voicemail = 7 counted.', {
    priorAttempts: [...callsOn([1, 2, 3, 4, 5, 6]), { at: jun(7), channel: 'ringless_voicemail', debtId: 'D1', outcome: 'voicemail' }],
    proposed: { at: jun(7, '15:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: jun(8, '08:00'), basis: 'law' }),
  kase('F-21', '§2.2', 'A call answered then dropped counts', 'comment 14(b)(3)(ii)-1: connected calls count whatever happens next.', {
    priorAttempts: callsOn([1, 2, 3, 4, 5, 6, 7], { disposition: 'answered_dropped' }),
    proposed: { at: jun(7, '15:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: jun(8, '08:00'), basis: 'law' }),
  kase('F-22', '§2.2', 'A proposed ringless voicemail is itself a call under the 7-in-7 limit', 'comment 14(b)-1: conveying a ringless voicemail is placing a call.', {
    priorAttempts: callsOn([1, 2, 3, 4, 5, 6, 7]),
    proposed: { at: jun(7, '15:00'), channel: 'ringless_voicemail', debtId: 'D1', voicemailScript: { limitedContent: true, mentionsDebt: false } },
  }, { decision: 'defer', until: jun(8, '08:00'), basis: 'law', rules: ['12 CFR 1006.14(b)(2)(i)(A)'] }),

  // ── §2.7 Company policy limits ──────────────────────────────────────────────────────────────────────
  kase('PL-01', '§2.7', '60 minutes between calls to the same number', 'Policy: last call to mobile-1 at 10:00.', {
    context: { ...consumer, numbers: { 'mobile-1': 'mobile', 'home-1': 'landline-home' } },
    priorAttempts: [call(jun(3), { to: 'mobile-1' })],
    proposed: { at: jun(3, '10:30'), channel: 'call', debtId: 'D1', to: 'mobile-1' },
  }, { decision: 'defer', until: jun(3, '11:00'), basis: 'policy' }),
  kase('PL-02', '§2.7', 'Another number may be called sooner', 'The gap is per number.', {
    context: { ...consumer, numbers: { 'mobile-1': 'mobile', 'home-1': 'landline-home' } },
    priorAttempts: [call(jun(3), { to: 'mobile-1' })],
    proposed: { at: jun(3, '10:30'), channel: 'call', debtId: 'D1', to: 'home-1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('PL-03', '§2.7', 'At most 3 call attempts per consumer per local day, all debts', 'Three calls today (D1, D2, D1): the 4th waits for tomorrow.', {
    priorAttempts: [call(jun(3, '09:00')), call(jun(3, '12:00'), { debtId: 'D2' }), call(jun(3, '15:00'))],
    proposed: { at: jun(3, '17:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: jun(4, '08:00'), basis: 'policy' }),
  kase('PL-04', '§2.7', 'Company limits are configurable (null switches them off)', 'maxCallAttemptsPerConsumerPerDay: null.', {
    context: { ...consumer, policy: { maxCallAttemptsPerConsumerPerDay: null } },
    priorAttempts: [call(jun(3, '09:00')), call(jun(3, '12:00'), { debtId: 'D2' }), call(jun(3, '15:00'))],
    proposed: { at: jun(3, '17:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('PL-05', '§2.7', 'At most one text per consumer per day', 'Policy: a text already went out at 09:00.', {
    context: { ...consumer, ...textBasis },
    priorAttempts: [{ at: jun(3, '09:00'), channel: 'sms', debtId: 'D1', outcome: 'sms_sent' }],
    proposed: { at: jun(3, '14:00'), channel: 'sms', debtId: 'D1', content: electronic },
  }, { decision: 'defer', until: jun(4, '08:00'), basis: 'policy' }),
  kase('PL-06', '§2.7', 'At most three texts in 7 local days', 'Texts Jun 1, 3, 5: next allowed Jun 8.', {
    context: { ...consumer, ...textBasis },
    priorAttempts: [1, 3, 5].map((d) => ({ at: jun(d, '09:00'), channel: 'sms' as const, debtId: 'D1', outcome: 'sms_sent' as const })),
    proposed: { at: jun(6, '14:00'), channel: 'sms', debtId: 'D1', content: electronic },
  }, { decision: 'defer', until: jun(8, '08:00'), basis: 'policy' }),
  kase('PL-07', '§2.7', 'At most one collection email per day', 'Policy: an email already went out today.', {
    context: { ...consumer, ...emailBasis },
    priorAttempts: [{ at: jun(3, '09:00'), channel: 'email', debtId: 'D1', outcome: 'email_sent' }],
    proposed: { at: jun(3, '14:00'), channel: 'email', debtId: 'D1', content: electronic },
  }, { decision: 'defer', until: jun(4, '08:00'), basis: 'policy' }),

  // ── §3 Inconvenient times ───────────────────────────────────────────────────────────────────────────
  kase('T-01', '§3.5, §13 A2', '08:00:00 exactly is convenient', '1006.6(b)(1)(i) makes only "before 8:00 a.m." inconvenient.', {
    proposed: { at: jun(10, '08:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('T-02', '§3.5, §13 A2', '21:00:00 exactly is treated as inconvenient', 'Conservative reading of "after 9 p.m." against the statute\'s "before 9 o\'clock".', {
    proposed: { at: jun(10, '21:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: jun(11, '08:00'), basis: 'conservative' }),
  kase('T-03', '§3.5', '20:59:59 is convenient', 'Inside [08:00:00, 21:00:00).', {
    proposed: { at: '2026-06-10T20:59:59-05:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('T-04', '§3.4, §13 A3', 'No location evidence (summer): 14:00-21:00 EDT only', 'Intersection of all 50-state + DC zones: 08:00 HST = 14:00 EDT.', {
    tz: null,
    proposed: { at: '2026-06-10T13:30:00-04:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: '2026-06-10T14:00:00-04:00', basis: 'conservative' }),
  kase('T-05', '§3.4, §13 A3', 'No location evidence (winter): 13:00-21:00 EST', '08:00 HST = 13:00 EST in winter.', {
    tz: 'unknown',
    proposed: { at: '2026-01-12T13:30:00-05:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('T-06', '§3.4', 'Eastern mobile and Mountain landline: 10:00-21:00 Eastern', 'comment 6(b)(1)(i)-2 second example.', {
    tz: 'America/New_York',
    candidateTzs: ['America/New_York', 'America/Denver'],
    proposed: { at: '2026-06-10T09:30:00-04:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: '2026-06-10T10:00:00-04:00', basis: 'law', rules: ['comment 6(b)(1)(i)-2'] }),
  kase('T-07', '§2.8 pitfall: server time', 'A text is timed in the consumer\'s zone, not the server\'s', '10:30 Eastern (server) is 07:30 Pacific (consumer).', {
    tz: 'America/Los_Angeles',
    context: { ...consumer, ...textBasis },
    proposed: { at: '2026-06-10T10:30:00-04:00', channel: 'sms', debtId: 'D1', content: electronic },
  }, { decision: 'defer', until: '2026-06-10T08:00:00-07:00', basis: 'law' }),
  kase('T-08', '§3.5', 'An email dispatched at 20:55 is fine', 'comment 6(b)(1)(i)-1: timed when sent.', {
    context: { ...consumer, ...emailBasis },
    proposed: { at: jun(10, '20:55'), channel: 'email', debtId: 'D1', content: electronic },
  }, { decision: 'allow', basis: 'law' }),
  kase('T-09', '§3.5', 'Scheduled 20:58, dispatched 21:02: judged at dispatch', 'The hand-off instant governs, so it waits for 08:00.', {
    context: { ...consumer, ...emailBasis, scheduledAt: jun(10, '20:58') },
    proposed: { at: jun(10, '21:02'), channel: 'email', debtId: 'D1', content: electronic },
  }, { decision: 'defer', until: jun(11, '08:00'), basis: 'law' }),
  kase('T-10', '§3.2', 'Consumer-designated inconvenient time blocks calls', 'Weekdays 15:00-17:00; Wed 15:30 waits until 17:00.', {
    events: [ev('inconvenient_time', jun(1, '11:00'), { days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], from: '15:00', to: '17:00' })],
    proposed: { at: jun(3, '15:30'), channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: jun(3, '17:00'), basis: 'law', rules: ['comment 6(b)(1)-1'] }),
  kase('T-11', '§3.2', 'Only one reply to a consumer-initiated message in a blocked time', 'comment 6(b)(1)-2: the reply at 15:40 used the one response.', {
    context: { ...consumer, ...emailBasis },
    priorAttempts: [{ at: jun(3, '15:40'), channel: 'email', debtId: 'D1', outcome: 'email_sent', purpose: 'reply' }],
    events: [
      ev('inconvenient_time', jun(1, '11:00'), { days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], from: '15:00', to: '17:00' }),
      ev('consumer_message', jun(3, '15:30'), { channel: 'email', debtId: 'D1' }),
    ],
    proposed: { at: jun(3, '15:50'), channel: 'email', debtId: 'D1', inReplyTo: `consumer_message ${jun(3, '15:30')}`, content: electronic },
  }, { decision: 'defer', until: jun(3, '17:00'), basis: 'law' }),
  kase('T-12', '§3.2', 'A creditor\'s placement note is knowledge of an inconvenient time', 'comment 6(b)(1)-1.i: "works nights; do not call before 1 pm".', {
    context: { ...consumer, creditorFileNotes: 'Consumer works nights; do not call before 1 pm.' },
    proposed: { at: jun(10, '10:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: jun(10, '13:00'), basis: 'law' }),
  kase('T-13', '§3.3', 'A creditor note "OK to call until 10 pm" is not permission', '1006.6(b)(4) consent must be given directly to the collector.', {
    context: { ...consumer, creditorFileNotes: 'OK to call until 10 pm' },
    proposed: { at: jun(10, '21:30'), channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: jun(11, '08:00'), basis: 'law' }),
  kase('T-14', '§3.3', 'Consent given directly to the collector permits 21:30', 'During a compliant noon call the consumer said "call me at 9:30 tonight".', {
    events: [ev('time_consent', jun(10, '12:05'), { window: { date: '2026-06-10', from: '21:30', to: '22:00' }, receivedVia: 'call' })],
    proposed: { at: jun(10, '21:35'), channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law', rules: ['12 CFR 1006.6(b)(4)'] }),
  kase('T-15', '§3.3', 'Before a consented window opens, defer to its start', 'At 21:10 the earliest allowed instant is the consented 21:30, not 08:00 tomorrow.', {
    events: [ev('time_consent', jun(10, '12:05'), { window: { date: '2026-06-10', from: '21:30', to: '22:00' } })],
    proposed: { at: jun(10, '21:10'), channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: jun(10, '21:30'), basis: 'law' }),
  kase('T-16', '§3.5 DST', 'Spring-forward morning in New York: 07:30 EDT waits for 08:00 EDT', 'A cached EST offset would read 06:30 or 08:30.', {
    tz: 'America/New_York',
    proposed: { at: '2026-03-08T07:30:00-04:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: '2026-03-08T08:00:00-04:00', basis: 'law' }),
  kase('T-17', '§3.5 DST', 'Fall-back morning in Chicago: 07:30 CST waits for 08:00 CST', 'On 2026-11-01 the offset is -06:00 after 02:00.', {
    proposed: { at: '2026-11-01T07:30:00-06:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: '2026-11-01T08:00:00-06:00', basis: 'law' }),
  kase('T-18', '§3.4 no-DST zones', 'Arizona and Denver in summer: 08:00 Phoenix is 09:00 Denver', 'Phoenix keeps UTC-7 all year; Denver is UTC-6 in summer.', {
    tz: 'America/Denver',
    candidateTzs: ['America/Denver', 'America/Phoenix'],
    proposed: { at: '2026-06-10T08:30:00-06:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: '2026-06-10T08:00:00-07:00', basis: 'law' }),
  kase('T-19', '§3.4', 'Evening: 21:00 Eastern ends the day for an ET/PT consumer', '18:00 PT is 21:00 ET; next convenient is 08:00 PT.', {
    tz: 'America/Los_Angeles',
    candidateTzs: ['America/New_York', 'America/Los_Angeles'],
    proposed: { at: '2026-06-10T18:30:00-07:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: '2026-06-11T08:00:00-07:00', basis: 'law' }),
  kase('T-20', '§3.1', 'Letters are posted in business hours (policy)', 'Letters are not time-gated by law; the product posts 08:00-21:00.', {
    proposed: { at: jun(10, '22:00'), channel: 'letter', debtId: 'D1', content: { debtCollectorDisclosure: true } },
  }, { decision: 'defer', until: jun(11, '08:00'), basis: 'policy' }),

  // ── §4 Places, workplace, attorney ─────────────────────────────────────────────────────────────────
  kase('W-01', '§4', 'Employer prohibits calls: work line denied', '1006.6(b)(3): "I can\'t take calls at work".', {
    context: { ...consumer, numbers: { 'work-1': 'landline-work', 'mobile-1': 'mobile' } },
    events: [ev('employer_prohibits', jun(2, '12:00'), { receivedVia: 'call', text: "I can't take calls at work" })],
    proposed: { at: jun(4, '12:00'), channel: 'call', debtId: 'D1', to: 'work-1' },
  }, { decision: 'deny', basis: 'law', rules: ['12 CFR 1006.6(b)(3)'] }),
  kase('W-02', '§4', 'Employer prohibits calls: mobile still usable', 'Mobile numbers are not tied to a place.', {
    context: { ...consumer, numbers: { 'work-1': 'landline-work', 'mobile-1': 'mobile' } },
    events: [ev('employer_prohibits', jun(2, '12:00'), { receivedVia: 'call' })],
    proposed: { at: jun(4, '12:00'), channel: 'call', debtId: 'D1', to: 'mobile-1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('W-03', '§4', 'Employer-provided email under the creditor-notice procedure is denied', '1006.22(f)(3): only (d)(4)(i) or (iii) bases survive.', {
    context: { ...consumer, emails: { 'pat@acme-corp.com': { employerProvided: true, basis: '1006.6(d)(4)(ii)' } } },
    proposed: { at: jun(4, '12:00'), channel: 'email', debtId: 'D1', to: 'pat@acme-corp.com', content: electronic },
  }, { decision: 'deny', basis: 'law', rules: ['12 CFR 1006.22(f)(3)'] }),
  kase('W-04', '§4', 'Employer-provided email the consumer used with the collector is allowed', '(d)(4)(i)(A).', {
    context: { ...consumer, emails: { 'pat@acme-corp.com': { employerProvided: true, basis: '1006.6(d)(4)(i)(A)' } } },
    proposed: { at: jun(4, '12:00'), channel: 'email', debtId: 'D1', to: 'pat@acme-corp.com', content: electronic },
  }, { decision: 'allow', basis: 'law' }),
  kase('W-05', '§4', '"Don\'t contact me at home" bars the home landline', 'comment 6(b)(1)(ii)-1: landlines are tied to a place.', {
    context: { ...consumer, numbers: { 'home-1': 'landline-home', 'mobile-1': 'mobile' } },
    events: [ev('medium_restriction', jun(2, '12:00'), { channel: 'call', scope: 'home' })],
    proposed: { at: jun(4, '12:00'), channel: 'call', debtId: 'D1', to: 'home-1' },
  }, { decision: 'deny', basis: 'law', rules: ['12 CFR 1006.6(b)(1)(ii)'] }),
  kase('W-06', '§4', '"Don\'t contact me at home" leaves the mobile open', 'Mobile numbers are not tied to a place.', {
    context: { ...consumer, numbers: { 'home-1': 'landline-home', 'mobile-1': 'mobile' } },
    events: [ev('medium_restriction', jun(2, '12:00'), { channel: 'call', scope: 'home' })],
    proposed: { at: jun(4, '12:00'), channel: 'call', debtId: 'D1', to: 'mobile-1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('A-01', '§4, §13 A7', 'Attorney representation of unstated scope bars every debt', 'Conservative: representation applied to all debts.', {
    events: [ev('attorney_rep', jun(2, '09:00'), { attorneyNameAddressKnown: true })],
    proposed: { at: jun(4, '11:00'), channel: 'call', debtId: 'D2' },
  }, { decision: 'deny', basis: 'conservative', rules: ['12 CFR 1006.6(b)(2)'] }),
  kase('A-02', '§4', 'Attorney for D1 does not bar a call about D2', 'Representation is debt-specific.', {
    events: [ev('attorney_rep', jun(2, '09:00'), { debtId: 'D1', attorneyNameAddressKnown: true })],
    proposed: { at: jun(4, '11:00'), channel: 'call', debtId: 'D2' },
  }, { decision: 'allow', basis: 'law' }),
  kase('A-03', '§4', 'A represented consumer who emails may get one reply', 'comment 6(b)(2)-1: consent to that exchange only.', {
    context: { ...consumer, ...emailBasis },
    events: [
      ev('attorney_rep', jun(2, '09:00'), { debtId: 'D1', attorneyNameAddressKnown: true }),
      ev('consumer_message', jun(4, '10:00'), { channel: 'email', debtId: 'D1' }),
    ],
    proposed: { at: jun(4, '11:00'), channel: 'email', debtId: 'D1', inReplyTo: `consumer_message ${jun(4, '10:00')}`, content: electronic },
  }, { decision: 'allow', basis: 'law', rules: ['comment 6(b)(2)-1'] }),
  kase('A-04', '§4', 'After that reply, representation still bars contact', 'Further contact is blocked; the exchange is over.', {
    context: { ...consumer, ...emailBasis },
    priorAttempts: [{ at: jun(4, '11:00'), channel: 'email', debtId: 'D1', outcome: 'email_sent', purpose: 'reply' }],
    events: [
      ev('attorney_rep', jun(2, '09:00'), { debtId: 'D1', attorneyNameAddressKnown: true }),
      ev('consumer_message', jun(4, '10:00'), { channel: 'email', debtId: 'D1' }),
    ],
    proposed: { at: jun(5, '11:00'), channel: 'email', debtId: 'D1', content: electronic },
  }, { decision: 'deny', basis: 'law' }),
  kase('A-05', '§4', 'The attorney consented to direct contact', 'The bar lifts on attorney consent.', {
    events: [ev('attorney_rep', jun(2, '09:00'), { debtId: 'D1', attorneyNameAddressKnown: true }), ev('attorney_consent', jun(3, '09:00'), { debtId: 'D1' })],
    proposed: { at: jun(4, '11:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('A-06', '§4', 'Calling the consumer\'s attorney is allowed', 'Communicate with the attorney, not the consumer.', {
    events: [ev('attorney_rep', jun(2, '09:00'), { debtId: 'D1', attorneyNameAddressKnown: true })],
    proposed: { at: jun(4, '11:00'), channel: 'call', debtId: 'D1', party: 'attorney', to: 'attorney-office' },
  }, { decision: 'allow', basis: 'policy' }),

  // ── §5 Cease, opt-outs, prohibited media ───────────────────────────────────────────────────────────
  kase('C-01', '§5.1', 'A cease takes effect on receipt, not on mailing', 'comment 6(c)(1)-1: mailed Aug 3, received Aug 6; the Aug 4 email is lawful.', {
    context: { ...consumer, ...emailBasis },
    events: [ev('cease', '2026-08-06T10:00:00-05:00', { debtId: 'D1', receivedVia: 'mail' })],
    proposed: { at: '2026-08-04T10:00:00-05:00', channel: 'email', debtId: 'D1', content: electronic },
  }, { decision: 'allow', basis: 'law' }),
  kase('C-02', '§5.1', 'After a cease, a letter that only says collection is ending is allowed', '1006.6(c)(2)(i).', {
    events: [ev('cease', jun(5, '14:00'), { debtId: 'D1', receivedVia: 'mail' })],
    proposed: { at: jun(8, '10:00'), channel: 'letter', debtId: 'D1', purpose: 'collection_ending', content: { debtCollectorDisclosure: true } },
  }, { decision: 'allow', basis: 'law', rules: ['12 CFR 1006.6(c)(2)'] }),
  kase('C-03', '§5.1', 'A "remedy" letter that also demands payment is not an exception', '6(c)(2) notices must contain nothing else.', {
    events: [ev('cease', jun(5, '14:00'), { debtId: 'D1', receivedVia: 'email' })],
    proposed: { at: jun(8, '10:00'), channel: 'letter', debtId: 'D1', purpose: 'remedy_notice', content: { debtCollectorDisclosure: true, paymentDeadlineDays: 10 } },
  }, { decision: 'deny', basis: 'law', rules: ['12 CFR 1006.6(c)(1)'] }),
  kase('C-04', '§5.1', 'An oral "stop calling" bars calls only', '1006.14(h), not a 6(c) cease: texts remain available.', {
    context: { ...consumer, ...textBasis },
    events: [ev('cease', jun(5, '14:00'), { debtId: 'D1', receivedVia: 'phone', medium: 'call', text: 'stop calling me' })],
    proposed: { at: jun(8, '10:00'), channel: 'sms', debtId: 'D1', content: electronic },
  }, { decision: 'allow', basis: 'law' }),
  kase('C-05', '§5.1', 'An oral "stop calling" denies the next call', '1006.14(h)(1).', {
    events: [ev('cease', jun(5, '14:00'), { debtId: 'D1', receivedVia: 'phone', medium: 'call' })],
    proposed: { at: jun(8, '10:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'deny', basis: 'law', rules: ['12 CFR 1006.14(h)(1)'] }),
  kase('C-06', '§5.1', 'A written refusal to pay by email stops all communication', '1006.6(c)(1); comment 6(c)(1)-2 (electronic is written).', {
    context: { ...consumer, ...emailBasis },
    events: [ev('refusal_to_pay', jun(5, '14:00'), { debtId: 'D1', receivedVia: 'email' })],
    proposed: { at: jun(8, '10:00'), channel: 'email', debtId: 'D1', content: electronic },
  }, { decision: 'deny', basis: 'law' }),
  kase('C-07', '§5.1', 'A written cease not naming a debt covers every debt', 'Conservative: ambiguous scope applies to all debts.', {
    events: [ev('cease', jun(5, '14:00'), { receivedVia: 'portal', text: 'stop contacting me' })],
    proposed: { at: jun(8, '10:00'), channel: 'call', debtId: 'D7' },
  }, { decision: 'deny', basis: 'conservative' }),
  kase('O-01', '§5.3', '"Stop calling" leaves email available', 'comment 14(h)(1)-3.i.', {
    context: { ...consumer, ...emailBasis },
    events: [ev('medium_restriction', jun(2, '12:00'), { channel: 'call', scope: 'all' })],
    proposed: { at: jun(4, '12:00'), channel: 'email', debtId: 'D1', content: electronic },
  }, { decision: 'allow', basis: 'law' }),
  kase('O-02', '§5.3', 'A free-text "please stop texting me" is an opt-out', 'Free-text replies must be recognised (RULES.md §5.3, FCC 24-24).', {
    context: { ...consumer, ...textBasis },
    events: [ev('consumer_message', jun(2, '10:05'), { channel: 'sms', text: 'Please stop texting me' })],
    proposed: { at: jun(4, '12:00'), channel: 'sms', debtId: 'D1', content: electronic },
  }, { decision: 'deny', basis: 'law', rules: ['12 CFR 1006.14(h)(1)'] }),
  kase('O-03', '§5.3', 'An SMS opt-out bars that number only', 'comment 14(h)(1)-3.ii: mobile-2 may still be texted.', {
    context: { ...consumer, ...textBasis },
    events: [ev('optout', jun(2, '10:07'), { channel: 'sms', address: 'mobile-1', keyword: 'STOP' })],
    proposed: { at: jun(4, '12:00'), channel: 'sms', debtId: 'D1', to: 'mobile-2', content: electronic },
  }, { decision: 'allow', basis: 'law' }),
  kase('O-04', '§5.3, §12', 'One confirmation text within 5 minutes of STOP', '1006.14(h)(2)(i); FCC 24-24 confirmation text.', {
    context: { ...consumer, ...textBasis },
    events: [ev('optout', jun(2, '10:07'), { channel: 'sms', address: 'mobile-1', keyword: 'STOP' })],
    proposed: { at: jun(2, '10:08'), channel: 'sms', debtId: 'D1', to: 'mobile-1', content: { onlyConfirmsOptOut: true } },
  }, { decision: 'allow', basis: 'law', rules: ['12 CFR 1006.14(h)(2)'] }),
  kase('O-05', '§5.3, §12', 'A confirmation text 2 hours later is not sent', 'Presumed compliant only within 5 minutes.', {
    context: { ...consumer, ...textBasis },
    events: [ev('optout', jun(2, '10:07'), { channel: 'sms', address: 'mobile-1', keyword: 'STOP' })],
    proposed: { at: jun(2, '12:07'), channel: 'sms', debtId: 'D1', to: 'mobile-1', content: { onlyConfirmsOptOut: true } },
  }, { decision: 'deny', basis: 'law' }),
  kase('O-06', '§5.3', 'The validation notice cannot go to an opted-out email address', 'comment 42(a)(1)-4.', {
    context: { ...consumer, ...emailBasis },
    events: [ev('optout', jun(2, '10:07'), { channel: 'email', address: 'pat@example.com', text: 'unsubscribe' })],
    proposed: { at: jun(4, '12:00'), channel: 'email', debtId: 'D1', to: 'pat@example.com', purpose: 'validation_notice', content: electronic },
  }, { decision: 'deny', basis: 'law' }),
  kase('O-07', '§5.3', 'One reply through a barred medium when the consumer writes through it', '1006.14(h)(2)(ii).', {
    context: { ...consumer, ...textBasis },
    events: [
      ev('optout', jun(2, '10:07'), { channel: 'sms', address: 'mobile-1', keyword: 'STOP' }),
      ev('consumer_message', jun(4, '11:50'), { channel: 'sms', address: 'mobile-1', text: 'What is my balance?' }),
    ],
    proposed: { at: jun(4, '12:00'), channel: 'sms', debtId: 'D1', to: 'mobile-1', inReplyTo: `consumer_message ${jun(4, '11:50')}`, content: electronic },
  }, { decision: 'allow', basis: 'law' }),
  kase('O-08', '§5.2', 'An email without an opt-out notice is blocked', '1006.6(e).', {
    context: { ...consumer, ...emailBasis },
    proposed: { at: jun(4, '12:00'), channel: 'email', debtId: 'D1', content: { optOutNotice: false, debtCollectorDisclosure: true } },
  }, { decision: 'deny', basis: 'law', rules: ['12 CFR 1006.6(e)'] }),
  kase('O-09', '§5.3', 'An email opt-out does not bar letters', 'The bar is per medium.', {
    events: [ev('optout', jun(2, '10:07'), { channel: 'email', address: 'pat@example.com' })],
    proposed: { at: jun(4, '12:00'), channel: 'letter', debtId: 'D1', content: { debtCollectorDisclosure: true } },
  }, { decision: 'allow', basis: 'law' }),

  // ── §6 Email and text procedures ───────────────────────────────────────────────────────────────────
  kase('E-01', '§6', 'Text consent 75 days old with no reassigned-numbers check is stale', '1006.6(d)(5)(ii): within the past 60 days.', {
    context: { ...consumer, smsBasis: { type: '1006.6(d)(5)(ii)', consentAt: '2026-03-21T10:00:00-05:00' } },
    proposed: { at: jun(4, '12:00'), channel: 'sms', debtId: 'D1', content: electronic },
  }, { decision: 'deny', basis: 'policy', rules: ['12 CFR 1006.6(d)(5)'] }),
  kase('E-02', '§6', 'A recent reassigned-numbers check renews an old consent', '(d)(5)(ii): database checked 10 days ago, after the consent.', {
    context: { ...consumer, smsBasis: { type: '1006.6(d)(5)(ii)', consentAt: '2026-03-21T10:00:00-05:00', lastRndCheckAt: '2026-05-25T10:00:00-05:00' } },
    proposed: { at: jun(4, '12:00'), channel: 'sms', debtId: 'D1', content: electronic },
  }, { decision: 'allow', basis: 'law' }),
  kase('E-03', '§6', 'No documented email basis: not sent', 'Policy: only with a 1006.6(d)(4) basis.', {
    proposed: { at: jun(4, '12:00'), channel: 'email', debtId: 'D1', to: 'pat@example.com', content: electronic },
  }, { decision: 'deny', basis: 'policy' }),
  kase('E-04', '§6', 'Creditor-notice procedure: wait for the opt-out deadline', '(d)(4)(ii): the deadline (35+ days after the notice) must have passed.', {
    context: { ...consumer, emailBasis: { type: '1006.6(d)(4)(ii)', creditorNoticeSentAt: '2026-05-01T10:00:00-05:00', optOutDeadline: '2026-06-10' } },
    proposed: { at: jun(4, '12:00'), channel: 'email', debtId: 'D1', to: 'pat@example.com', content: electronic },
  }, { decision: 'defer', until: jun(11, '08:00'), basis: 'policy' }),
  kase('E-05', '§6', 'Creditor-notice procedure is unavailable for a .gov address', 'comment 6(d)(4)(ii)(E)-1.', {
    context: { ...consumer, emailBasis: { type: '1006.6(d)(4)(ii)', creditorNoticeSentAt: '2026-03-01T10:00:00-05:00', optOutDeadline: '2026-04-10' } },
    proposed: { at: jun(4, '12:00'), channel: 'email', debtId: 'D1', to: 'pat@agency.gov', content: electronic },
  }, { decision: 'deny', basis: 'policy' }),
  kase('E-06', '§6', 'A consumer who only called from the number gives no text basis', 'comment 6(d)(5)(i)-1.', {
    context: { ...consumer, smsBasis: null },
    priorAttempts: [call(jun(1, '12:00'), { direction: 'inbound', outcome: 'conversation', to: 'mobile-1' })],
    proposed: { at: jun(9, '12:00'), channel: 'sms', debtId: 'D1', to: 'mobile-1', content: electronic },
  }, { decision: 'deny', basis: 'conservative', rules: ['12 CFR 1006.6(d)(5)'] }),
  kase('E-07', '§6', 'A number reported wrong is never texted again', '1006.6(d)(3)(ii).', {
    context: { ...consumer, ...textBasis },
    events: [ev('wrong_number', jun(2, '12:00'), { number: '+1 312 555 0101' })],
    proposed: { at: jun(4, '12:00'), channel: 'sms', debtId: 'D1', to: '(312) 555-0101', content: electronic },
  }, { decision: 'deny', basis: 'law', rules: ['12 CFR 1006.6(d)(3)(ii)'] }),

  // ── §7 Validation, disputes, overshadowing ─────────────────────────────────────────────────────────
  kase('V-01', '§7.2', 'Mailbox rule skips the observed Independence Day: period ends Aug 5', 'Notice Fri Jun 26: receipt Jul 6 (Jul 3 observed skipped), end Aug 5; a written dispute on Aug 5 pauses.', {
    context: { ...consumer, validation: { noticeSentAt: '2026-06-26T09:00:00-05:00', method: 'mail' } },
    events: [ev('dispute', '2026-08-05T16:00:00-05:00', { debtId: 'D1', written: true, receivedVia: 'mail' })],
    proposed: { at: '2026-08-07T10:00:00-05:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'deny', basis: 'law', rules: ['12 CFR 1006.38(d)(2)'] }),
  kase('V-02', '§7.3', 'A written dispute after the period does not pause collection', 'Received Aug 6, the day after the period ended.', {
    context: { ...consumer, validation: { noticeSentAt: '2026-06-26T09:00:00-05:00', method: 'mail' } },
    events: [ev('dispute', '2026-08-06T16:00:00-05:00', { debtId: 'D1', written: true, receivedVia: 'mail' })],
    proposed: { at: '2026-08-07T10:00:00-05:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('V-03', '§7.3, §13 A14', 'An oral dispute within the period does not pause collection', '1006.38 requires a written dispute; the debt is flagged disputed.', {
    context: { ...consumer, validation: { noticeSentAt: '2026-06-01T09:00:00-05:00', method: 'mail', assumedReceipt: '2026-06-08', periodEnd: '2026-07-08' } },
    events: [ev('dispute', jun(20), { debtId: 'D1', written: false, receivedVia: 'phone' })],
    proposed: { at: jun(22), channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('V-04', '§7.3', 'Verification sent: collection resumes', '1006.38(d)(2) pause ends when verification is sent.', {
    context: { ...consumer, validation: { noticeSentAt: '2026-06-01T09:00:00-05:00', method: 'mail', assumedReceipt: '2026-06-08', periodEnd: '2026-07-08' } },
    events: [ev('dispute', jun(20), { debtId: 'D1', written: true, receivedVia: 'mail' }), ev('verification_sent', jun(25), { debtId: 'D1' })],
    proposed: { at: jun(29), channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('V-05', '§7.3', 'A written original-creditor request pauses collection', '1006.38(c).', {
    context: { ...consumer, validation: { noticeSentAt: '2026-06-01T09:00:00-05:00', method: 'mail', periodEnd: '2026-07-08' } },
    events: [ev('original_creditor_request', jun(15), { debtId: 'D1', receivedVia: 'portal' })],
    proposed: { at: jun(17), channel: 'call', debtId: 'D1' },
  }, { decision: 'deny', basis: 'law', rules: ['12 CFR 1006.38(c)'] }),
  kase('V-06', '§7.4', 'A 10-day payment deadline during the period overshadows', 'Letter Jun 15, deadline Jun 25 < period end Jul 8: allowed from Jun 28 (Jul 8 - 10).', {
    context: { ...consumer, validation: { noticeSentAt: '2026-06-01T09:00:00-05:00', method: 'mail', periodEnd: '2026-07-08' } },
    proposed: { at: jun(15), channel: 'letter', debtId: 'D1', content: { debtCollectorDisclosure: true, paymentDeadlineDays: 10 } },
  }, { decision: 'defer', until: jun(28, '08:00'), basis: 'law', rules: ['12 CFR 1006.38(b)'] }),
  kase('V-07', '§7.4', 'A threat of suit during the period overshadows', 'Not before the period ends (Jul 8).', {
    context: { ...consumer, validation: { noticeSentAt: '2026-06-01T09:00:00-05:00', method: 'mail', periodEnd: '2026-07-08' } },
    proposed: { at: jun(15), channel: 'letter', debtId: 'D1', content: { debtCollectorDisclosure: true, threatensLegalAction: true } },
  }, { decision: 'defer', until: '2026-07-09T08:00:00-05:00', basis: 'law' }),
  kase('V-08', '§7.1', 'No validation notice 6 days after the initial communication: hold', 'Policy: hold other collection messages once 1006.34(a)(1)\'s 5 days pass.', {
    context: { ...consumer, initialCommunicationAt: jun(1, '11:00') },
    proposed: { at: jun(7, '11:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'deny', basis: 'policy', rules: ['12 CFR 1006.34(a)(1)'] }),
  kase('V-09', '§7.1', 'Within 5 days of the initial communication collection may continue', 'Notice due by Jun 6.', {
    context: { ...consumer, initialCommunicationAt: jun(1, '11:00') },
    proposed: { at: jun(4, '11:00'), channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('V-10', '§7.1', 'An emailed validation notice after an oral initial communication needs E-SIGN consent', '1006.42(b).', {
    context: { ...consumer, ...emailBasis, initialCommunicationAt: jun(1, '11:00') },
    proposed: { at: jun(2, '11:00'), channel: 'email', debtId: 'D1', purpose: 'validation_notice', content: electronic },
  }, { decision: 'deny', basis: 'law', rules: ['12 CFR 1006.42(b)'] }),
  kase('V-11', '§7.3', 'Company policy may pause on every dispute', 'pauseOnAnyDispute with an oral dispute.', {
    context: { ...consumer, policy: { pauseOnAnyDispute: true }, validation: { noticeSentAt: '2026-06-01T09:00:00-05:00', periodEnd: '2026-07-08' } },
    events: [ev('dispute', jun(20), { debtId: 'D1', receivedVia: 'phone' })],
    proposed: { at: jun(22), channel: 'call', debtId: 'D1' },
  }, { decision: 'deny', basis: 'policy' }),
  kase('V-12', '§7.3', 'Written dispute with no validation facts on file is treated as timely', 'Conservative: no period on file.', {
    events: [ev('dispute', jun(20), { debtId: 'D1', receivedVia: 'mail' })],
    proposed: { at: jun(22), channel: 'call', debtId: 'D1' },
  }, { decision: 'deny', basis: 'conservative' }),

  // ── §8 Disclosures and voicemail ───────────────────────────────────────────────────────────────────
  kase('D-01', '§8', 'A text without the debt-collector disclosure is blocked', '1006.18(e)(2).', {
    context: { ...consumer, ...textBasis },
    proposed: { at: jun(4, '12:00'), channel: 'sms', debtId: 'D1', content: { optOutNotice: true, debtCollectorDisclosure: false } },
  }, { decision: 'deny', basis: 'law', rules: ['12 CFR 1006.18(e)(2)'] }),
  kase('D-02', '§8', 'A voicemail script that mentions the debt is not left', 'Policy: limited-content messages only (1006.2(j)).', {
    proposed: { at: jun(4, '12:00'), channel: 'call', debtId: 'D1', voicemailScript: { limitedContent: false, mentionsDebt: true } },
  }, { decision: 'deny', basis: 'policy' }),
  kase('D-03', '§8', 'A limited-content voicemail script is fine', '1006.2(j).', {
    proposed: { at: jun(4, '12:00'), channel: 'call', debtId: 'D1', voicemailScript: { limitedContent: true, mentionsDebt: false } },
  }, { decision: 'allow', basis: 'law' }),

  // ── §9 Time-barred debt and passive credit reporting ───────────────────────────────────────────────
  kase('B-01', '§9', 'No threat of suit on a time-barred debt', '1006.26(b).', {
    context: { ...consumer, statuteOfLimitationsExpired: '2025-12-31' },
    proposed: { at: jun(4, '12:00'), channel: 'letter', debtId: 'D1', content: { debtCollectorDisclosure: true, threatensLegalAction: true } },
  }, { decision: 'deny', basis: 'law', rules: ['12 CFR 1006.26(b)'] }),
  kase('B-02', '§9', 'A time-barred debt may still be collected without threats', '1006.26(b) bars suits and threats only.', {
    context: { ...consumer, timeBarred: true },
    proposed: { at: jun(4, '12:00'), channel: 'letter', debtId: 'D1', content: { debtCollectorDisclosure: true } },
  }, { decision: 'allow', basis: 'law' }),
  kase('B-03', '§9', 'Letter mailed Jun 1: furnishing waits until Jun 15', 'comment 30(a)(1)-2: 14 days counting the mailing date as day 1.', {
    priorAttempts: [{ at: jun(1, '09:00'), channel: 'letter', debtId: 'D1', outcome: 'letter_sent' }],
    proposed: { at: jun(14, '09:00'), channel: 'credit_furnish', debtId: 'D1' },
  }, { decision: 'defer', until: '2026-06-15T00:00:00-05:00', basis: 'law', rules: ['12 CFR 1006.30(a)(1)'] }),
  kase('B-04', '§9', 'Furnishing on day 15 is allowed', 'Letter Jun 1, no undeliverability notice.', {
    priorAttempts: [{ at: jun(1, '09:00'), channel: 'letter', debtId: 'D1', outcome: 'letter_sent' }],
    proposed: { at: jun(15, '00:30'), channel: 'credit_furnish', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('B-05', '§9', 'A voicemail is not speaking to the consumer', '1006.30(a)(1)(i).', {
    priorAttempts: [call(jun(1), { outcome: 'voicemail' })],
    proposed: { at: jun(20, '09:00'), channel: 'credit_furnish', debtId: 'D1' },
  }, { decision: 'deny', basis: 'law' }),
  kase('B-06', '§9', 'An undeliverable letter resets the requirement', 'comment 30(a)(1)-3.', {
    priorAttempts: [{ at: jun(1, '09:00'), channel: 'letter', debtId: 'D1', outcome: 'letter_sent' }],
    events: [ev('undeliverable', jun(8), { debtId: 'D1', channel: 'letter' })],
    proposed: { at: jun(20, '09:00'), channel: 'credit_furnish', debtId: 'D1' },
  }, { decision: 'deny', basis: 'law' }),
  kase('B-07', '§9', 'A phone conversation permits furnishing', '1006.30(a)(1)(i).', {
    priorAttempts: [call(jun(3, '11:00'), { outcome: 'conversation' })],
    proposed: { at: jun(4, '09:00'), channel: 'credit_furnish', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law' }),

  // ── §10 Record retention ───────────────────────────────────────────────────────────────────────────
  kase('R-01', '§10', 'Records are kept 3 years after the last collection activity', '1006.100(a): last activity 2025-03-10; purge from 2028-03-11.', {
    context: { ...consumer, lastCollectionActivityAt: '2025-03-10T10:00:00-05:00' },
    proposed: { at: jun(4, '12:00'), channel: 'records_purge', debtId: 'D1' },
  }, { decision: 'defer', until: '2028-03-11T00:00:00-06:00', basis: 'law', rules: ['12 CFR 1006.100(a)'] }),
  kase('R-02', '§10', 'After 3 years records may be purged', 'Last activity 2023-01-05.', {
    context: { ...consumer, lastCollectionActivityAt: '2023-01-05T10:00:00-06:00' },
    proposed: { at: jun(4, '12:00'), channel: 'records_purge', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law' }),

  // ── §11 State and local overlays ───────────────────────────────────────────────────────────────────
  kase('MA-01', '§11 MA', 'Massachusetts: third call in 7 days to the cell phone waits', '940 CMR 7.04(1)(f): 2 per 7 days per debt; calls Jun 3 and 5 → next Jun 10.', {
    segment: 'consumer-MA',
    tz: 'America/New_York',
    context: { ...consumer, state: 'MA', numbers: { 'mobile-1': 'mobile' } },
    priorAttempts: [call('2026-06-03T10:00:00-04:00', { to: 'mobile-1' }), call('2026-06-05T10:00:00-04:00', { to: 'mobile-1', outcome: 'voicemail' })],
    proposed: { at: '2026-06-06T10:00:00-04:00', channel: 'call', debtId: 'D1', to: 'mobile-1' },
  }, { decision: 'defer', until: '2026-06-10T08:00:00-04:00', basis: 'law', rules: ['940 CMR 7.04(1)(f)'] }),
  kase('MA-02', '§11 MA', 'Massachusetts: busy signals are not counted', 'Only calls that ring or reach voicemail count.', {
    segment: 'consumer-MA',
    tz: 'America/New_York',
    context: { ...consumer, state: 'MA' },
    priorAttempts: [call('2026-06-03T10:00:00-04:00'), call('2026-06-05T10:00:00-04:00', { connected: false, disposition: 'busy' })],
    proposed: { at: '2026-06-06T10:00:00-04:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('MA-03', '§11 MA', 'Massachusetts: unanswered call with no voicemail possible is exempt', 'Armata: truly unable to reach or leave a message.', {
    segment: 'consumer-MA',
    tz: 'America/New_York',
    context: { ...consumer, state: 'MA' },
    priorAttempts: [call('2026-06-03T10:00:00-04:00'), call('2026-06-05T10:00:00-04:00', { voicemailAvailable: false })],
    proposed: { at: '2026-06-06T10:00:00-04:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('MA-04', '§11 MA', 'Massachusetts: ring-no-answer with voicemail available counts', 'Armata v. Target: the opportunity to leave a message makes it a communication.', {
    segment: 'consumer-MA',
    tz: 'America/New_York',
    context: { ...consumer, state: 'MA' },
    priorAttempts: [call('2026-06-03T10:00:00-04:00'), call('2026-06-05T10:00:00-04:00', { voicemailAvailable: true })],
    proposed: { at: '2026-06-06T10:00:00-04:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: '2026-06-10T08:00:00-04:00', basis: 'law' }),
  kase('MA-05', '§11 MA', 'Massachusetts: texts count as telephone communications', 'Conservative: one call + one text fill the 7-day budget.', {
    segment: 'consumer-MA',
    tz: 'America/New_York',
    context: { ...consumer, state: 'MA', ...textBasis, policy: { maxSmsPerConsumerPer7Days: null } },
    priorAttempts: [call('2026-06-03T10:00:00-04:00'), { at: '2026-06-05T10:00:00-04:00', channel: 'sms', debtId: 'D1', outcome: 'sms_sent' }],
    proposed: { at: '2026-06-06T10:00:00-04:00', channel: 'sms', debtId: 'D1', content: electronic },
  }, { decision: 'defer', until: '2026-06-10T08:00:00-04:00', basis: 'conservative' }),
  kase('MA-06', '§11 MA', 'Massachusetts: 2 per 30 days to a work number', 'Work calls May 20 and Jun 1: May 20-Jun 18 is the 30-day period holding both, so the next work call is Jun 19.', {
    segment: 'consumer-MA',
    tz: 'America/New_York',
    context: { ...consumer, state: 'MA', numbers: { 'work-1': 'landline-work' } },
    priorAttempts: [call('2026-05-20T10:00:00-04:00', { to: 'work-1' }), call('2026-06-01T10:00:00-04:00', { to: 'work-1' })],
    proposed: { at: '2026-06-10T10:00:00-04:00', channel: 'call', debtId: 'D1', to: 'work-1' },
  }, { decision: 'defer', until: '2026-06-19T08:00:00-04:00', basis: 'law' }),
  kase('NYC-01', '§11 NYC', 'New York City (from 2026-09-01): 3 attempts in 7 days across channels', 'Call, email, letter on Sep 8-10; a 4th waits until Sep 15.', {
    segment: 'consumer-NYC',
    tz: 'America/New_York',
    context: { ...consumer, state: 'NY', city: 'New York City' },
    priorAttempts: [
      call('2026-09-08T10:00:00-04:00'),
      { at: '2026-09-09T10:00:00-04:00', channel: 'email', debtId: 'D1', outcome: 'email_sent' },
      { at: '2026-09-10T10:00:00-04:00', channel: 'letter', debtId: 'D1', outcome: 'letter_sent' },
    ],
    proposed: { at: '2026-09-11T10:00:00-04:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: '2026-09-15T08:00:00-04:00', basis: 'conservative' }),
  kase('NYC-02', '§11 NYC', 'New York City: a reply to the consumer is not counted', 'Replies to consumer-initiated contacts are excluded.', {
    segment: 'consumer-NYC',
    tz: 'America/New_York',
    context: { ...consumer, state: 'NY', city: 'New York City' },
    priorAttempts: [call('2026-09-08T10:00:00-04:00'), call('2026-09-09T10:00:00-04:00'), call('2026-09-10T10:00:00-04:00')],
    events: [ev('consumer_message', '2026-09-11T09:00:00-04:00', { channel: 'call', debtId: 'D1' })],
    proposed: { at: '2026-09-11T10:00:00-04:00', channel: 'call', debtId: 'D1', inReplyTo: 'consumer_message 2026-09-11T09:00:00-04:00' },
  }, { decision: 'allow', basis: 'law' }),
  kase('NYC-03', '§11 NYC', 'New York City: email needs prior written consent', 'DCWP rules: email/text only with written, revocable consent.', {
    segment: 'consumer-NYC',
    tz: 'America/New_York',
    context: { ...consumer, state: 'NY', city: 'New York City', ...emailBasis },
    proposed: { at: '2026-09-11T10:00:00-04:00', channel: 'email', debtId: 'D1', content: electronic },
  }, { decision: 'deny', basis: 'law' }),
  kase('NYC-04', '§11 NYC', 'New York City before 2026-09-01: more than 2 in 7 days is excessive', 'Earlier rule: the 3rd in 7 days waits.', {
    segment: 'consumer-NYC',
    tz: 'America/New_York',
    context: { ...consumer, state: 'NY', city: 'New York City' },
    priorAttempts: [call('2026-06-08T10:00:00-04:00'), call('2026-06-09T10:00:00-04:00')],
    proposed: { at: '2026-06-10T10:00:00-04:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: '2026-06-15T08:00:00-04:00', basis: 'law' }),
  kase('WA-01', '§11 WA', 'Washington: 4th communication in a week waits', 'RCW 19.16.250: conversation, email and letter on Jun 8-10 (completed communications).', {
    segment: 'consumer-WA',
    tz: 'America/Los_Angeles',
    context: { ...consumer, state: 'WA', waLicensee: true },
    priorAttempts: [
      call('2026-06-08T10:00:00-07:00', { outcome: 'conversation', debtId: 'D2' }),
      { at: '2026-06-09T10:00:00-07:00', channel: 'email', debtId: 'D1', outcome: 'email_sent' },
      { at: '2026-06-10T10:00:00-07:00', channel: 'letter', debtId: 'D3', outcome: 'letter_sent' },
    ],
    proposed: { at: '2026-06-11T10:00:00-07:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: '2026-06-15T08:00:00-07:00', basis: 'law', rules: ['RCW 19.16.250'] }),
  kase('WA-02', '§11 WA, §13 A10', 'Washington: unanswered calls are counted (conservative)', 'Three rings with no answer Jun 8-10.', {
    segment: 'consumer-WA',
    tz: 'America/Los_Angeles',
    context: { ...consumer, state: 'WA', waLicensee: true },
    priorAttempts: ['08', '09', '10'].map((d) => call(`2026-06-${d}T10:00:00-07:00`)),
    proposed: { at: '2026-06-11T10:00:00-07:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'defer', until: '2026-06-15T08:00:00-07:00', basis: 'conservative' }),
  kase('WA-03', '§11 WA', 'Washington: counsel may count completed communications only', 'policy.waCountCompletedOnly.', {
    segment: 'consumer-WA',
    tz: 'America/Los_Angeles',
    context: { ...consumer, state: 'WA', waLicensee: true, policy: { waCountCompletedOnly: true } },
    priorAttempts: ['08', '09', '10'].map((d) => call(`2026-06-${d}T10:00:00-07:00`)),
    proposed: { at: '2026-06-11T10:00:00-07:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'law' }),
  kase('WA-04', '§11 WA', 'Washington: a creditor collecting its own debt is not bound', 'RCW 19.16 binds licensed agencies only; Reg F by policy still applies.', {
    segment: 'consumer-WA',
    tz: 'America/Los_Angeles',
    context: { collectorType: 'first-party', debtPurpose: 'consumer', state: 'WA' },
    priorAttempts: ['08', '09', '10'].map((d) => call(`2026-06-${d}T10:00:00-07:00`)),
    proposed: { at: '2026-06-11T10:00:00-07:00', channel: 'call', debtId: 'D1' },
  }, { decision: 'allow', basis: 'policy' }),

  // ── §12 TCPA ───────────────────────────────────────────────────────────────────────────────────────
  kase('TC-01', '§12, §13 A11', 'No TCPA consent on file: no automated text', 'Conservative: the SMS platform is treated as an autodialer.', {
    context: { ...consumer, ...textBasis, tcpaConsent: null },
    proposed: { at: jun(4, '12:00'), channel: 'sms', debtId: 'D1', content: electronic },
  }, { decision: 'deny', basis: 'conservative' }),
  kase('TC-02', '§12', 'Prerecorded call to a mobile without consent', '47 U.S.C. 227(b)(1)(A)(iii).', {
    context: { ...consumer, numbers: { 'mobile-1': 'mobile' } },
    proposed: { at: jun(4, '12:00'), channel: 'call', debtId: 'D1', to: 'mobile-1', prerecorded: true },
  }, { decision: 'deny', basis: 'law' }),
  kase('TC-03', '§11, §12', 'Prerecorded calls to a residential landline: 3 per 30 days', '47 CFR 64.1200(a)(3)(ii): May 20, May 28, Jun 5 → next Jun 19.', {
    context: { ...consumer, numbers: { 'home-1': 'landline-home' }, policy: { minMinutesBetweenCallsSameNumber: null } },
    priorAttempts: ['2026-05-20', '2026-05-28', '2026-06-05'].map((d) => call(`${d}T10:00:00-05:00`, { to: 'home-1', prerecorded: true })),
    proposed: { at: jun(10, '12:00'), channel: 'call', debtId: 'D1', to: 'home-1', prerecorded: true },
  }, { decision: 'defer', until: jun(19, '08:00'), basis: 'law', rules: ['47 CFR 64.1200(a)(3)(ii)'] }),
  kase('TC-04', '§12', 'A TCPA revocation is honoured immediately', 'FCC 24-24: no 10-business-day grace used.', {
    context: { ...consumer, ...textBasis, tcpaConsent: { at: '2026-05-01T10:00:00-05:00' } },
    events: [ev('tcpa_revocation', jun(4, '11:58'), { channel: 'sms', text: 'cancel' })],
    proposed: { at: jun(4, '12:00'), channel: 'sms', debtId: 'D1', content: electronic },
  }, { decision: 'deny', basis: 'law', rules: ['47 CFR 64.1200(a)(10)-(12)'] }),
  kase('TC-05', '§12', 'B2B mobile: TCPA still applies to automated texts', 'TCPA protects every wireless number.', {
    segment: 'B2B',
    context: { collectorType: 'first-party', debtPurpose: 'commercial', debtorType: 'entity', tcpaConsent: null, numbers: { 'cfo-cell': 'mobile' } },
    proposed: { at: jun(4, '12:00'), channel: 'sms', debtId: 'INV-9', to: 'cfo-cell', content: electronic },
  }, { decision: 'deny', basis: 'conservative' }),
];
