/**
 * The first attempt of a send runs inside the workflow task (a local activity); when it fails, the send goes to
 * the durable `sendMessage` activity. Transient failures are retried there and delivered once; permanent ones
 * are recorded in the timeline, and the invoice goes on (a failed local attempt must never fail the workflow).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { ApplicationFailure } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundle } from '@temporalio/worker';
import type { MessageRenderer } from '../../activities/ports.js';
import { debtors } from '../../db/schema.js';
import { registerSearchAttributes } from '../../embedded/search-attribute-registration.js';
import { invoiceWorkflow } from '../../workflows/invoice/invoice-workflow.js';
import { invoiceWorkflowId, recordPaymentUpdate, timelineQuery } from '../../workflows/invoice/messages.js';
import { lifecyclePolicy } from '../fixtures/compiled-policies.js';
import { startTestChannels, type TestChannels } from '../harness/channels.js';
import { createTestDatabase } from '../harness/database.js';
import { bundleInvoiceWorkflows, createTestInvoiceWorker, plainRenderer } from '../harness/invoice-worker.js';
import { createTimeSkippingEnv, uniqueName } from '../harness/temporal.js';

type HistoryEvent = { eventType: string; activityTaskScheduledEventAttributes?: { activityType?: { name?: string } }; markerRecordedEventAttributes?: { failure?: { message?: string } } };

describe('a send whose first attempt fails', () => {
  let env: TestWorkflowEnvironment;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let channels: TestChannels;
  let bundle: WorkflowBundle;
  const zone = 'America/New_York';

  beforeAll(async () => {
    [env, database, channels, bundle] = await Promise.all([createTimeSkippingEnv(), createTestDatabase(), startTestChannels({ deliveryOutcome: () => 'delivered' }), bundleInvoiceWorkflows()]);
    await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  });
  afterAll(async () => {
    await Promise.all([env?.teardown(), database?.close(), channels?.close()]);
  });

  /** One invoice whose only step is a message due now (a weekday at noon in New York), paid once it ran. */
  async function live(channel: 'email' | 'sms', render: MessageRenderer = plainRenderer) {
    const now = DateTime.fromMillis(await env.currentTimeMs(), { zone });
    const id = uniqueName(`HO-${channel}`);
    const debtorId = `debtor-${id}`;
    await database.db.insert(debtors).values({ id: debtorId, name: 'Initech', timeZone: zone, segment: 'smb', complianceContext: { tcpaConsent: { at: '2025-01-15T16:00:00Z' } } });
    const base = lifecyclePolicy();
    const policy = lifecyclePolicy({ steps: [{ ...base.steps.find((s) => s.action === channel)!, at: { anchor: 'due', offset: { amount: 0, unit: 'd' } }, fallback: undefined, final: true }] });
    const due = now.plus({ days: 3 }).startOf('day');
    const taskQueue = uniqueName('handover');
    const handle = await env.client.workflow.start(invoiceWorkflow, {
      taskQueue,
      workflowId: invoiceWorkflowId(id),
      args: [{
        invoice: { invoiceId: id, number: id, currency: 'USD', amountMinor: 50_000, issueDate: due.minus({ days: 30 }).toISODate()!, dueDate: due.toISODate()!, debtor: { id: debtorId, name: 'Initech', email: 'ap@initech.example', phone: '+14155550199', locale: 'en-US', timeZone: zone, segment: 'smb' } },
        policy: { compiled: policy, source: 'test' },
      }],
    });
    const worker = await createTestInvoiceWorker({ env, workflowBundle: bundle, taskQueue, database, channels, render });
    const timeline = await worker.runUntil(async () => {
      await env.sleep(due.plus({ days: 8 }).toMillis() - (await env.currentTimeMs()));
      await handle.executeUpdate(recordPaymentUpdate, { args: [{ reference: `PAY-${id}`, amountMinor: 50_000 }] });
      expect((await handle.result()).status).toBe('paid');
      return handle.query(timelineQuery);
    });
    const events = (JSON.parse(historyToJSON(await handle.fetchHistory())) as { events: HistoryEvent[] }).events;
    return { id, timeline, events };
  }

  const durableSends = (events: HistoryEvent[]) => events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendMessage').length;
  const failedLocalAttempts = (events: HistoryEvent[]) => events.filter((e) => e.markerRecordedEventAttributes?.failure).length;

  it('hands a transient failure to the durable activity, which retries and delivers once', async () => {
    // The local attempt and the durable activity's first attempt meet Twilio's 500s; its second gets through.
    channels.twilio.failNext(2, 500);
    const { id, timeline, events } = await live('sms');
    expect(failedLocalAttempts(events)).toBe(1);
    expect(durableSends(events)).toBe(1);
    expect(channels.twilio.messages().filter((m) => m.body.includes(`Invoice ${id}:`))).toHaveLength(1);
    expect(timeline.filter((e) => e.kind === 'sent')).toHaveLength(1);
  });

  it('sends without a durable activity when the first attempt succeeds', async () => {
    const { id, timeline, events } = await live('email');
    expect(failedLocalAttempts(events)).toBe(0);
    expect(durableSends(events)).toBe(0);
    expect(channels.mail.messages().filter((m) => m.text.includes(`Invoice ${id}:`))).toHaveLength(1);
    expect(timeline.filter((e) => e.kind === 'sent')).toHaveLength(1);
  });

  it('records a permanent failure in the timeline and goes on, instead of failing the invoice', async () => {
    const broken: MessageRenderer = async () => {
      throw ApplicationFailure.nonRetryable('template due-today.hbs: unknown helper "money"', 'TemplateError');
    };
    const { timeline, events } = await live('email', broken);
    expect(failedLocalAttempts(events)).toBe(1);
    expect(durableSends(events)).toBe(1); // which fails for good, once
    expect(timeline.find((e) => e.kind === 'failed')).toMatchObject({ rule: 'activity.sendMessage', detail: { errorType: 'TemplateError' } });
  });
});
