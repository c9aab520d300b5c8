/**
 * The ten shared examples and the table of rule cases (test/compliance/cases/rule-cases.ts), each checked
 * for decision, until (as an instant), basis, required citations, and explainability: every decision
 * cites rules and gives plain-language reasons, and a defer's until is itself allowed.
 */
import { describe, expect, it } from 'vitest';
import { evaluateContact, type ContactDecision, type ContactRequest } from '../../compliance/index.js';
import { ruleCases, type Expected } from './cases/rule-cases.js';
import { loadSharedExamples } from './shared-examples.js';

function expectDecision(request: ContactRequest, expected: Expected): ContactDecision {
  const d = evaluateContact(request);
  const summary = `${d.decision} ${d.until ?? ''} ${d.basis}\n  ${d.reasons.join('\n  ')}`;
  expect(d.decision, summary).toBe(expected.decision);
  expect(d.basis, summary).toBe(expected.basis);
  if (expected.decision === 'defer') {
    expect(d.until, summary).toBeDefined();
    expect(Date.parse(d.until ?? ''), summary).toBe(Date.parse(expected.until ?? ''));
    // CASE-FORMAT.md: re-evaluating the same case at `until` returns allow.
    const again = evaluateContact({ ...request, proposed: { ...request.proposed, at: d.until ?? '' } });
    expect(again.decision, again.reasons.join('\n')).toBe('allow');
  } else {
    expect(d.until).toBeUndefined();
  }
  for (const rule of expected.rules ?? []) expect(d.rules, summary).toContain(rule);
  expect(d.rules.length).toBeGreaterThan(0);
  expect(d.reasons.length).toBeGreaterThan(0);
  for (const reason of d.reasons) expect(reason.length).toBeGreaterThan(20);
  return d;
}

describe('shared examples (../shared/compliance/examples.json)', () => {
  const examples = loadSharedExamples();
  it('has the ten worked cases', () => expect(examples).toHaveLength(10));
  it.each(examples.map((e) => [e.id, e] as const))('%s', (_id, example) => {
    expectDecision(example, example.expected);
  });
});

describe('rule cases (every RULES.md section and pitfall)', () => {
  it('has at least 60 cases with unique ids', () => {
    expect(ruleCases.length).toBeGreaterThanOrEqual(60);
    expect(new Set(ruleCases.map((c) => c.id)).size).toBe(ruleCases.length);
  });
  it('covers every section of RULES.md and each pitfall of §2.8', () => {
    const sections = ruleCases.map((c) => c.section).join(' ');
    for (const s of ['§1', '§2.2', '§2.3', '§2.4', '§2.5', '§2.7', '§3.2', '§3.3', '§3.4', '§3.5', '§4', '§5.1', '§5.2', '§5.3', '§6', '§7.1', '§7.2', '§7.3', '§7.4', '§8', '§9', '§10', '§11 MA', '§11 NYC', '§11 WA', '§11 CA', '§12']) {
      expect(sections, s).toContain(s);
    }
    for (const pitfall of ['keyed by number', 'rolling NOW()-7 days', 'inbound conversations', 'no consent exclusion', 'server time']) {
      expect(sections, pitfall).toContain(pitfall);
    }
  });
  it.each(ruleCases.map((c) => [`${c.id} ${c.title}`, c] as const))('%s', (_name, c) => {
    expectDecision(c, c.expected);
  });
});

describe('decision record', () => {
  it('lists the counted attempts, the zones and the events it rests on', () => {
    const [rf06] = loadSharedExamples().filter((e) => e.id === 'RF-06');
    const d = evaluateContact(rf06 as ContactRequest);
    expect(d.inputs.zones).toEqual(['America/Chicago']);
    expect(d.inputs.countedAttemptIds).toEqual(expect.arrayContaining(['priorAttempts[0]', 'priorAttempts[6]']));
    expect(d.findings.some((f) => f.rule === 'reg-f.call-frequency.seven-in-seven' && f.outcome === 'defer')).toBe(true);
    expect(d.ruleVersion).toMatch(/RULES\.md/);
  });
  it('records why attempts were not counted', () => {
    const f01 = ruleCases.find((c) => c.id === 'F-01') as ContactRequest;
    const d = evaluateContact(f01);
    expect(d.inputs.excludedAttempts).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'priorAttempts[5]', why: expect.stringContaining('1006.14(b)(3)(ii)') })]),
    );
  });
  it('ignores events received after the decision instant (never retroactive)', () => {
    const c01 = ruleCases.find((c) => c.id === 'C-01') as ContactRequest;
    expect(evaluateContact(c01).inputs.ignoredFutureEvents).toEqual(['cease@2026-08-06T10:00:00-05:00']);
  });
});
