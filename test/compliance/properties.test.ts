/**
 * Properties of the contact gate over generated ledgers (fast-check):
 * - adding prior attempts never turns a deny or defer into allow;
 * - a defer's `until` is itself allowed (re-evaluating there returns allow);
 * - decisions do not depend on the host's time zone;
 * - around US DST transitions, decisions agree with luxon's wall clock (an independent oracle), and
 *   frequency limits release on local dates.
 * No timing assertions here; bench/compliance-decisions.ts measures speed.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluateContact, type ContactAttempt, type ContactRequest, type DebtorEvent } from '../../compliance/index.js';

const zones = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'America/Anchorage', 'Pacific/Honolulu'] as const;
const labels = ['mobile-1', 'home-1', 'work-1'] as const;
const numbers = { 'mobile-1': 'mobile', 'home-1': 'landline-home', 'work-1': 'landline-work' } as const;
const day = 86_400_000;
const start = Date.parse('2026-01-05T00:00:00Z');
const end = Date.parse('2027-12-20T00:00:00Z');

const iso = (ms: number): string => new Date(ms).toISOString();

/** An outbound (or inbound) attempt some time in the 20 days before `t`. */
function attemptArb(t: number, direction: fc.Arbitrary<'outbound' | 'inbound'>): fc.Arbitrary<ContactAttempt> {
  return fc
    .record({
      ago: fc.integer({ min: 60_000, max: 20 * day }),
      kind: fc.constantFrom('call-placed', 'call-voicemail', 'call-conversation', 'call-busy', 'rvm', 'sms', 'email', 'letter'),
      debtId: fc.constantFrom('D1', 'D1', 'D2', null),
      to: fc.constantFrom(...labels),
      direction,
      party: fc.constantFrom(undefined, undefined, undefined, 'creditor'),
    })
    .map(({ ago, kind, debtId, to, direction: dir, party }) => {
      const base = { at: iso(t - ago), debtId, to, direction: dir, ...(party ? { party } : {}) };
      switch (kind) {
        case 'call-placed':
          return { ...base, channel: 'call', outcome: 'placed' } as ContactAttempt;
        case 'call-voicemail':
          return { ...base, channel: 'call', outcome: 'voicemail' } as ContactAttempt;
        case 'call-conversation':
          return { ...base, channel: 'call', outcome: 'conversation' } as ContactAttempt;
        case 'call-busy':
          return { ...base, channel: 'call', outcome: 'placed', connected: false, disposition: 'busy' } as ContactAttempt;
        case 'rvm':
          return { ...base, channel: 'ringless_voicemail', outcome: 'voicemail' } as ContactAttempt;
        case 'sms':
          return { ...base, to: 'mobile-1', channel: 'sms', outcome: 'sms_sent' } as ContactAttempt;
        case 'email':
          return { ...base, to: 'pat@example.com', channel: 'email', outcome: 'email_sent' } as ContactAttempt;
        default:
          return { ...base, channel: 'letter', outcome: 'letter_sent' } as ContactAttempt;
      }
    });
}

