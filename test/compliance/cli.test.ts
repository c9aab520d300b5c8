/**
 * `dunmore compliance check [FILE]` as a user runs it (CASE-FORMAT.md): a spawned `node bin/dunmore.js`,
 * file or stdin, JSON array on stdout in input order, exit 0; exit 2 naming case, field and fix.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { examplesPath, loadSharedExamples } from './shared-examples.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function dunmore(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['bin/dunmore.js', 'compliance', 'check', ...args], { cwd: root, input, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('dunmore compliance check', () => {
  it('decides the shared examples from a file, in input order, with exactly the contract fields', () => {
    const run = dunmore([examplesPath]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    const examples = loadSharedExamples();
    expect(out.map((r) => r.id)).toEqual(examples.map((e) => e.id));
    out.forEach((r, i) => {
      const expected = examples[i]?.expected;
      expect(r.decision).toBe(expected?.decision);
      expect(r.basis).toBe(expected?.basis);
      if (expected?.until) expect(Date.parse(String(r.until))).toBe(Date.parse(expected.until));
      else expect(r).not.toHaveProperty('until');
      expect(Object.keys(r).sort()).toEqual(expected?.until ? ['basis', 'decision', 'id', 'reasons', 'rules', 'until'] : ['basis', 'decision', 'id', 'reasons', 'rules']);
    });
    expect(out[1]?.until).toBe('2026-06-08T13:00:00.000Z');
  });

  it('reads one case object from stdin and answers with an array', () => {
    const [rf02] = loadSharedExamples().filter((e) => e.id === 'RF-02');
    const run = dunmore([], JSON.stringify(rf02));
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([expect.objectContaining({ id: 'RF-02', decision: 'defer', until: '2026-06-08T13:00:00.000Z', basis: 'law' })]);
  });

  it('adds inputs and findings with --explain', () => {
    const [rf06] = loadSharedExamples().filter((e) => e.id === 'RF-06');
    const run = dunmore(['--explain'], JSON.stringify([rf06]));
    expect(run.status).toBe(0);
    const [out] = JSON.parse(run.stdout) as Array<{ inputs: { countedAttemptIds: string[]; zones: string[] } }>;
    expect(out?.inputs.zones).toEqual(['America/Chicago']);
    expect(out?.inputs.countedAttemptIds).toHaveLength(7);
  });

  it('exits 2 naming the case, the field and the fix, with nothing on stdout', () => {
    const [rf01] = loadSharedExamples();
    const bad = { ...rf01, id: 'BAD-1', tz: 'Central', proposed: { ...rf01?.proposed, at: '2026-06-07 12:00' } };
    const run = dunmore([], JSON.stringify([rf01, bad]));
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('case BAD-1: field tz: not an IANA time zone');
    expect(run.stderr).toContain('case BAD-1: field proposed.at: not an ISO-8601 instant with an offset; write it like 2026-06-01T10:00:00-05:00');
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('exits 2 on invalid JSON and on an unreadable file', () => {
    const json = dunmore([], '[{"id": ');
    expect(json.status).toBe(2);
    expect(json.stderr).toContain('not valid JSON');
    const missing = dunmore(['/nonexistent/cases.json']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read');
  });
});
