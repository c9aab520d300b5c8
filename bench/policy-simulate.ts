/**
 * How long simulating an invoice's life takes. Run: `npx tsx bench/policy-simulate.ts`.
 * Prints timings instead of asserting them, so a slow CI machine cannot make the test suite flaky.
 */
import { performance } from 'node:perf_hooks';
import { loadEventsFile, loadInvoiceFile } from '../dunning/catalog/invoice-files.js';
import { PolicyCatalog } from '../dunning/catalog/policy-catalog.js';
import { simulatePolicy } from '../dunning/catalog/simulation.js';

const fixtures = 'test/policies/fixtures/invoices';
const catalog = new PolicyCatalog({ policiesRoot: 'policies' });

const cases = [
  { name: 'consumer-regf, one year, 10 events', policy: 'consumer-regf@1', invoice: 'consumer-year.yaml', events: 'consumer-year-events.yaml' },
  { name: 'b2b-net30-standard, unpaid, 400 days', policy: 'b2b-net30-standard@3', invoice: 'northwind.yaml' },
  { name: 'b2b-net30-standard, with events', policy: 'b2b-net30-standard@3', invoice: 'northwind.yaml', events: 'northwind-events.yaml' },
];

const loadStart = performance.now();
for (const c of cases) catalog.resolve(c.policy);
process.stdout.write(`catalog load + validation (3 policies, templates): ${(performance.now() - loadStart).toFixed(1)} ms\n`);

for (const c of cases) {
  const policy = catalog.resolve(c.policy);
  const invoice = loadInvoiceFile(`${fixtures}/${c.invoice}`);
  const events = c.events ? loadEventsFile(`${fixtures}/${c.events}`, invoice.currency) : [];
  const run = (): number => simulatePolicy({ policy, invoice, events, templatesRoot: 'templates' }).timeline.length;
  const coldStart = performance.now();
  const entries = run();
  const cold = performance.now() - coldStart;
  const iterations = 50;
  const warmStart = performance.now();
  for (let i = 0; i < iterations; i++) run();
  const warm = (performance.now() - warmStart) / iterations;
  process.stdout.write(`${c.name}: ${entries} timeline entries; first run ${cold.toFixed(1)} ms, then ${warm.toFixed(2)} ms per run (mean of ${iterations})\n`);
}