function eventArb(t: number): fc.Arbitrary<DebtorEvent> {
  const at = fc.integer({ min: 60_000, max: 30 * day }).map((ago) => iso(t - ago));
  return fc.oneof(
    fc.record({ type: fc.constant('cease'), at, debtId: fc.constantFrom('D1', 'D2'), receivedVia: fc.constantFrom('mail', 'phone') }),
    fc.record({ type: fc.constant('optout'), at, channel: fc.constantFrom('sms', 'email', 'call'), address: fc.constantFrom('mobile-1', 'pat@example.com') }),
    fc.record({ type: fc.constant('consent_to_call'), at, debtId: fc.constantFrom('D1', 'D2') }),
    fc.record({ type: fc.constant('attorney_rep'), at, debtId: fc.constantFrom('D1', 'D2'), attorneyNameAddressKnown: fc.boolean() }),
    fc.record({
      type: fc.constant('inconvenient_time'),
      at,
      days: fc.constantFrom(['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], ['Sat', 'Sun']),
      from: fc.constantFrom('09:00', '12:00', '15:00', '19:30'),
      to: fc.constantFrom('10:00', '13:30', '17:00', '20:00'),
    }),
    fc.record({ type: fc.constant('dispute'), at, debtId: fc.constantFrom('D1', 'D2'), receivedVia: fc.constantFrom('mail', 'phone') }),
    fc.record({ type: fc.constant('employer_prohibits'), at }),
    fc.record({ type: fc.constant('wrong_number'), at, number: fc.constantFrom('home-1', 'work-1') }),
  ) as fc.Arbitrary<DebtorEvent>;
}

/** A consumer (or B2B) case with a generated ledger, everything before the decision instant. */
const caseArb: fc.Arbitrary<ContactRequest> = fc
  .integer({ min: start, max: end })
  .chain((t) =>
    fc.record({
      t: fc.constant(t),
      tz: fc.constantFrom<string | null>(...zones, null),
      extraZone: fc.option(fc.constantFrom(...zones), { nil: undefined }),
      segment: fc.constantFrom('consumer-US-federal', 'consumer-US-federal', 'consumer-MA', 'consumer-WA', 'consumer-NYC', 'B2B'),
      channel: fc.constantFrom('call', 'call', 'ringless_voicemail', 'sms', 'email', 'letter'),
      debtId: fc.constantFrom('D1', 'D2'),
      to: fc.constantFrom(...labels),
      attempts: fc.array(attemptArb(t, fc.constantFrom('outbound', 'outbound', 'inbound')), { maxLength: 25 }),
      events: fc.array(eventArb(t), { maxLength: 4 }),
    }),
  )
  .map(({ t, tz, extraZone, segment, channel, debtId, to, attempts, events }) => {
    const b2b = segment === 'B2B';
    const state = segment === 'consumer-MA' ? 'MA' : segment === 'consumer-WA' ? 'WA' : segment === 'consumer-NYC' ? 'NY' : undefined;
    const request: ContactRequest = {
      id: 'generated',
      segment,
      tz,
      ...(extraZone && tz ? { candidateTzs: [tz, extraZone] } : {}),
      context: {
        collectorType: b2b ? 'first-party' : 'third-party',
        debtPurpose: b2b ? 'commercial' : 'consumer',
        ...(b2b ? { debtorType: 'entity' } : {}),
        ...(state ? { state } : {}),
        ...(segment === 'consumer-NYC' ? { city: 'New York City', electronicConsent: { email: { writtenConsentAt: iso(t - 40 * day) } } } : {}),
        numbers,
        smsBasis: { type: '1006.6(d)(5)(i)' },
        emailBasis: { type: '1006.6(d)(4)(i)(A)' },
      },
      priorAttempts: attempts,
      events,
      proposed: {
        at: iso(t),
        channel: channel as 'call',
        debtId,
        to: channel === 'email' ? 'pat@example.com' : channel === 'sms' ? 'mobile-1' : to,
        ...(channel === 'sms' || channel === 'email' || channel === 'letter' ? { content: { optOutNotice: true, debtCollectorDisclosure: true } } : {}),
      },
    };
    return request;
  });

describe('adding prior attempts never turns a deny or defer into allow', () => {
  it('holds for generated ledgers', () => {
    fc.assert(
      fc.property(
        caseArb.chain((c) => fc.tuple(fc.constant(c), fc.array(attemptArb(Date.parse(c.proposed.at), fc.constant('outbound')), { minLength: 1, maxLength: 8 }))),
        ([c, extra]) => {
          const before = evaluateContact(c);
          fc.pre(before.decision !== 'allow');
          const after = evaluateContact({ ...c, priorAttempts: [...(c.priorAttempts ?? []), ...extra] });
          expect(after.decision, `${before.reasons.join(' | ')}\n=> ${after.reasons.join(' | ')}`).not.toBe('allow');
          if (before.decision === 'defer' && after.decision === 'defer') {
            expect(Date.parse(after.until ?? '')).toBeGreaterThanOrEqual(Date.parse(before.until ?? ''));
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('re-evaluating at until allows', () => {
  it('holds for generated ledgers', () => {
    let deferrals = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const d = evaluateContact(c);
        if (d.decision !== 'defer') return;
        deferrals += 1;
        expect(Date.parse(d.until ?? '')).toBeGreaterThan(Date.parse(c.proposed.at));
        const again = evaluateContact({ ...c, proposed: { ...c.proposed, at: d.until ?? '' } });
        expect(again.decision, again.reasons.join('\n')).toBe('allow');
      }),
      { numRuns: 500 },
    );
    expect(deferrals).toBeGreaterThan(20);
  });
});

describe('results do not depend on the host time zone', () => {
  const original = process.env.TZ;
  afterEach(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });
  it('gives identical decisions under UTC, Pacific/Auckland, Asia/Kolkata and America/St_Johns', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const results = ['UTC', 'Pacific/Auckland', 'Asia/Kolkata', 'America/St_Johns'].map((hostZone) => {
          process.env.TZ = hostZone;
          return evaluateContact(c);
        });
        for (const r of results.slice(1)) expect(r).toEqual(results[0]);
      }),
      { numRuns: 150 },
    );
  });
});

describe('DST transitions (US spring-forward and fall-back days)', () => {
  const transitionDays = ['2026-03-08', '2026-11-01', '2027-03-14', '2027-11-07'];
  const dstZones = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles', 'America/Anchorage'];

  it('allows exactly [08:00, 21:00) local, as luxon reads the wall clock, and defers to the next 08:00', () => {
    fc.assert(
      fc.property(fc.constantFrom(...dstZones), fc.constantFrom(...transitionDays), fc.integer({ min: 0, max: 26 * 60 - 1 }), (zone, date, minute) => {
        const midnight = DateTime.fromISO(`${date}T00:00:00`, { zone }).toMillis();
        const t = midnight + minute * 60_000;
        const local = DateTime.fromMillis(t, { zone });
        const d = evaluateContact({ id: 'dst', tz: zone, context: { collectorType: 'third-party', debtPurpose: 'consumer' }, proposed: { at: iso(t), channel: 'call', debtId: 'D1' } });
        const convenient = local.hour >= 8 && local.hour < 21;
        expect(d.decision).toBe(convenient ? 'allow' : 'defer');
        if (!convenient) {
          const until = DateTime.fromMillis(Date.parse(d.until ?? ''), { zone });
          expect(until.toFormat('HH:mm:ss')).toBe('08:00:00');
          expect(until.toISODate()).toBe(local.hour < 8 ? local.toISODate() : local.plus({ days: 1 }).toISODate());
        }
      }),
      { numRuns: 600 },
    );
  });

  it('releases the 7-in-7 limit at 08:00 local on the 8th calendar date across a transition week', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...dstZones),
        fc.constantFrom(...transitionDays),
        fc.integer({ min: -6, max: 0 }),
        fc.array(fc.integer({ min: 8 * 60, max: 21 * 60 - 1 }), { minLength: 7, maxLength: 7 }),
        (zone, date, offset, minutes) => {
          const first = DateTime.fromISO(date, { zone }).plus({ days: offset });
          const calls = minutes.map((m, i) => ({ at: first.plus({ days: i }).startOf('day').plus({ minutes: m }).toISO() ?? '', channel: 'call' as const, debtId: 'D1', outcome: 'placed' as const }));
          const seventh = DateTime.fromISO(calls[6]?.at ?? '', { zone });
          const proposedAt = seventh.plus({ minutes: 90 });
          fc.pre(proposedAt.hour < 21 && proposedAt.toISODate() === seventh.toISODate());
          const d = evaluateContact({
            id: 'dst-week',
            tz: zone,
            context: { collectorType: 'third-party', debtPurpose: 'consumer', policy: { minMinutesBetweenCallsSameNumber: null } },
            priorAttempts: calls,
            proposed: { at: proposedAt.toISO() ?? '', channel: 'call', debtId: 'D1' },
          });
          expect(d.decision).toBe('defer');
          const until = DateTime.fromMillis(Date.parse(d.until ?? ''), { zone });
          expect(until.toISODate()).toBe(first.plus({ days: 7 }).toISODate());
          expect(until.toFormat('HH:mm')).toBe('08:00');
        },
      ),
      { numRuns: 300 },
    );
  });
});
