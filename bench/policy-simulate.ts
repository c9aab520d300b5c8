/**
 * How long simulating an invoice's life takes. Run: `npx tsx bench/policy-simulate.ts`.
 * Prints timings instead of asserting them, so a slow CI machine cannot make the test suite flaky.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../embedded/project-root.js';
import { loadEventsFile, loadInvoiceFile } from '../dunning/catalog/invoice-files.js';
import { PolicyCatalog } from '../dunning/catalog/policy-catalog.js';
import { simulatePolicy } from '../dunning/catalog/simulation.js';

// Resolved from the project root, so the bench runs from any working directory.
const fixtures = path.join(projectRoot, 'test/policies/fixtures/invoices');
const templatesRoot = path.join(projectRoot, 'templates');
const catalog = new PolicyCatalog({ policiesRoot: path.join(projectRoot, 'policies') });

const cases = [
  { name: 'consumer-regf, one year, 10 events', policy: 'consumer-regf@1', invoice: 'consumer-year.yaml', events: 'consumer-year-events.yaml' },
  { name: 'b2b-net30-standard, unpaid, 400 days', policy: 'b2b-net30-standard@3', invoice: 'northwind.yaml' },
  { name: 'b2b-net30-standard, with events', policy: 'b2b-net30-standard@3', invoice: 'northwind.yaml', events: 'northwind-events.yaml' },
];

export interface SimulationRun {
  name: string;
  entries: number;
  firstRunMs: number;
  meanMs: number;
  iterations: number;
}

/** Times each case: one cold run, then the mean of `iterations` warm runs (used by `npm run bench` too). */
export function measurePolicySimulation(iterations = 50): { catalogLoadMs: number; runs: SimulationRun[] } {
  const loadStart = performance.now();
  for (const c of cases) catalog.resolve(c.policy);
  const catalogLoadMs = performance.now() - loadStart;
  const runs = cases.map((c): SimulationRun => {
    const policy = catalog.resolve(c.policy);
    const invoice = loadInvoiceFile(`${fixtures}/${c.invoice}`);
    const events = c.events ? loadEventsFile(`${fixtures}/${c.events}`, invoice.currency) : [];
    const run = (): number => simulatePolicy({ policy, invoice, events, templatesRoot }).timeline.length;
    const coldStart = performance.now();
    const entries = run();
    const firstRunMs = performance.now() - coldStart;
    const warmStart = performance.now();
    for (let i = 0; i < iterations; i++) run();
    return { name: c.name, entries, firstRunMs, meanMs: (performance.now() - warmStart) / iterations, iterations };
  });
  return { catalogLoadMs, runs };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { catalogLoadMs, runs } = measurePolicySimulation();
  process.stdout.write(`catalog load + validation (3 policies, templates): ${catalogLoadMs.toFixed(1)} ms\n`);
  for (const r of runs) {
    process.stdout.write(`${r.name}: ${r.entries} timeline entries; first run ${r.firstRunMs.toFixed(1)} ms, then ${r.meanMs.toFixed(2)} ms per run (mean of ${r.iterations})\n`);
  }
}
