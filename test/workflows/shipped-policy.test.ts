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
import { invoiceWorkflowId, recordPaymentUpdate, stateQuery, taskResolvedSignal, timelineQuery } from '../../workflows/invoice/messages.js';
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
});
