/**
 * `invoicesPerSec`, `bareWorkflowsPerSec` and their ratio, on one dev server in one run.
 *
 * An invoice life, end to end: start → its message step → the payment update → workflow completed. Even
 * invoices send an email (real SMTP), odd ones an SMS (Twilio stand-in). The step goes through the real
 * activity: PostgreSQL outbox row and contact ledger under the debtor's lock, compliance gate, render, send,
 * mark sent; the invoice mirror is written by a local activity whenever the state changes. The payment is
 * sent once the provider has accepted the message (so the step is never skipped by an early payment).
 * The bare life: start → completed, nothing else. The invoice-shaped life (bench/workflows/bare.ts): an invoice
 * life's Temporal commands without its work, started and paid as an invoice is; its ratio to the bare rate is the
 * ceiling for `throughputRatio`. All run after a warm-up that is not timed, in alternating rounds (invoices, bare,
 * shaped, invoices, bare, shaped…), never together, so none steals another's CPU and all see the same drift of
 * the machine's speed. Invoices run on the production worker factory, the baselines on SDK defaults.
 */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { NativeConnection, WorkflowBundle } from '@temporalio/worker';
import type { EmailSender, SmsSender } from '../activities/ports.js';
import { invoiceInput, registerDebtors, shortPolicy, zoneAtNoon } from '../test/harness/invoices.js';
import type { Stack } from '../test/harness/stack.js';
import { invoiceWorkflow } from '../workflows/invoice/invoice-workflow.js';
import { invoiceWorkflowId, recordPaymentUpdate } from '../workflows/invoice/messages.js';
import { invoiceIndex } from '../workflows/search-attributes.js';
import { addCpu, cpuMsPer, cpuSnapshot, cpuSpent, type CpuSnapshot } from './cpu.js';
import { startBenchWorker } from './invoice-worker.js';
import { runPool, withTimeout } from './stats.js';
import { bareWorkflow, invoiceShapedWorkflow, shapedPaymentUpdate, type ShapeActivities } from './workflows/bare.js';
import { Worker } from '@temporalio/worker';

export interface ThroughputOptions {
  stack: Stack;
  client: Client;
  connection: NativeConnection;
  invoiceBundle: WorkflowBundle;
  /** bench/workflows/bare.ts: the bare and the invoice-shaped workflow. */
  bareBundle: WorkflowBundle;
  invoices: number;
  bare: number;
  concurrency: number;
  /** Invoice, bare and invoice-shaped runs alternate this many times, each with its share of the lives. */
  rounds: number;
  tag: string;
}

export interface RateDetail {
  count: number;
  concurrency: number;
  elapsedMs: number;
  perSec: number;
  /** CPU milliseconds per life in this process, the Temporal server and PostgreSQL (Linux; absent elsewhere). */
  cpuMsPerLife?: ReturnType<typeof cpuMsPer>;
  /** Each round's own rate, to show the spread within the run. */
  rounds?: Array<{ count: number; elapsedMs: number; perSec: number }>;
}

export interface ThroughputResult {
  invoicesPerSec: number;
  bareWorkflowsPerSec: number;
  throughputRatio: number;
  invoice: RateDetail;
  bareWorkflow: RateDetail;
  /** The invoice-shaped life, and its rate over the bare rate: the ceiling for `throughputRatio`. */
  invoiceShaped: RateDetail & { ratioToBare: number };
}

/** Which ids something has happened to (a message accepted, a first local activity run): wait for one, before or after. */
function arrivals(): { arrived(id: string): void; wait(id: string): Promise<void> } {
  const waiters = new Map<string, () => void>();
  const done = new Set<string>();
  return {
    arrived(id) {
      done.add(id);
      waiters.get(id)?.();
    },
    wait: (id) => (done.has(id) ? Promise.resolve() : new Promise<void>((resolve) => waiters.set(id, () => (waiters.delete(id), resolve())))),
  };
}

/** Resolves a waiter when the provider (SMTP server or Twilio) has accepted the invoice's message. */
function watchedSenders(base: { email: EmailSender; sms: SmsSender }): { email: EmailSender; sms: SmsSender; accepted(id: string): Promise<void> } {
  const accepted = arrivals();
  const note = (text: string): void => {
    // plainRenderer writes "[template] Invoice <number>: …"; the number is the invoice id here.
    const id = /Invoice (\S+):/.exec(text)?.[1];
    if (id) accepted.arrived(id);
  };
  return {
    email: {
      ...base.email,
      async send(request) {
        const messageId = await base.email.send(request);
        note(request.message.text);
        return messageId;
      },
    },
    sms: {
      ...base.sms,
      async send(request) {
        const sid = await base.sms.send(request);
        note(request.body);
        return sid;
      },
    },
    accepted: accepted.wait,
  };
}

