/**
 * `npm run bench [-- --quick] [-- --out file.json]`: every performance number of issue #8, measured in one run
 * on servers this run starts and stops itself (a file-backed Temporal dev server, embedded PostgreSQL, the
 * SMTP sink, the Twilio stand-in, and a time-skipping server for the history counts). Prints a table and
 * writes bench-results.json. How each number is measured: BENCHMARKS.md and the header of each phase's module.
 *
 * Not a test: nothing here asserts a timing. A phase that loses or duplicates work fails the run, though,
 * since its rate would then be meaningless.
 */
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, type WorkflowBundle } from '@temporalio/worker';
import { projectRoot } from '../embedded/project-root.js';
import { startStack, type Stack } from '../test/harness/stack.js';
import { bundlerOptions, workflowsPath } from '../worker/bundle.js';
import { measureApiRead } from './api-read.js';
import { measureComplianceDecisions } from './compliance-decisions.js';
import { measureHistory } from './history.js';
import { measurePolicySimulation } from './policy-simulate.js';
import { measureSignalToEffect } from './signal-latency.js';
import { round } from './stats.js';
import { measureThroughput, type RateDetail } from './throughput.js';
import { measureWorkerMemory } from './worker-memory.js';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: path.join(projectRoot, 'bench-results.json') },
    quick: { type: 'boolean', default: false },
    /** Comma-separated phase names (compliance, simulate, throughput, signal, memory, history, api): re-measure a few. */
    only: { type: 'string' },
    /** Run the dev server in memory instead of on its SQLite file (what `npm start` uses). */
    'temporal-memory': { type: 'boolean', default: false },
    /** A Temporal frontend to measure instead of the embedded dev server (e.g. one started with other flags). */
    'temporal-address': { type: 'string' },
  },
});
const quick = args.quick ?? false;
const sizes = quick
  ? { invoices: 60, bare: 200, rounds: 1, concurrency: 50, signalSamples: 50, cached: 300, complianceMs: 300, simulateIterations: 10, apiSeconds: 3 }
  : { invoices: 500, bare: 2000, rounds: 2, concurrency: 50, signalSamples: 300, cached: 2000, complianceMs: 2000, simulateIterations: 50, apiSeconds: 10 };

/** The goals of issue #8; `max` goals are upper bounds. */
const goals: Record<string, { min?: number; max?: number; unit: string }> = {
  invoicesPerSec: { min: 50, unit: '/s' },
  bareWorkflowsPerSec: { unit: '/s' },
  throughputRatio: { min: 0.5, unit: '' },
  'signalToEffectMs.p50': { unit: 'ms' },
  'signalToEffectMs.p99': { max: 300, unit: 'ms' },
  workerRssMbPer1kCached: { max: 1000, unit: 'MB' },
  historyEventsPerStep: { max: 12, unit: '' },
  historyEventsPerLifecycle: { unit: '' },
  complianceDecisionsPerSec: { min: 1000, unit: '/s' },
  apiReadP99Ms: { max: 50, unit: 'ms' },
  policySimulateMs: { unit: 'ms' },
};

type Metrics = Record<string, number | { p50: number; p99: number } | null>;
const metrics: Metrics = {};
const details: Record<string, unknown> = {};
const notMeasured: Record<string, string> = {};
const tag = `b${Date.now().toString(36)}`;

