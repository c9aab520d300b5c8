import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadEventsFile, loadInvoiceFile } from '../../dunning/catalog/invoice-files.js';
import { PolicyCatalog } from '../../dunning/catalog/policy-catalog.js';
import { simulatePolicy } from '../../dunning/catalog/simulation.js';
import { diffPolicies } from '../../dunning/diff.js';

const catalog = new PolicyCatalog({ policiesRoot: 'policies' });
const fixtures = 'test/policies/fixtures/invoices';
const run = (...args: string[]) => spawnSync(process.execPath, ['bin/dunmore.js', 'policy', ...args], { encoding: 'utf8' });

describe('simulatePolicy', () => {
  const northwind = loadInvoiceFile(`${fixtures}/northwind.yaml`);

  it('runs the whole b2b sequence for an unpaid invoice, in the debtor zone and language', () => {
    const sim = simulatePolicy({ policy: catalog.resolve('b2b-net30-standard@3'), invoice: northwind, templatesRoot: 'templates' });
    const actions = sim.timeline.filter((e) => e.kind === 'action');
    expect(actions.map((e) => [e.stepId, e.channel, e.localAt.slice(0, 10)])).toEqual([
      ['heads-up', 'email', '2025-03-03'],
      ['due-today', 'email', '2025-03-05'],
      ['overdue-7', 'sms', '2025-03-14'],
      ['call', 'call_task', '2025-03-20'],
      ['final', 'email', '2025-04-04'],
      ['collections-review', 'escalate', '2025-04-18'],
    ]);
    // heads-up is due -3d = Sun 2 March: business days only, so it waits for Monday (local 09:00 + jitter).
    expect(actions[0]?.at.startsWith('2025-03-03T15:')).toBe(true);
    expect(actions[0]?.subject).toBe('La factura INV-2025-0042 vence el 5 de marzo de 2025');
    expect(actions[4]?.requiresApproval).toBe(true);
    expect(sim.timeline.at(-1)).toMatchObject({ kind: 'end', detail: 'sequence finished after step collections-review' });
  });

  it('applies payments (idempotently), a broken promise and payment in full', () => {
    const events = loadEventsFile(`${fixtures}/northwind-events.yaml`, 'USD');
    const sim = simulatePolicy({ policy: catalog.resolve('b2b-net30-standard@3'), invoice: northwind, events, templatesRoot: 'templates' });
    const lines = sim.timeline.map((e) => `${e.kind} ${e.stepId ?? ''} ${e.detail}`.replace(/\s+/g, ' '));
    expect(lines).toContain('rejected payment ACH-88121 of 1250.00 USD: payment ACH-88121 was already applied at 2025-03-12T16:20:00Z; ignored (payments are idempotent by reference)');
    expect(lines).toContain('skipped final promise to pay PTP-1 is active (pay by 2025-04-04)');
    expect(lines).toContain('check promise PTP-1 to pay by 2025-04-04 broken; continuing at step promise-broken');
    expect(sim.timeline.find((e) => e.stepId === 'promise-broken' && e.kind === 'action')?.at).toBe('2025-04-10T14:08:30Z');
    expect(sim.finalState).toMatchObject({ status: 'paid', balanceMinor: 50 });
  });

  it('simulates a year of a consumer account with disputes, promises and a pause; deterministically', () => {
    const invoice = loadInvoiceFile(`${fixtures}/consumer-year.yaml`);
    const events = loadEventsFile(`${fixtures}/consumer-year-events.yaml`, 'USD');
    const policy = catalog.resolve('consumer-regf@1');
    const sim = simulatePolicy({ policy, invoice, events, templatesRoot: 'templates' });
    expect(sim.finalState.status).toBe('paid');
    expect(sim.timeline.at(-1)?.at).toBe('2026-01-05T19:00:00Z');
    const sms = sim.timeline.find((e) => e.channel === 'sms');
    expect(sms?.subject).toMatch(/^Harbor Recovery Services, a debt collector: .* Reply STOP to opt out\.$/);
    // Nothing is sent while the dispute is open (Mar 20 – Apr 15) or during the hardship pause (Jul 20 – Sep 20).
    for (const e of sim.timeline.filter((x) => x.kind === 'action')) {
      expect(e.at >= '2025-03-20T18:00:00Z' && e.at < '2025-04-15T17:00:00Z').toBe(false);
      expect(e.at >= '2025-07-20T16:00:00Z' && e.at < '2025-09-20T16:00:00Z').toBe(false);
    }
    expect(simulatePolicy({ policy, invoice, events, templatesRoot: 'templates' })).toEqual(sim);
  });
});