export async function measureThroughput(options: ThroughputOptions): Promise<ThroughputResult> {
  const { stack, client } = options;
  const zone = zoneAtNoon();
  const policies = { email: shortPolicy('email'), sms: shortPolicy('sms') };
  const channelOf = (id: string): 'email' | 'sms' => (Number(id.slice(id.lastIndexOf('tp') + 2)) % 2 === 0 ? 'email' : 'sms');
  const warmInvoices = Math.min(10, options.invoices);
  const ids = Array.from({ length: warmInvoices + options.invoices }, (_, i) => `${options.tag}-tp${i}`);
  await registerDebtors(stack.database.db, ids, zone);

  const senders = watchedSenders(stack);
  const invoiceQueue = `${options.tag}-invoices`;
  const { worker: invoiceWorker, close: closeInvoiceWorker } = await startBenchWorker({
    connection: options.connection,
    namespace: stack.namespace,
    taskQueue: invoiceQueue,
    workflowBundle: options.invoiceBundle,
    databaseUrl: stack.databaseUrl,
    email: senders.email,
    sms: senders.sms,
    connections: 10,
  });

  const life = async (id: string): Promise<void> => {
    const sent = senders.accepted(id);
    const input = invoiceInput({ id, zone, dueInDays: 0, policy: policies[channelOf(id)] });
    const handle = await client.workflow.start(invoiceWorkflow, {
      taskQueue: invoiceQueue,
      workflowId: invoiceWorkflowId(id),
      // As the API starts invoices: the search attributes come with the start, not from an upsert.
      typedSearchAttributes: invoiceIndex({ status: 'open', debtorId: input.invoice.debtor.id, policyId: input.policy.compiled.id, segment: input.invoice.debtor.segment }),
      args: [input],
    });
    await withTimeout(sent, 120_000, `the message of ${id}`);
    await handle.executeUpdate(recordPaymentUpdate, { args: [{ reference: `PAY-${id}`, amountMinor: 99_00 }] });
    const summary = await withTimeout(handle.result(), 120_000, `invoice ${id}`);
    if (summary.status !== 'paid') throw new Error(`invoice ${id} ended ${summary.status}, not paid`);
  };

  const bareQueue = `${options.tag}-bare`;
  const bareWorker = await Worker.create({ connection: options.connection, namespace: stack.namespace, taskQueue: bareQueue, workflowBundle: options.bareBundle });
  const warmBare = Math.min(50, options.bare);
  const bareLife = (i: number): Promise<void> => withTimeout(client.workflow.execute(bareWorkflow, { taskQueue: bareQueue, workflowId: `${options.tag}-bare-${i}` }), 60_000, `bare workflow ${i}`);

  const shapedQueue = `${options.tag}-shaped`;
  const echoed = arrivals();
  const shapeActivities: ShapeActivities = {
    async echo(payload) {
      echoed.arrived(Context.current().info.workflowExecution?.workflowId ?? '');
      return payload;
    },
  };
  const shapedWorker = await Worker.create({ connection: options.connection, namespace: stack.namespace, taskQueue: shapedQueue, workflowBundle: options.bareBundle, activities: shapeActivities });
  const shapedInput = invoiceInput({ id: `${options.tag}-shaped`, zone, dueInDays: 0, policy: policies.email });
  const shapedLife = async (i: number): Promise<void> => {
    const workflowId = `${options.tag}-shaped-${i}`;
    const echoedOnce = echoed.wait(workflowId);
    const handle = await client.workflow.start(invoiceShapedWorkflow, {
      taskQueue: shapedQueue,
      workflowId,
      typedSearchAttributes: invoiceIndex({ status: 'open', debtorId: shapedInput.invoice.debtor.id, policyId: shapedInput.policy.compiled.id, segment: shapedInput.invoice.debtor.segment }),
      args: [shapedInput],
    });
    await withTimeout(echoedOnce, 60_000, `the first local activity of ${workflowId}`);
    await handle.executeUpdate(shapedPaymentUpdate);
    await withTimeout(handle.result(), 60_000, workflowId);
  };

  // Invoices and the baselines take turns, round after round (never at the same time): the machine's speed
  // drifts during a run, and alternating lets all rates see the same drift, so their ratios hold still.
  const invoiceRounds: TimedRound[] = [];
  const bareRounds: TimedRound[] = [];
  const shapedRounds: TimedRound[] = [];
  const warmShaped = Math.min(10, options.invoices);
  try {
    await invoiceWorker.runUntil(() =>
      bareWorker.runUntil(() =>
        shapedWorker.runUntil(async () => {
          await runPool(warmInvoices, options.concurrency, (i) => life(ids[i]!));
          await runPool(warmBare, options.concurrency, (i) => bareLife(i));
          await runPool(warmShaped, options.concurrency, (i) => shapedLife(i));
          for (let round = 0; round < options.rounds; round++) {
            const invoices = share(options.invoices, options.rounds, round);
            invoiceRounds.push(await timedRound(stack.pidDir, invoices.count, options.concurrency, (i) => life(ids[warmInvoices + invoices.first + i]!)));
            const bare = share(options.bare, options.rounds, round);
            bareRounds.push(await timedRound(stack.pidDir, bare.count, options.concurrency, (i) => bareLife(warmBare + bare.first + i)));
            shapedRounds.push(await timedRound(stack.pidDir, invoices.count, options.concurrency, (i) => shapedLife(warmShaped + invoices.first + i)));
          }
        }),
      ),
    );
  } finally {
    await closeInvoiceWorker();
  }

  // Nothing lost, nothing duplicated: exactly one message per invoice, on its channel.
  const received = new Map<string, number>();
  const count = (text: string): void => {
    const id = /Invoice (\S+):/.exec(text)?.[1];
    if (id) received.set(id, (received.get(id) ?? 0) + 1);
  };
  for (const m of stack.mail.messages()) count(m.text);
  for (const m of stack.twilio.messages()) count(m.body);
  for (const id of ids) {
    if (received.get(id) !== 1) throw new Error(`invoice ${id}: ${received.get(id) ?? 0} messages arrived, expected exactly 1`);
  }

  const invoice = { count: options.invoices, concurrency: options.concurrency, ...combineRounds(invoiceRounds) };
  const bare = { count: options.bare, concurrency: options.concurrency, ...combineRounds(bareRounds) };
  const shaped = { count: options.invoices, concurrency: options.concurrency, ...combineRounds(shapedRounds) };
  return {
    invoicesPerSec: invoice.perSec,
    bareWorkflowsPerSec: bare.perSec,
    throughputRatio: invoice.perSec / bare.perSec,
    invoice,
    bareWorkflow: bare,
    invoiceShaped: { ...shaped, ratioToBare: Math.round((shaped.perSec / bare.perSec) * 100) / 100 },
  };
}

