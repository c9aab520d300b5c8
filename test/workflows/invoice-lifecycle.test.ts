/**
 * Whole invoice lives under the time-skipping test server, with the real workflow and real activities:
 * PostgreSQL outbox, a real SMTP server, the Twilio stand-in. Months pass in seconds.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { asc, eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundle } from '@temporalio/worker';
import { debtors, escalations, invoices, messages } from '../../db/schema.js';
import type { InvoiceFacts } from '../../dunning/invoice-state.js';
import { registerSearchAttributes } from '../../embedded/search-attribute-registration.js';
import { invoiceWorkflow } from '../../workflows/invoice/invoice-workflow.js';
import {
  cancelUpdate,
  ceaseCommunicationSignal,
  changeDueDateUpdate,
  invoiceWorkflowId,
  openDisputeUpdate,
  promiseToPayUpdate,
  recordPaymentUpdate,
  resolveDisputeUpdate,
  stateQuery,
  timelineQuery,
  writeOffUpdate,
  type TimelineEntry,
} from '../../workflows/invoice/messages.js';
import { lifecyclePolicy } from '../fixtures/compiled-policies.js';
import { startTestChannels, type TestChannels } from '../harness/channels.js';
import { createTestDatabase } from '../harness/database.js';
import { bundleInvoiceWorkflows, createTestInvoiceWorker } from '../harness/invoice-worker.js';
import { createTimeSkippingEnv, uniqueName } from '../harness/temporal.js';

const zone = 'America/New_York';

/**
 * `RECORD_HISTORIES=1 npx vitest run test/workflows/invoice-lifecycle.test.ts` writes the histories of the
 * marked lives to test/histories/, where the replay test replays them against every later workflow change.
 * Record only for a deliberate change of the commands a life issues, under a new prefix, and keep the
 * earlier files: runs recorded with them may still be in flight. The prefixes so far: none (first release),
 * `lean-` (patch lean-history), `lean-send-mirror-` (patch send-mirror: the send activity writes the mirror of a
 * sent message), `single-marker-` (patch single-version-marker: one marker stands for the two before it).
 */
async function recordHistory(name: string, handle: { fetchHistory(): Promise<Parameters<typeof historyToJSON>[0]> }): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  writeFileSync(fileURLToPath(new URL(`../histories/single-marker-${name}.json`, import.meta.url)), historyToJSON(await handle.fetchHistory()));
}

/** The second Sunday of March (US DST start) of the first year whose March is at least 60 days after `now`. */
function nextUsDstStart(now: DateTime): DateTime {
  for (let year = now.year; ; year++) {
    const march = DateTime.fromObject({ year, month: 3, day: 1 }, { zone });
    const firstSunday = march.plus({ days: (7 - march.weekday) % 7 });
    const dst = firstSunday.plus({ weeks: 1 });
    if (dst.diff(now, 'days').days > 60) return dst;
  }
}

/** The debtor as the API would have registered it: texts need prior express consent on file (TCPA). */
async function registerDebtor(db: Awaited<ReturnType<typeof createTestDatabase>>['db'], facts: InvoiceFacts): Promise<void> {
  await db
    .insert(debtors)
    .values({ id: facts.debtor.id, name: facts.debtor.name, timeZone: facts.debtor.timeZone, segment: facts.debtor.segment ?? 'smb', complianceContext: { tcpaConsent: { at: '2025-06-01T12:00:00Z' } } })
    .onConflictDoNothing();
}

function invoiceFacts(id: string, dueDate: DateTime, overrides: Partial<InvoiceFacts['debtor']> = {}): InvoiceFacts {
  return {
    invoiceId: id,
    number: id,
    currency: 'USD',
    amountMinor: 250_000,
    issueDate: dueDate.minus({ days: 30 }).toISODate()!,
    dueDate: dueDate.toISODate()!,
    debtor: { id: `debtor-${id}`, name: 'Globex LLC', email: `ap-${id}@globex.example`, phone: '+14155550199', locale: 'en-US', timeZone: zone, segment: 'smb', ...overrides },
  };
}

