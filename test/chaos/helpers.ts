/**
 * Shared by the chaos tests: each scenario's rig (its own stack, a client, a real invoice worker in its own
 * process: test/fixtures/invoice-worker-process.ts, the one the SIGKILL test uses), and the "nothing lost,
 * nothing duplicated" accounting over what actually reached the SMTP server and the Twilio stand-in.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { inArray } from 'drizzle-orm';
import { Client, Connection } from '@temporalio/client';
import { messages } from '../../db/schema.js';
import type { CompiledPolicy } from '../../dunning/policy.js';
import { projectRoot } from '../../embedded/project-root.js';
import { invoiceWorkflow } from '../../workflows/invoice/invoice-workflow.js';
import { invoiceWorkflowId } from '../../workflows/invoice/messages.js';
import { invoiceInput } from '../harness/invoices.js';
import { startStack, type Stack } from '../harness/stack.js';

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts the worker fixture and resolves once it polls. Stopped with SIGTERM (it drains), SIGKILL after 15 s. */
export function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/invoice-worker-process.ts'], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const ready = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`worker not ready within 120 s:\n${output}`));
    }, 120_000);
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('worker ready')) {
        clearTimeout(ready);
        resolve({ child, output: () => output, stop });
      }
    });
    // The fixture registers no decisions sink; keep only the tail of its complaints for error messages.
    child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
    child.once('exit', (code) => {
      clearTimeout(ready);
      reject(new Error(`worker exited with ${code}:\n${output}`));
    });
  });
}

/** Messages that reached the providers, per invoice id ("Invoice <id>:" in every plainRenderer text). */
export function deliveries(stack: Stack, ids: readonly string[]): Map<string, { raw: number; distinct: number }> {
  const wanted = new Set(ids);
  const seen = new Map<string, { raw: number; keys: Set<string> }>();
  const add = (text: string, key: string): void => {
    const id = /Invoice (\S+):/.exec(text)?.[1];
    if (!id || !wanted.has(id)) return;
    const entry = seen.get(id) ?? { raw: 0, keys: new Set<string>() };
    entry.raw++;
    entry.keys.add(key);
    seen.set(id, entry);
  };
  // An email resent after a crash carries the same Message-ID (receivers collapse it); an SMS has no such id.
  for (const m of stack.mail.messages()) add(m.text, m.messageId);
  for (const m of stack.twilio.messages()) add(m.body, m.sid);
  return new Map(ids.map((id) => [id, { raw: seen.get(id)?.raw ?? 0, distinct: seen.get(id)?.keys.size ?? 0 }]));
}

/** Invoice ids whose delivery count is not exactly one (raw: every copy the provider accepted). */
export function notExactlyOnce(stack: Stack, ids: readonly string[]): Record<string, number> {
  return Object.fromEntries([...deliveries(stack, ids)].filter(([, d]) => d.raw !== 1).map(([id, d]) => [id, d.raw]));
}

/** Outbox rows per invoice and status: every invoice must end with exactly one `sent` row. */
export async function outbox(stack: Stack, ids: readonly string[]): Promise<Record<string, string[]>> {
  const rows = await stack.database.db.select().from(messages).where(inArray(messages.invoiceExternalId, [...ids]));
  const by: Record<string, string[]> = {};
  for (const r of rows) (by[r.invoiceExternalId] ??= []).push(r.status);
  return by;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Until every invoice's message reached the SMTP sink or Twilio stand-in at least once (bounded by timeoutMs). */
export async function waitDelivered(stack: Stack, ids: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ([...deliveries(stack, ids).values()].some((d) => d.raw === 0)) {
    if (Date.now() > deadline) throw new Error(`not delivered within ${timeoutMs} ms: ${JSON.stringify(Object.fromEntries(deliveries(stack, ids)))}`);
    await sleep(250);
  }
}

/** A chaos scenario's world: its own stack, a client, and the worker in its own process on `taskQueue`. */
export interface ChaosRig {
  stack: Stack;
  client: Client;
  worker: WorkerProcess;
  /** Starts an invoice due today in `zone` under `policy` (its debtor registered by the caller). */
  startInvoiceDueNow(id: string, zone: string, policy: CompiledPolicy): Promise<void>;
  /** Stops the worker (it drains), then the client and the stack. */
  close(): Promise<void>;
}

export async function startChaosRig(name: string, taskQueue: string): Promise<ChaosRig> {
  const stack = await startStack({ name });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: stack.namespace });
  const worker = await startWorkerProcess(stack.workerEnv(taskQueue));
  return {
    stack,
    client,
    worker,
    startInvoiceDueNow: async (id, zone, policy) =>
      void (await client.workflow.start(invoiceWorkflow, { taskQueue, workflowId: invoiceWorkflowId(id), args: [invoiceInput({ id, zone, dueInDays: 0, policy })] })),
    close: async () => {
      await worker.stop();
      await connection.close();
      await stack.close();
    },
  };
}