interface TimedRound {
  count: number;
  elapsedMs: number;
  perSec: number;
  cpu: CpuSnapshot | undefined;
}

/** The `round`-th of `rounds` nearly equal slices of `total` lives. */
function share(total: number, rounds: number, round: number): { first: number; count: number } {
  const first = Math.floor((total * round) / rounds);
  return { first, count: Math.floor((total * (round + 1)) / rounds) - first };
}

async function timedRound(pidDir: string, count: number, concurrency: number, job: (index: number) => Promise<void>): Promise<TimedRound> {
  const before = cpuSnapshot(pidDir);
  const rate = await runPool(count, concurrency, job);
  return { count, ...rate, cpu: cpuSpent(before, cpuSnapshot(pidDir)) };
}

/** Lives over the rounds' summed wall time, CPU over the rounds' summed CPU; each round is kept for its spread. */
function combineRounds(rounds: readonly TimedRound[]): Omit<RateDetail, 'count' | 'concurrency'> {
  const count = rounds.reduce((sum, r) => sum + r.count, 0);
  const elapsedMs = rounds.reduce((sum, r) => sum + r.elapsedMs, 0);
  const cpu = rounds.every((r) => r.cpu) ? rounds.reduce<CpuSnapshot>((sum, r) => addCpu(sum, r.cpu!), { benchProcess: 0, temporal: 0, postgres: 0 }) : undefined;
  const cpuMsPerLife = cpuMsPer({ benchProcess: 0, temporal: 0, postgres: 0 }, cpu, count);
  return {
    elapsedMs,
    perSec: count / (elapsedMs / 1000),
    ...(cpuMsPerLife ? { cpuMsPerLife } : {}),
    rounds: rounds.map((r) => ({ count: r.count, elapsedMs: Math.round(r.elapsedMs), perSec: Math.round(r.perSec * 10) / 10 })),
  };
}