describe('diffPolicies', () => {
  it('reports steps added, retimed and re-templated between b2b v2 and v3', () => {
    const summaries = diffPolicies(catalog.resolve('b2b-net30-standard@2'), catalog.resolve('b2b-net30-standard@3')).map((c) => c.summary);
    expect(summaries).toEqual(
      expect.arrayContaining([
        '+ step promise-broken added (email promise-broken, brokenPromise +1bd)',
        '~ step overdue-7 retimed: due +7d → due +7bd',
        '~ step overdue-7 template: overdue-notice → overdue-short',
        '~ step overdue-7 action: email → sms',
        '~ step final requiresApproval: false → true',
        '~ onPromiseToPay.whenBroken.goTo: call → promise-broken',
      ]),
    );
  });

  it('finds no changes between a policy and itself', () => {
    const p = catalog.resolve('smb-firm@1');
    expect(diffPolicies(p, p)).toEqual([]);
  });
});

describe('dunmore policy simulate|diff|list (CLI)', () => {
  it('simulate --json gives the timeline with UTC instants and local times', () => {
    const result = run('simulate', 'smb-firm@1', '--invoice', `${fixtures}/northwind.yaml`, '--json');
    // Northwind is midmarket, smb-firm is for smb: simulate still runs (routing is the router's job), so analysts can compare.
    expect(result.status).toBe(0);
    const parsed = JSON.parse(result.stdout) as { policy: { id: string }; timeline: Array<{ at: string; localAt: string; kind: string }> };
    expect(parsed.policy.id).toBe('smb-firm');
    for (const e of parsed.timeline) {
      expect(e.at).toMatch(/Z$/);
      expect(e.localAt).toMatch(/[+-]\d{2}:\d{2}$/);
    }
  });

  it('simulate accepts a policy file path and reports a bad invoice file with file:line:col', () => {
    const result = run('simulate', 'policies/smb-firm/v1.yaml', '--invoice', 'policies/router.yaml');
    expect(result.status).toBe(2);
    expect(result.stderr.split('\n')).toContain('policies/router.yaml:3:1: unknown key "rules"; expected one of: invoiceId, number, currency, amount, issueDate, dueDate, paymentUrl, debtor');
    expect(result.stderr.split('\n')).toContain('policies/router.yaml:3:1: missing required key "number"');
  });

  it('diff prints a readable semantic diff', () => {
    const result = run('diff', 'b2b-net30-standard@2', 'b2b-net30-standard@3');
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('b2b-net30-standard v2 → b2b-net30-standard v3');
    expect(result.stdout).toContain('  ~ step call retimed: due +14d → due +15d\n');
  });

  it('list shows every version with status, hash, routing and what it applies to', () => {
    const result = run('list');
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^POLICY\s+VERSION\s+STATUS\s+HASH\s+PROFILE\s+ROUTED\s+APPLIES TO$/);
    expect(lines.find((l) => l.startsWith('b2b-net30-standard  v3'))).toMatch(/published\s+sha256:[0-9a-f]{12}…\s+commercial\s+default\s+segment smb,midmarket; currency USD,EUR,GBP$/);
    expect(lines.find((l) => l.startsWith('smb-firm'))).toMatch(/rule 3\s+segment smb; currency USD; country US; amount 0–5000$/);
  });
});
