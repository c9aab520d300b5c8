/**
 * A shipped policy (b2b-net30-standard v3) end to end: pinned from the catalog, rendered by the production
 * renderer from the real Handlebars templates in the debtor's language, with the approval gate before the
 * final notice. Time skipping; real PostgreSQL, SMTP and Twilio stand-in.
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundle } from '@temporalio/worker';
import { catalogRenderer } from '../../activities/catalog-renderer.js';
import { debtors, messages } from '../../db/schema.js';
import { PolicyCatalog } from '../../dunning/catalog/policy-catalog.js';
import { projectRoot } from '../../embedded/project-root.js';
import { registerSearchAttributes } from '../../embedded/search-attribute-registration.js';
import { invoiceWorkflow } from '../../workflows/invoice/invoice-workflow.js';
import { invoiceWorkflowId, migratePolicyUpdate, recordPaymentUpdate, smsDeliverySignal, stateQuery, taskResolvedSignal, timelineQuery } from '../../workflows/invoice/messages.js';
import { startTestChannels, type TestChannels } from '../harness/channels.js';
import { createTestDatabase } from '../harness/database.js';
import { bundleInvoiceWorkflows, createTestInvoiceWorker } from '../harness/invoice-worker.js';
import { createTimeSkippingEnv, uniqueName } from '../harness/temporal.js';

const policiesRoot = path.join(projectRoot, 'policies');
const templatesRoot = path.join(projectRoot, 'templates');
const catalog = new PolicyCatalog({ policiesRoot, templatesRoot });

describe('b2b-net30-standard v3, rendered from the shipped templates', () => {
  let env: TestWorkflowEnvironment;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let channels: TestChannels;
  let workflowBundle: WorkflowBundle;
  const handles: Array<{ terminate(reason: string): Promise<unknown>; describe(): Promise<{ status: { name: string } }> }> = [];

  beforeAll(async () => {
    [env, database, channels, workflowBundle] = await Promise.all([createTimeSkippingEnv(), createTestDatabase(), startTestChannels(), bundleInvoiceWorkflows()]);
    await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  });
  afterEach(async () => {
    for (const h of handles.splice(0)) if ((await h.describe()).status.name === 'RUNNING') await h.terminate('test finished');
  });
  afterAll(async () => {
    await Promise.all([env?.teardown(), database?.close(), channels?.close()]);
  });

  it('speaks Spanish to a Spanish-speaking debtor, texts with consent, and waits for approval before the final notice', async () => {
    const policy = catalog.resolve('b2b-net30-standard@3');
    const zone = 'America/Mexico_City';
    const now = DateTime.fromMillis(await env.currentTimeMs(), { zone });
    const earliest = now.plus({ days: 20 }).startOf('day');
    const due = earliest.plus({ days: (3 - earliest.weekday + 7) % 7 }); // a Wednesday
    const id = uniqueName('F');
    const debtorId = `debtor-${id}`;
    await database.db.insert(debtors).values({ id: debtorId, name: 'Ferretería Hidalgo', timeZone: zone, segment: 'smb', complianceContext: { tcpaConsent: { at: '2025-01-15T16:00:00Z' } } });
    const queue = uniqueName('shipped');
    const handle = await env.client.workflow.start(invoiceWorkflow, {
      taskQueue: queue,
      workflowId: invoiceWorkflowId(id),
      args: [{
        invoice: {
          invoiceId: id, number: id, currency: 'USD', amountMinor: 1_845_000, issueDate: due.minus({ days: 30 }).toISODate()!, dueDate: due.toISODate()!,
          paymentUrl: `https://pay.example/${id}`,
          debtor: { id: debtorId, name: 'Ferretería Hidalgo', contactName: 'Lucía', email: 'cxp@hidalgo.example', phone: '+525512345678', locale: 'es-MX', timeZone: zone, segment: 'smb' },
        },
        policy: { compiled: policy, source: readFileSync(path.join(policiesRoot, 'b2b-net30-standard', 'v3.yaml'), 'utf8') },
      }],
    });
    handles.push(handle);
    const worker = await createTestInvoiceWorker({ env, workflowBundle, taskQueue: queue, database, channels, render: catalogRenderer(catalog, templatesRoot) });
    await worker.runUntil(async () => {
      await env.sleep(due.plus({ days: 31 }).toMillis() - (await env.currentTimeMs()));
      const sent = await database.db.select().from(messages).where(eq(messages.invoiceExternalId, id)).orderBy(asc(messages.createdAt));
      expect(sent.map((m) => `${m.stepId}:${m.channel}`)).toEqual(['heads-up:email', 'due-today:email', 'overdue-7:sms']);
      expect(sent[1]?.subject).toBe(`La factura ${id} vence hoy`);
      expect(sent[1]?.bodyText).toContain('Hola, Lucía:');
      expect(sent[1]?.bodyText).toMatch(/US\$\s?18,450\.00|18,450\.00\s?US\$|USD\s?18,450\.00/);
      const sms = channels.twilio.messages().find((m) => m.body.includes(id));
      expect(sms?.to).toBe('+525512345678');
      expect(Number(sms?.num_segments)).toBeLessThanOrEqual(policy.compliance.maxSmsSegments);
      // Every send landed inside 09:00–09:45 local (window opening plus jitter) on a business day.
      for (const m of sent) {
        const local = DateTime.fromJSDate(m.createdAt, { zone });
        expect(local.weekday).toBeLessThanOrEqual(5);
        expect(local.toFormat('HH:mm') >= '09:00' && local.toFormat('HH:mm') <= '09:45').toBe(true);
      }
      // The final notice needs approval: a task waits in the approvals queue and nothing is sent until then.
      const state = await handle.query(stateQuery);
      const approval = state.openTasks.find((t) => t.kind === 'approval' && t.stepId === 'final');
      expect(approval).toBeDefined();
      await handle.signal(taskResolvedSignal, { taskId: approval!.id, outcome: 'approved', actor: 'lead@acme' });
      // A weekend and possibly a US holiday (the policy's calendar) can lie between approval and the next window.
      await env.sleep(5 * 24 * 3600 * 1000);
      const after = await database.db.select().from(messages).where(eq(messages.invoiceExternalId, id));
      expect(after.map((m) => m.stepId)).toContain('final');
      const timeline = await handle.query(timelineQuery);
      expect(timeline.find((e) => e.kind === 'task' && e.stepId === 'final')?.reason).toMatch(/approval resolved: approved/);
      expect(timeline[0]).toMatchObject({ kind: 'policy', policy: { id: 'b2b-net30-standard', version: 3 }, detail: { contentHash: policy.contentHash } });
      await handle.executeUpdate(recordPaymentUpdate, { args: [{ reference: 'SPEI-1', amountMinor: 1_845_000 }] });
      await handle.result();
    });
  });

  /** Starts an invoice of a US debtor under `ref`, due on the first Wednesday at least 20 days away. */
  async function startUsInvoice(ref: string) {
    const policy = catalog.resolve(ref);
    const zone = 'America/Chicago';
    const now = DateTime.fromMillis(await env.currentTimeMs(), { zone });
    const earliest = now.plus({ days: 20 }).startOf('day');
    const due = earliest.plus({ days: (3 - earliest.weekday + 7) % 7 });
    const id = uniqueName('U');
    const debtorId = `debtor-${id}`;
    await database.db.insert(debtors).values({ id: debtorId, name: 'Vandelay Industries', timeZone: zone, segment: 'midmarket', complianceContext: { tcpaConsent: { at: '2025-01-15T16:00:00Z' } } });
    const queue = uniqueName('shipped');
    const handle = await env.client.workflow.start(invoiceWorkflow, {
      taskQueue: queue,
      workflowId: invoiceWorkflowId(id),
      args: [{
        invoice: {
          invoiceId: id, number: id, currency: 'USD', amountMinor: 420_000, issueDate: due.minus({ days: 30 }).toISODate()!, dueDate: due.toISODate()!,
          debtor: { id: debtorId, name: 'Vandelay Industries', email: 'ap@vandelay.example', phone: '+13125550147', locale: 'en-US', timeZone: zone, segment: 'midmarket' },
        },
        policy: { compiled: policy, source: ref },
      }],
    });
    handles.push(handle);
    const worker = await createTestInvoiceWorker({ env, workflowBundle, taskQueue: queue, database, channels, render: catalogRenderer(catalog, templatesRoot) });
    return { id, due, handle, worker };
  }

  it('migrates an in-flight invoice to a new policy version only when asked, with a dry run first', async () => {
    const { due, handle, worker } = await startUsInvoice('b2b-net30-standard@2');
    const v3 = catalog.resolve('b2b-net30-standard@3');
    await worker.runUntil(async () => {
      await env.sleep(due.minus({ days: 1 }).toMillis() - (await env.currentTimeMs()));
      const dryRun = await handle.executeUpdate(migratePolicyUpdate, { args: [{ policy: { compiled: v3, source: 'v3' }, dryRun: true }] });
      expect(dryRun).toMatchObject({ applied: false, from: { version: 2 }, to: { version: 3 } });
      expect((await handle.query(stateQuery)).policy.version).toBe(2); // a dry run changes nothing
      const applied = await handle.executeUpdate(migratePolicyUpdate, { args: [{ policy: { compiled: v3, source: 'v3' }, dryRun: false, actor: 'ops@acme' }] });
      expect(applied.applied).toBe(true);
      const state = await handle.query(stateQuery);
      expect(state.policy).toEqual({ id: 'b2b-net30-standard', version: 3, contentHash: v3.contentHash });
      expect((await handle.query(timelineQuery)).filter((e) => e.kind === 'policy').map((e) => e.reason)).toEqual([
        'dunning under b2b-net30-standard v2',
        'policy migrated from b2b-net30-standard v2 to b2b-net30-standard v3',
      ]);
      await expect(handle.executeUpdate(migratePolicyUpdate, { args: [{ policy: { compiled: v3, source: 'v3' }, dryRun: false }] })).rejects.toMatchObject({
        cause: { message: expect.stringMatching(/already runs b2b-net30-standard v3/) },
      });
      await handle.executeUpdate(recordPaymentUpdate, { args: [{ reference: 'ACH', amountMinor: 420_000 }] });
      await handle.result();
    });
  });

  it('falls back to email when the SMS provider reports the text undelivered', async () => {
    const { id, due, handle, worker } = await startUsInvoice('b2b-net30-standard@3');
    await worker.runUntil(async () => {
      // overdue-7 is 7 business days after due: 9 calendar days, more around a holiday.
      await env.sleep(due.plus({ days: 13 }).toMillis() - (await env.currentTimeMs()));
      const [sms] = await database.db.select().from(messages).where(eq(messages.invoiceExternalId, id)).then((rows) => rows.filter((m) => m.channel === 'sms'));
      expect(sms?.stepId).toBe('overdue-7');
      // What the API does with Twilio's status callback: the delivery report reaches the workflow.
      await handle.signal(smsDeliverySignal, { idempotencyKey: sms!.idempotencyKey, status: 'undelivered', errorCode: '30003' });
      await env.sleep(2 * 24 * 3600 * 1000);
      const rows = await database.db.select().from(messages).where(eq(messages.invoiceExternalId, id)).orderBy(asc(messages.createdAt));
      expect(rows.map((m) => `${m.stepId}:${m.channel}`)).toEqual(['heads-up:email', 'due-today:email', 'overdue-7:sms', 'overdue-7:email']);
      const timeline = await handle.query(timelineQuery);
      expect(timeline.find((e) => e.kind === 'failed' && e.channel === 'sms')?.reason).toBe('SMS undelivered (error 30003)');
      expect(timeline.find((e) => e.kind === 'sent' && e.stepId === 'overdue-7' && e.channel === 'email')?.reason).toMatch(/fallback channel/);
      await handle.executeUpdate(recordPaymentUpdate, { args: [{ reference: 'ACH', amountMinor: 420_000 }] });
      await handle.result();
    });
  });
});
