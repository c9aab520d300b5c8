/**
 * Benchmark (not a test): compliance decisions per second over a contact ledger of 500 attempts.
 * Goal: under 1 ms per decision (issue #5). Run: npx tsx bench/compliance-decisions.ts
 *
 * Two ledgers: 500 attempts spread over six months (a long-running account), and 500 attempts packed
 * into 30 days (worst case for the windowed limits). Proposed contacts rotate through channels, debts
 * and instants so that allows, defers (with the forward search for `until`) and denies are all timed.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { evaluateContact, type ContactAttempt, type ContactRequest, type ProposedChannel } from '../compliance/index.js';

const day = 86_400_000;
const now = Date.parse('2026-06-15T17:00:00Z');
const channels = ['call', 'call', 'sms', 'email', 'letter', 'ringless_voicemail'] as const;
const outcomes = { call: ['placed', 'voicemail', 'conversation'], sms: ['sms_sent'], email: ['email_sent'], letter: ['letter_sent'], ringless_voicemail: ['voicemail'] } as const;

/** Deterministic pseudo-random numbers, so every run times the same work. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

function ledger(spanDays: number, seed: number): ContactAttempt[] {
  const rand = lcg(seed);
  return Array.from({ length: 500 }, (_, i) => {
    const channel = channels[Math.floor(rand() * channels.length)] ?? 'call';
    const choices = outcomes[channel];
    return {
      id: `att-${i}`,
      at: new Date(now - 3_600_000 - Math.floor(rand() * spanDays * day)).toISOString(),
      channel,
      debtId: ['D1', 'D2', 'D3'][Math.floor(rand() * 3)] ?? 'D1',
      outcome: choices[Math.floor(rand() * choices.length)] ?? choices[0],
      to: channel === 'email' ? 'pat@example.com' : ['mobile-1', 'home-1', 'work-1'][Math.floor(rand() * 3)],
      connected: rand() > 0.1,
      ...(rand() < 0.2 ? { callId: `call-${Math.floor(i / 2)}` } : {}),
    } as ContactAttempt;
  });
}

function requests(attempts: ContactAttempt[]): ContactRequest[] {
  const proposals: Array<{ channel: ProposedChannel; hour: number }> = [
    { channel: 'call', hour: 15 },
    { channel: 'call', hour: 11 },
    { channel: 'sms', hour: 16 },
    { channel: 'email', hour: 23 },
    { channel: 'letter', hour: 14 },
    { channel: 'credit_furnish', hour: 12 },
    { channel: 'call', hour: 3 },
  ];
  return proposals.flatMap(({ channel, hour }, i) =>
    ['D1', 'D2'].map((debtId) => ({
      id: `bench-${i}-${debtId}`,
      segment: 'consumer-US-federal',
      tz: 'America/Chicago',
      candidateTzs: ['America/Chicago', 'America/New_York'],
      context: {
        collectorType: 'third-party',
        debtPurpose: 'consumer',
        numbers: { 'mobile-1': 'mobile', 'home-1': 'landline-home', 'work-1': 'landline-work' },
        smsBasis: { type: '1006.6(d)(5)(i)' },
        emailBasis: { type: '1006.6(d)(4)(i)(A)' },
        validation: { noticeSentAt: '2026-01-05T15:00:00Z', method: 'mail' },
        studentLoanServicingAccount: { D2: 'SA-1', D3: 'SA-1' },
      },
      priorAttempts: attempts,
      events: [
        { type: 'inconvenient_time', at: '2026-02-01T15:00:00Z', days: ['Mon', 'Wed'], from: '18:00', to: '20:00' },
        { type: 'optout', at: '2026-03-01T15:00:00Z', channel: 'sms', address: 'mobile-2', keyword: 'STOP' },
        { type: 'dispute', at: '2026-04-01T15:00:00Z', debtId: 'D3', receivedVia: 'phone' },
        { type: 'consent_to_call', at: '2026-05-01T15:00:00Z', debtId: 'D1' },
      ],
      proposed: {
        at: new Date(Date.parse('2026-06-15T00:00:00-05:00') + hour * 3_600_000).toISOString(),
        channel,
        debtId,
        to: channel === 'email' ? 'pat@example.com' : 'mobile-1',
        content: { optOutNotice: true, debtCollectorDisclosure: true },
      },
    })),
  );
}

export interface ComplianceRun {
  name: string;
  decisions: number;
  elapsedMs: number;
  decisionsPerSec: number;
  usPerDecision: number;
  firstPassMsPerDecision: number;
  mix: Record<string, number>;
}

function run(name: string, batch: ContactRequest[], minMs: number): ComplianceRun {
  const first = performance.now();
  const tally: Record<string, number> = {};
  for (const r of batch) {
    const d = evaluateContact(r);
    tally[d.decision] = (tally[d.decision] ?? 0) + 1;
  }
  const coldMs = performance.now() - first;
  let decisions = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    for (const r of batch) evaluateContact(r);
    decisions += batch.length;
  }
  const elapsed = performance.now() - start;
  return {
    name,
    decisions,
    elapsedMs: elapsed,
    decisionsPerSec: decisions / (elapsed / 1000),
    usPerDecision: (elapsed / decisions) * 1000,
    firstPassMsPerDecision: coldMs / batch.length,
    mix: tally,
  };
}

/** Both ledgers, each timed for at least `minMs` (used by `npm run bench` too). */
export function measureComplianceDecisions(minMs = 2_000): ComplianceRun[] {
  return [run('500 attempts over 180 days', requests(ledger(180, 7)), minMs), run('500 attempts over 30 days ', requests(ledger(30, 11)), minMs)];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const r of measureComplianceDecisions()) {
    console.log(
      `${r.name}: ${r.decisions} decisions in ${r.elapsedMs.toFixed(0)} ms → ${r.decisionsPerSec.toFixed(0)} decisions/s, ` +
        `${r.usPerDecision.toFixed(0)} µs/decision (first pass ${r.firstPassMsPerDecision.toFixed(2)} ms/decision; mix ${JSON.stringify(r.mix)}) ` +
        `${r.usPerDecision < 1000 ? 'within' : 'OVER'} the 1 ms goal`,
    );
  }
}