const only = args.only?.split(',').map((p) => p.trim());
async function phase(name: string, keys: string[], body: () => Promise<void>): Promise<void> {
  if (only && !only.some((p) => name.startsWith(p))) return;
  const started = performance.now();
  process.stdout.write(`… ${name}\n`);
  try {
    await body();
    process.stdout.write(`  ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stdout.write(`  ${name} FAILED: ${message}\n`);
    for (const key of keys) {
      metrics[key] ??= null;
      notMeasured[key] ??= `${name} failed: ${message}`;
    }
  }
}

const machine = {
  nproc: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memTotalGb: round(totalmem() / 1024 ** 3),
  memFreeGbAtStart: round(freemem() / 1024 ** 3),
  node: process.version,
  loadAverageAtStart: loadavg().map((l) => round(l, 2)),
};
const runStarted = performance.now();
Runtime.install({ logger: new DefaultLogger('WARN') });

// CPU-only phases first, before any server competes for the two cores.
await phase('compliance decisions', ['complianceDecisionsPerSec'], async () => {
  const runs = measureComplianceDecisions(sizes.complianceMs);
  // The headline is the slower ledger: a rate the engine sustains on either.
  metrics.complianceDecisionsPerSec = Math.min(...runs.map((r) => r.decisionsPerSec));
  details.complianceDecisions = runs;
});
await phase('simulate policies', ['policySimulateMs'], async () => {
  const result = measurePolicySimulation(sizes.simulateIterations);
  const year = result.runs.find((r) => r.name.includes('one year'))!;
  metrics.policySimulateMs = year.meanMs;
  details.policySimulation = result;
});

let stack: Stack | undefined;
const needsServers = !only || only.some((p) => ['throughput', 'signal', 'memory', 'history', 'api'].includes(p));
let nativeConnection: NativeConnection | undefined;
if (needsServers) try {
  process.stdout.write('… starting Temporal (file-backed), PostgreSQL, SMTP sink, Twilio stand-in; bundling workflows\n');
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };
  let invoiceBundle: WorkflowBundle;
  let bareBundle: WorkflowBundle;
  [stack, invoiceBundle, bareBundle] = await Promise.all([
    startStack({ name: 'bench', temporalFile: !args['temporal-memory'], ...(args['temporal-address'] ? { temporalAddress: args['temporal-address'] } : {}) }),
    bundleWorkflowCode({ workflowsPath, ...bundlerOptions, logger: quiet }),
    bundleWorkflowCode({ workflowsPath: path.join(projectRoot, 'bench', 'workflows', 'bare.ts'), ...bundlerOptions, logger: quiet }),
  ]);
  const running = stack;
  nativeConnection = await NativeConnection.connect({ address: running.temporalAddress });
  // The load generator's client uses the same kind of connection as the API (NativeConnection, see api/server.ts).
  const client = new Client({ connection: nativeConnection, namespace: running.namespace });
  const native = nativeConnection;

  await phase('throughput (invoices, bare and invoice-shaped workflows)', ['invoicesPerSec', 'bareWorkflowsPerSec', 'throughputRatio'], async () => {
    const r = await measureThroughput({ stack: running, client, connection: native, invoiceBundle, bareBundle, invoices: sizes.invoices, bare: sizes.bare, concurrency: sizes.concurrency, rounds: sizes.rounds, tag });
    Object.assign(metrics, { invoicesPerSec: r.invoicesPerSec, bareWorkflowsPerSec: r.bareWorkflowsPerSec, throughputRatio: r.throughputRatio });
    details.throughput = { invoice: r.invoice, bareWorkflow: r.bareWorkflow, invoiceShaped: r.invoiceShaped };
  });
  await phase('signal to effect', ['signalToEffectMs'], async () => {
    const r = await measureSignalToEffect({ stack: running, client, connection: native, invoiceBundle, samples: sizes.signalSamples, tag });
    metrics.signalToEffectMs = { p50: r.p50, p99: r.p99 };
    details.signalToEffect = r;
  });
  await phase('memory of the worker (child process)', ['workerRssMbPer1kCached'], async () => {
    const r = await measureWorkerMemory({ stack: running, client, invoiceBundle, count: sizes.cached, tag });
    metrics.workerRssMbPer1kCached = r.mbPer1kCached;
    details.workerMemory = r;
  });
  await phase('history of the standard B2B policy (time skipping)', ['historyEventsPerStep', 'historyEventsPerLifecycle'], async () => {
    const r = await measureHistory({ stack: running, invoiceBundle, tag });
    Object.assign(metrics, { historyEventsPerStep: r.historyEventsPerStep, historyEventsPerLifecycle: r.historyEventsPerLifecycle });
    details.history = r;
  });
  await phase('api reads under load', ['apiReadP99Ms'], async () => {
    const r = await measureApiRead({ stack: running, client, connection: native, invoiceBundle, seconds: sizes.apiSeconds, tag });
    if ('notMeasured' in r) {
      metrics.apiReadP99Ms = null;
      notMeasured.apiReadP99Ms = r.notMeasured;
    } else {
      metrics.apiReadP99Ms = r.p99;
      details.apiRead = r;
    }
  });
} catch (error) {
  process.stdout.write(`the run's servers could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  for (const key of Object.keys(goals)) if (!key.includes('.') && !(key in metrics)) notMeasured[key] ??= 'servers did not start';
} finally {
  await nativeConnection?.close().catch(() => {});
  await stack?.close();
}

// ---------------------------------------------------------------- report
const value = (key: string): number | null | undefined => {
  const [head, sub] = key.split('.');
  const v = metrics[head!];
  if (v === null || v === undefined) return v;
  return typeof v === 'number' ? v : sub ? (v as Record<string, number>)[sub] : undefined;
};
const rows = Object.entries(goals).map(([key, goal]) => {
  const v = value(key);
  const goalText = goal.min !== undefined ? `≥ ${goal.min}${goal.unit}` : goal.max !== undefined ? `≤ ${goal.max}${goal.unit ? ` ${goal.unit}` : ''}` : '';
  const met = v === null || v === undefined || goalText === '' ? '' : (goal.min === undefined || v >= goal.min) && (goal.max === undefined || v <= goal.max) ? 'met' : 'NOT met';
  return [key, v === null || v === undefined ? 'not measured' : String(round(v, v < 10 ? 2 : 1)), goalText, met];
});
const widths = [0, 1, 2, 3].map((i) => Math.max(...[['metric', 'value', 'goal', ''], ...rows].map((r) => r[i]!.length)));
const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
process.stdout.write(`\n${line(['metric', 'value', 'goal', ''])}\n${line(widths.map((w) => '-'.repeat(w)))}\n${rows.map(line).join('\n')}\n`);
for (const [key, reason] of Object.entries(notMeasured)) process.stdout.write(`  ${key}: not measured — ${reason}\n`);
// Where a life's CPU goes, and what that allows on this machine when the run is CPU-bound.
const throughputDetail = details.throughput as { invoice?: RateDetail; bareWorkflow?: RateDetail; invoiceShaped?: RateDetail & { ratioToBare: number } } | undefined;
if (throughputDetail?.invoiceShaped) {
  const shaped = throughputDetail.invoiceShaped;
  process.stdout.write(`  invoice-shaped workflow (an invoice life's Temporal commands, no work): ${round(shaped.perSec, 1)}/s, ${shaped.ratioToBare} of the bare rate: the ceiling for throughputRatio\n`);
}
for (const [name, rate] of [['invoice life', throughputDetail?.invoice], ['bare workflow', throughputDetail?.bareWorkflow], ['invoice-shaped workflow', throughputDetail?.invoiceShaped]] as const) {
  const cpu = rate?.cpuMsPerLife;
  if (!cpu) continue;
  const ceiling = (machine.nproc * 1000) / cpu.total;
  process.stdout.write(`  CPU per ${name}: ${cpu.total} ms (bench process ${cpu.benchProcess}, Temporal ${cpu.temporal}, PostgreSQL ${cpu.postgres}); ${machine.nproc} cores allow ≈ ${Math.round(ceiling)}/s\n`);
}

const rounded = Object.fromEntries(
  Object.entries(metrics).map(([k, v]) => [k, v === null ? null : typeof v === 'number' ? round(v, 2) : { p50: round(v.p50, 1), p99: round(v.p99, 1) }]),
);
const results = {
  ...rounded,
  mode: quick ? 'quick' : 'full',
  temporal: args['temporal-address'] ? `external ${args['temporal-address']}` : args['temporal-memory'] ? 'embedded dev server, in memory' : 'embedded dev server, SQLite file',
  generatedAt: new Date().toISOString(),
  durationSec: round((performance.now() - runStarted) / 1000),
  machine: { ...machine, loadAverageAtEnd: loadavg().map((l) => round(l, 2)) },
  sizes,
  goals,
  notMeasured,
  details,
};
writeFileSync(args.out!, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`\nwrote ${args.out} (${results.durationSec} s)\n`);
// Measured values that are missing because a phase failed make the run fail; the API may legitimately be absent.
const failed = Object.keys(notMeasured).some((k) => !notMeasured[k]!.startsWith('not built'));
process.exit(failed ? 1 : 0);