describe('invoice workflow lives (time skipping)', () => {
  let env: TestWorkflowEnvironment;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let channels: TestChannels;
  let workflowBundle: WorkflowBundle;
  const taskQueue = uniqueName('invoices');
  /** A fresh worker on `queue` (a Worker runs once; a failed test's worker must not hold a later test's queue). */
  const workerOn = (queue: string) => ({
    runUntil: async <R>(fn: () => Promise<R>): Promise<R> =>
      (await createTestInvoiceWorker({ env, workflowBundle, taskQueue: queue, database, channels })).runUntil(fn),
  });
  const worker = workerOn(taskQueue);

  beforeAll(async () => {
    [env, database, channels] = await Promise.all([createTimeSkippingEnv(), createTestDatabase(), startTestChannels()]);
    await registerSearchAttributes(env.connection, env.namespace ?? 'default');
    workflowBundle = await bundleInvoiceWorkflows();
  });
  // A test that fails mid-life leaves its workflow with pending tasks and no worker; the time-skipping server
  // would then never skip again. Terminate whatever a test left running.
  const started: Array<{ terminate(reason: string): Promise<unknown>; describe(): Promise<{ status: { name: string } }> }> = [];
  afterEach(async () => {
    for (const handle of started.splice(0)) {
      if ((await handle.describe()).status.name === 'RUNNING') await handle.terminate('test finished');
    }
  });
  afterAll(async () => {
    await Promise.all([env?.teardown(), database?.close(), channels?.close()]);
  });

  it('runs a 90-day sequence across a DST change: each message once, at 09:00 local, then stops on payment', async () => {
    const now = DateTime.fromMillis(await env.currentTimeMs(), { zone });
    const dst = nextUsDstStart(now);
    const due = dst.plus({ days: 4 }); // the Thursday after clocks go forward
    const id = uniqueName('INV');
    const policy = lifecyclePolicy();
    const facts = invoiceFacts(id, due);
    await registerDebtor(database.db, facts);
    const handle = await env.client.workflow.start(invoiceWorkflow, {
      taskQueue,
      workflowId: invoiceWorkflowId(id),
      args: [{ invoice: facts, policy: { compiled: policy, source: 'test' } }],
    });

    let timeline: TimelineEntry[] = [];
    await worker.runUntil(async () => {
      await env.sleep(due.plus({ days: 25 }).diff(now).toMillis());
      const sent = await database.db.select().from(messages).where(eq(messages.invoiceExternalId, id)).orderBy(asc(messages.createdAt));
      expect(sent.map((m) => [m.stepId, m.channel, DateTime.fromJSDate(m.createdAt, { zone }).toFormat('ccc yyyy-MM-dd HH:mm')])).toEqual([
        ['reminder', 'email', due.minus({ days: 10 }).set({ hour: 9 }).toFormat('ccc yyyy-MM-dd HH:mm')],
        ['due-today', 'email', due.set({ hour: 9 }).toFormat('ccc yyyy-MM-dd HH:mm')],
        ['overdue-sms', 'sms', due.plus({ days: 7 }).set({ hour: 9 }).toFormat('ccc yyyy-MM-dd HH:mm')], // 5 business days
      ]);
      // 09:00 local is 14:00Z before the change and 13:00Z after it.
      expect(sent.map((m) => m.createdAt.toISOString().slice(11, 16))).toEqual(['14:00', '13:00', '13:00']);
      expect(channels.mail.messages().filter((m) => m.subject.endsWith(id)).map((m) => m.subject)).toEqual([`[reminder] Invoice ${id}`, `[due-today] Invoice ${id}`]);
      expect(channels.twilio.messages().filter((m) => m.body.includes(id))).toHaveLength(1);

      const tasks = await database.db.select().from(escalations).where(eq(escalations.invoiceExternalId, id)).orderBy(asc(escalations.createdAt));
      // The final escalation at due+20 went unanswered: its 2-day SLA breached twice by due+25.
      expect(tasks.map((t) => [t.kind, t.stepId, t.tier, t.status])).toEqual([
        ['call_task', 'call', 1, 'open'],
        ['escalation', 'final', 1, 'superseded'],
        ['escalation', 'final', 2, 'superseded'],
        ['escalation', 'final', 3, 'open'],
      ]);

      const summary = await handle.executeUpdate(recordPaymentUpdate, { args: [{ reference: 'PAY-1', amountMinor: 250_000 }] });
      expect(summary.status).toBe('paid');
      const result = await handle.result();
      expect(result).toMatchObject({ status: 'paid', balanceMinor: 0, nextAction: null });
      timeline = await handle.query(timelineQuery);
      await recordHistory('invoice-paid-lifecycle', handle);
      expect((await handle.query(stateQuery)).status).toBe('paid');
    });

    expect(timeline.filter((e) => e.kind === 'sent').map((e) => e.stepId)).toEqual(['reminder', 'due-today', 'overdue-sms']);
    expect(timeline.filter((e) => e.kind === 'escalated').map((e) => e.rule)).toEqual(['policy.steps.final', 'escalation.sla', 'escalation.sla']);
    expect(timeline.at(-1)).toMatchObject({ kind: 'event', rule: 'closed.paid' });
    const closedTasks = await database.db.select().from(escalations).where(eq(escalations.invoiceExternalId, id));
    expect(closedTasks.every((t) => t.status === 'superseded')).toBe(true);
    expect(channels.twilio.violations()).toEqual([]);
  });

  /**
   * Starts an invoice due on the first Thursday at least `dueInDays` days after the server's now, so the
   * lifecycle policy's steps land on weekdays: due-10 is a Monday, due+5bd the next Thursday.
   */
  async function startInvoice(dueInDays: number, policy = lifecyclePolicy()) {
    const now = DateTime.fromMillis(await env.currentTimeMs(), { zone });
    const earliest = now.plus({ days: dueInDays }).startOf('day');
    const due = earliest.plus({ days: (4 - earliest.weekday + 7) % 7 });
    const id = uniqueName('INV');
    const queue = uniqueName('invoice');
    const facts = invoiceFacts(id, due);
    await registerDebtor(database.db, facts);
    const handle = await env.client.workflow.start(invoiceWorkflow, {
      taskQueue: queue,
      workflowId: invoiceWorkflowId(id),
      args: [{ invoice: facts, policy: { compiled: policy, source: 'test' } }],
    });
    /** Advances the server clock to `days` after the due date (local midnight) plus `hours`. */
    const sleepUntilDuePlus = async (days: number, hours = 0): Promise<void> => {
      const target = due.plus({ days, hours }).toMillis();
      const current = await env.currentTimeMs();
      if (target > current) await env.sleep(target - current);
    };
    const sentSteps = async (): Promise<string[]> =>
      (await database.db.select().from(messages).where(eq(messages.invoiceExternalId, id)).orderBy(asc(messages.createdAt))).map((m) => `${m.stepId}:${m.channel}`);
    started.push(handle);
    return { id, due, handle, sleepUntilDuePlus, sentSteps, worker: workerOn(queue) };
  }

  it('stops sending once the invoice is paid between steps', async () => {
    const { handle, sleepUntilDuePlus, sentSteps, worker } = await startInvoice(20);
    await worker.runUntil(async () => {
      await sleepUntilDuePlus(-9);
      expect(await sentSteps()).toEqual(['reminder:email']);
      await handle.executeUpdate(recordPaymentUpdate, { args: [{ reference: 'WIRE-77', amountMinor: 250_000 }] });
      expect(await handle.result()).toMatchObject({ status: 'paid' });
      // The same payment again is idempotent: accepted while open; after close the workflow is done.
      expect(await sentSteps()).toEqual(['reminder:email']);
    });
  });

  it('continues after a partial payment, with the reduced balance in later messages', async () => {
    const { id, handle, sleepUntilDuePlus, sentSteps, worker } = await startInvoice(20);
    await worker.runUntil(async () => {
      await sleepUntilDuePlus(-9);
      const partial = await handle.executeUpdate(recordPaymentUpdate, { args: [{ reference: 'ACH-1', amountMinor: 100_000 }] });
      expect(partial).toMatchObject({ status: 'open', balanceMinor: 150_000 });
      // Idempotent by reference: the same payment twice changes nothing.
      expect(await handle.executeUpdate(recordPaymentUpdate, { args: [{ reference: 'ACH-1', amountMinor: 100_000 }] })).toMatchObject({ balanceMinor: 150_000 });
      await expect(handle.executeUpdate(recordPaymentUpdate, { args: [{ reference: 'ACH-1', amountMinor: 5 }] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/already applied with amountMinor 100000/) } });
      await sleepUntilDuePlus(1);
      expect(await sentSteps()).toEqual(['reminder:email', 'due-today:email']);
      const dueToday = await channels.mail.waitFor((m) => m.subject === `[due-today] Invoice ${id}`);
      expect(dueToday.text).toContain('balance 150000 USD');
      await handle.executeUpdate(recordPaymentUpdate, { args: [{ reference: 'ACH-2', amountMinor: 150_000 }] });
      expect(await handle.result()).toMatchObject({ status: 'paid', balanceMinor: 0 });
    });
  });

  it('pauses while a dispute is open and resumes when it is resolved', async () => {
    const { handle, sleepUntilDuePlus, sentSteps, worker } = await startInvoice(20);
    await worker.runUntil(async () => {
      await sleepUntilDuePlus(-9);
      await handle.executeUpdate(openDisputeUpdate, { args: [{ disputeId: 'DSP-1', reason: 'goods damaged' }] });
      await sleepUntilDuePlus(9);
      expect(await sentSteps()).toEqual(['reminder:email']);
      expect((await handle.query(stateQuery)).nextAction).toMatchObject({ kind: 'none', reason: expect.stringContaining('dispute DSP-1 open') });
      await handle.executeUpdate(resolveDisputeUpdate, { args: [{ disputeId: 'DSP-1', outcome: 'rejected' }] });
      // The 18 frozen days move due-anchored steps later, so no step time is lost to the dispute.
      await sleepUntilDuePlus(9 + 19);
      expect(await sentSteps()).toEqual(['reminder:email', 'due-today:email', 'overdue-sms:sms']);
      await handle.executeUpdate(writeOffUpdate, { args: [{ reason: 'uneconomic to pursue', actor: 'ops@acme' }] });
      expect(await handle.result()).toMatchObject({ status: 'written-off' });
      const timeline = await handle.query(timelineQuery);
      expect(timeline.filter((e) => e.kind === 'event').map((e) => e.rule)).toEqual(
        expect.arrayContaining(['dispute-opened', 'dispute-resolved', 'written-off', 'closed.written-off']),
      );
      await recordHistory('invoice-dispute-pause-resume', handle);
    });
  });

  it('honours a promise to pay that is kept, and closes when paid', async () => {
    const { due, handle, sleepUntilDuePlus, sentSteps, worker } = await startInvoice(20);
    await worker.runUntil(async () => {
      await sleepUntilDuePlus(0, 12);
      expect(await sentSteps()).toEqual(['reminder:email', 'due-today:email']);
      const promised = await handle.executeUpdate(promiseToPayUpdate, { args: [{ promiseId: 'P-1', payBy: due.plus({ days: 10 }).toISODate()! }] });
      expect(promised.promise).toMatchObject({ promiseId: 'P-1', status: 'active' });
      // Beyond the policy horizon (maxDays 30) is refused before anything is written to history.
      await expect(handle.executeUpdate(promiseToPayUpdate, { args: [{ promiseId: 'P-2', payBy: due.plus({ days: 60 }).toISODate()! }] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/more than 30 days away/) } });
      await sleepUntilDuePlus(8);
      expect(await sentSteps()).toEqual(['reminder:email', 'due-today:email']); // overdue-sms waits on the promise
      const paid = await handle.executeUpdate(recordPaymentUpdate, { args: [{ reference: 'CHK-9', amountMinor: 250_000 }] });
      expect(paid.status).toBe('paid');
      const result = await handle.result();
      expect(result.status).toBe('paid');
    });
  });

  it('follows the broken-promise path: the call step, then escalation', async () => {
    const { due, handle, sleepUntilDuePlus, sentSteps, worker } = await startInvoice(20);
    await worker.runUntil(async () => {
      await sleepUntilDuePlus(0, 12);
      await handle.executeUpdate(promiseToPayUpdate, { args: [{ promiseId: 'P-9', payBy: due.plus({ days: 3 }).toISODate()! }] });
      await sleepUntilDuePlus(12);
      const timeline = await handle.query(timelineQuery);
      expect(timeline.find((e) => e.rule === 'policy.onPromiseToPay.whenBroken')?.reason).toMatch(/promise P-9 broken.*continuing at step call/);
      expect(timeline.filter((e) => e.kind === 'task').map((e) => e.stepId)).toContain('call');
      expect(await sentSteps()).toEqual(['reminder:email', 'due-today:email']);
      await sleepUntilDuePlus(21);
      expect((await handle.query(timelineQuery)).filter((e) => e.kind === 'escalated').map((e) => e.stepId)).toEqual(['final']);
      await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'sent to agency manually' }] });
      await handle.result();
      await recordHistory('invoice-broken-promise-escalation', handle);
    });
  });

  it('reschedules when the due date changes', async () => {
    const { due, handle, sleepUntilDuePlus, sentSteps, worker } = await startInvoice(20);
    await worker.runUntil(async () => {
      await sleepUntilDuePlus(-15);
      await handle.executeUpdate(changeDueDateUpdate, { args: [{ dueDate: due.plus({ days: 14 }).toISODate()!, reason: 'extended terms' }] });
      await sleepUntilDuePlus(-5);
      expect(await sentSteps()).toEqual([]); // the reminder moved from due-10 to due+4
      await sleepUntilDuePlus(6);
      expect(await sentSteps()).toEqual(['reminder:email']);
      await handle.executeUpdate(recordPaymentUpdate, { args: [{ reference: 'P', amountMinor: 250_000 }] });
      await handle.result();
    });
  });

  it('stops all contact after a cease-communication request, recording each denied step', async () => {
    const { handle, sleepUntilDuePlus, sentSteps, worker } = await startInvoice(20);
    await worker.runUntil(async () => {
      await sleepUntilDuePlus(-9);
      await handle.signal(ceaseCommunicationSignal, { source: 'letter received 2026-02-20' });
      await sleepUntilDuePlus(25);
      expect(await sentSteps()).toEqual(['reminder:email']);
      const timeline = await handle.query(timelineQuery);
      expect(timeline.filter((e) => e.kind === 'denied').map((e) => `${e.stepId}:${e.rule}`)).toEqual([
        'due-today:contact.cease',
        'overdue-sms:contact.cease',
        'call:contact.cease',
      ]);
      // Escalation to our own people is not contact with the debtor.
      expect(timeline.filter((e) => e.kind === 'escalated').map((e) => e.stepId)).toContain('final');
      await handle.executeUpdate(writeOffUpdate, { args: [{ reason: 'cease request; below litigation threshold' }] });
      await handle.result();
    });
  });

  it('defers a consumer message that would be inconvenient in a candidate zone (Reg F), then sends it when allowed', async () => {
    const now = DateTime.fromMillis(await env.currentTimeMs(), { zone });
    const earliest = now.plus({ days: 20 }).startOf('day');
    const due = earliest.plus({ days: (1 - earliest.weekday + 7) % 7 }); // a Monday
    const id = uniqueName('INV');
    const queue = uniqueName('invoice');
    const facts = invoiceFacts(id, due, { email: 'ana@home.example' });
    // A consumer whose area code says New York but whose address says Honolulu: both zones must be convenient.
    await database.db.insert(debtors).values({
      id: facts.debtor.id, name: 'Ana Kealoha', timeZone: zone, segment: 'consumer', candidateTimeZones: ['Pacific/Honolulu'],
      complianceContext: { emailBasis: { type: '1006.6(d)(4)(i)(A)' }, emails: { 'ana@home.example': { employerProvided: false, basis: '1006.6(d)(4)(i)(A)' } } },
    });
    const policy = lifecyclePolicy({
      id: 'test-consumer', contentHash: 'sha256:test-consumer-v1',
      compliance: { profile: 'consumer-regF', maxSmsSegments: 2 },
      steps: [{ id: 'notice', at: { anchor: 'due', offset: { amount: 0, unit: 'd' } }, action: 'email', template: 'notice', tone: 'neutral', requiresApproval: false, when: { noActivePromise: true, notDisputed: true }, final: false }],
    });
    const handle = await env.client.workflow.start(invoiceWorkflow, { taskQueue: queue, workflowId: invoiceWorkflowId(id), args: [{ invoice: facts, policy: { compiled: policy, source: 'test' } }] });
    started.push(handle);
    await workerOn(queue).runUntil(async () => {
      // 09:30 in New York: deferred, not yet sent. The mirror (what lists and worklists read) says when it will go.
      await env.sleep(due.set({ hour: 9, minute: 30 }).toMillis() - (await env.currentTimeMs()));
      const deferredTo = (await handle.query(timelineQuery)).find((e) => e.kind === 'deferred')?.compliance?.until;
      expect(deferredTo).toBeDefined();
      const [mirror] = await database.db.select().from(invoices).where(eq(invoices.externalId, id));
      expect(mirror?.nextActionAt?.toISOString()).toBe(new Date(deferredTo!).toISOString());
      await env.sleep(due.plus({ days: 1 }).toMillis() - (await env.currentTimeMs()));
      const timeline = await handle.query(timelineQuery);
      const deferred = timeline.find((e) => e.kind === 'deferred');
      expect(deferred?.compliance).toMatchObject({ decision: 'defer', basis: 'law', rules: expect.arrayContaining(['12 CFR 1006.6(b)(1)(i)']) });
      // 09:00 in New York is 03:00 or 04:00 in Honolulu (which keeps no DST): before 08:00 there.
      expect(deferred?.reason).toMatch(/0[34]:00 Pacific\/Honolulu .* before 08:00/);
      const sent = timeline.find((e) => e.kind === 'sent');
      expect(sent?.compliance?.decision).toBe('allow');
      const [row] = await database.db.select().from(messages).where(eq(messages.invoiceExternalId, id));
      // 08:00 in Honolulu (13:00 or 14:00 in New York): the first instant both zones allow.
      expect(DateTime.fromJSDate(row!.createdAt, { zone: 'Pacific/Honolulu' }).toFormat('HH:mm')).toBe('08:00');
      const sentAfterMs = row!.createdAt.getTime() - Date.parse(deferred?.compliance?.until ?? '');
      expect(sentAfterMs).toBeGreaterThanOrEqual(0);
      expect(sentAfterMs).toBeLessThan(60_000); // at the deferral's end, not at some later window
      await handle.executeUpdate(recordPaymentUpdate, { args: [{ reference: 'P', amountMinor: 250_000 }] });
      await handle.result();
    });
  });
});
