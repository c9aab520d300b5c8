/**
 * `invoicesPerSec`, `bareWorkflowsPerSec` and their ratio, on one dev server in one run.
 *
 * An invoice life, end to end: start → its message step → the payment update → workflow completed. Even
 * invoices send an email (real SMTP), odd ones an SMS (Twilio stand-in). The step goes through the real
 * activity: PostgreSQL outbox row and contact ledger under the debtor's lock, compliance gate, render, send,
 * mark sent; the invoice mirror is written by a local activity whenever the state changes. The payment is
 * sent once the provider has accepted the message (so the step is never skipped by an early payment).
 * The bare life: start → completed, nothing else. Both run with the production worker factory and defaults, one
 * after the other (never together, so neither steals the other's CPU), after a warm-up that is not timed.
 */
import type { Client } from '@temporalio/client';
import type { NativeConnection, WorkflowBundle } from '@temporalio/worker';
import type { EmailSender, SmsSender } from '../activities/ports.js';
import { invoiceInput, registerDebtors, shortPolicy, zoneAtNoon } from '../test/harness/invoices.js';
import type { Stack } from '../test/harness/stack.js';
import { invoiceWorkflow } from '../workflows/invoice/invoice-workflow.js';
import { invoiceWorkflowId, recordPaymentUpdate } from '../workflows/invoice/messages.js';
import { invoiceIndex } from '../workflows/search-attributes.js';
import { cpuMsPer, cpuSnapshot } from './cpu.js';
import { startBenchWorker } from './invoice-worker.js';
import { runPool, withTimeout } from './stats.js';
import { bareWorkflow } from './workflows/bare.js';
import { Worker } from '@temporalio/worker';

export interface ThroughputOptions {
  stack: Stack;
  client: Client;
  connection: NativeConnection;
  invoiceBundle: WorkflowBundle;
  bareBundle: WorkflowBundle;
  invoices: number;
  bare: number;
  concurrency: number;
  tag: string;
}

export interface RateDetail {
  count: number;
  concurrency: number;
  elapsedMs: number;
  perSec: number;
  /** CPU milliseconds per life in this process, the Temporal server and PostgreSQL (Linux; absent elsewhere). */
  cpuMsPerLife?: ReturnType<typeof cpuMsPer>;
}

export interface ThroughputResult {
  invoicesPerSec: number;
  bareWorkflowsPerSec: number;
  throughputRatio: number;
  invoice: RateDetail;
  bareWorkflow: RateDetail;
}

/** Resolves a waiter when the provider (SMTP server or Twilio) has accepted the invoice's message. */
function watchedSenders(base: { email: EmailSender; sms: SmsSender }): { email: EmailSender; sms: SmsSender; accepted(id: string): Promise<void> } {
  const waiters = new Map<string, () => void>();
  const done = new Set<string>();
  const note = (text: string): void => {
    // plainRenderer writes "[template] Invoice <number>: …"; the number is the invoice id here.
    const id = /Invoice (\S+):/.exec(text)?.[1];
    if (!id) return;
    done.add(id);
    waiters.get(id)?.();
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
    accepted: (id) => (done.has(id) ? Promise.resolve() : new Promise<void>((resolve) => waiters.set(id, () => (waiters.delete(id), resolve())))),
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

  let invoiceRate: Omit<RateDetail, 'count' | 'concurrency'> | undefined;
  try {
    await invoiceWorker.runUntil(async () => {
      await runPool(warmInvoices, options.concurrency, (i) => life(ids[i]!));
      const before = cpuSnapshot(stack.pidDir);
      invoiceRate = { ...(await runPool(options.invoices, options.concurrency, (i) => life(ids[warmInvoices + i]!))), cpuMsPerLife: cpuMsPer(before, cpuSnapshot(stack.pidDir), options.invoices) };
    });
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

  const bareQueue = `${options.tag}-bare`;
  const bareWorker = await Worker.create({ connection: options.connection, namespace: stack.namespace, taskQueue: bareQueue, workflowBundle: options.bareBundle });
  const warmBare = Math.min(50, options.bare);
  let bareRate: Omit<RateDetail, 'count' | 'concurrency'> | undefined;
  await bareWorker.runUntil(async () => {
    const one = (i: number): Promise<void> => withTimeout(client.workflow.execute(bareWorkflow, { taskQueue: bareQueue, workflowId: `${options.tag}-bare-${i}` }), 60_000, `bare workflow ${i}`);
    await runPool(warmBare, options.concurrency, (i) => one(i));
    const before = cpuSnapshot(stack.pidDir);
    bareRate = { ...(await runPool(options.bare, options.concurrency, (i) => one(warmBare + i))), cpuMsPerLife: cpuMsPer(before, cpuSnapshot(stack.pidDir), options.bare) };
  });

  const invoice = { count: options.invoices, concurrency: options.concurrency, ...invoiceRate! };
  const bare = { count: options.bare, concurrency: options.concurrency, ...bareRate! };
  return {
    invoicesPerSec: invoice.perSec,
    bareWorkflowsPerSec: bare.perSec,
    throughputRatio: invoice.perSec / bare.perSec,
    invoice,
    bareWorkflow: bare,
  };
}
