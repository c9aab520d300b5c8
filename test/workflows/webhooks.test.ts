/**
 * Outbound webhooks from a real invoice life: written to the outbox with the invoice mirror, delivered by the
 * worker's dispatcher, signed with the subscription's secret, retried with backoff when the subscriber fails,
 * delivered once per subscription and event.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { DateTime } from 'luxon';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { webhookSubscriptions } from '../../db/api-schema.js';
import { eq } from 'drizzle-orm';
import { debtors, messages, webhookOutbox } from '../../db/schema.js';
import { WebhookDispatcher } from '../../worker/webhook-dispatcher.js';
import { registerSearchAttributes } from '../../embedded/search-attribute-registration.js';
import { invoiceWorkflow } from '../../workflows/invoice/invoice-workflow.js';
import { invoiceWorkflowId, recordPaymentUpdate } from '../../workflows/invoice/messages.js';
import { lifecyclePolicy } from '../fixtures/compiled-policies.js';
import { startTestChannels, type TestChannels } from '../harness/channels.js';
import { createTestDatabase } from '../harness/database.js';
import { bundleInvoiceWorkflows, createTestInvoiceWorker } from '../harness/invoice-worker.js';
import { createTimeSkippingEnv, uniqueName } from '../harness/temporal.js';

type HistoryEvent = {
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string } };
  markerRecordedEventAttributes?: { markerName?: string; details?: { data?: { payloads?: Array<{ data?: string }> } } };
};

/** The activity type a local activity's marker records (core keeps it in the marker's `data` payload). */
function localActivityType(event: HistoryEvent): string {
  const data = event.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data ?? '';
  return (JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { activity_type: string }).activity_type;
}

interface Received {
  delivery: string;
  type: string;
  body: { type: string; invoiceId: string; data: Record<string, unknown> };
  signatureValid: boolean;
}

describe('outbound webhooks', () => {
  let env: TestWorkflowEnvironment;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let channels: TestChannels;
  const receiver = Fastify();
  const received: Received[] = [];
  let failuresLeft = 1;
  const secret = 'whsec_test_secret';

  beforeAll(async () => {
    [env, database, channels] = await Promise.all([createTimeSkippingEnv(), createTestDatabase(), startTestChannels()]);
    await registerSearchAttributes(env.connection, env.namespace ?? 'default');
    receiver.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    receiver.post('/hooks', async (request, reply) => {
      if (failuresLeft > 0) {
        failuresLeft--;
        return reply.status(503).send('try later'); // the subscriber is briefly down
      }
      const raw = String(request.body);
      const [t, v1] = String(request.headers['dunmore-signature']).split(',').map((p) => p.split('=')[1] ?? '');
      const expected = createHmac('sha256', secret).update(`${t}.${raw}`).digest('hex');
      received.push({
        delivery: String(request.headers['dunmore-delivery']),
        type: String(request.headers['dunmore-event']),
        body: JSON.parse(raw) as Received['body'],
        signatureValid: expected.length === (v1 ?? '').length && timingSafeEqual(Buffer.from(expected), Buffer.from(v1 ?? '')),
      });
      return reply.status(204).send();
    });
    const url = await receiver.listen({ host: '127.0.0.1', port: 0 });
    await database.db.insert(webhookSubscriptions).values({ id: 'wh_0000000000000001', url: `${url}/hooks`, secret, events: ['message.sent', 'invoice.paid'], createdBy: 'test' });
  });
  afterAll(async () => {
    await receiver.close();
    await Promise.all([env?.teardown(), database?.close(), channels?.close()]);
  });

  it('signs each event, retries a subscriber that is down, and delivers each event once', async () => {
    const zone = 'America/New_York';
    const now = DateTime.fromMillis(await env.currentTimeMs(), { zone });
    const earliest = now.plus({ days: 20 }).startOf('day');
    const due = earliest.plus({ days: (4 - earliest.weekday + 7) % 7 });
    const id = uniqueName('W');
    await database.db.insert(debtors).values({ id: `debtor-${id}`, name: 'Soylent Corp', timeZone: zone, segment: 'smb' });
    const policy = lifecyclePolicy({ steps: lifecyclePolicy().steps.slice(0, 2) });
    const taskQueue = uniqueName('webhooks');
    const handle = await env.client.workflow.start(invoiceWorkflow, {
      taskQueue,
      workflowId: invoiceWorkflowId(id),
      args: [{
        invoice: { invoiceId: id, number: id, currency: 'USD', amountMinor: 77_000, issueDate: due.minus({ days: 30 }).toISODate()!, dueDate: due.toISODate()!, debtor: { id: `debtor-${id}`, name: 'Soylent Corp', email: 'ap@soylent.example', locale: 'en-US', timeZone: zone, segment: 'smb' } },
        policy: { compiled: policy, source: 'test' },
      }],
    });
    const worker = await createTestInvoiceWorker({ env, workflowBundle: await bundleInvoiceWorkflows(), taskQueue, database, channels });
    // Retries back off from 10 s in production; a quarter second keeps the test short.
    const dispatcher = new WebhookDispatcher({ database, initialRetryDelayMs: 250 });
    await dispatcher.start();
    try {
      await worker.runUntil(async () => {
        await env.sleep(due.plus({ days: 1 }).toMillis() - (await env.currentTimeMs()));
        await handle.executeUpdate(recordPaymentUpdate, { args: [{ reference: 'WIRE-9', amountMinor: 77_000 }] });
        await handle.result();
        if (process.env.RECORD_HISTORIES) {
          writeFileSync(fileURLToPath(new URL('../histories/single-marker-invoice-webhooks.json', import.meta.url)), historyToJSON(await handle.fetchHistory()));
        }
      });
      await expect.poll(() => received.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    } finally {
      await dispatcher.stop();
    }
    // No activity per event any more: the history schedules none for webhooks.
    const history = JSON.parse(historyToJSON(await handle.fetchHistory())) as { events: HistoryEvent[] };
    expect(history.events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'deliverWebhooks')).toEqual([]);
    // Each send wrote the mirror and its message.sent event itself: a sync when the invoice first waits and one
    // when it closes, none after a send.
    const localActivities = history.events.flatMap((e) => (e.markerRecordedEventAttributes?.markerName === 'core_local_activity' ? [localActivityType(e)] : []));
    expect(localActivities).toEqual(['syncInvoice', 'sendMessage', 'sendMessage', 'syncInvoice']);
    const outbox = await database.db.select().from(webhookOutbox);
    expect(outbox.map((r) => r.status)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(outbox.find((r) => r.attempts === 2)?.eventType).toBe('message.sent'); // the one that met the outage
    expect(failuresLeft).toBe(0); // the first attempt met the outage and was retried
    // The retried event may arrive after later ones: receivers order by occurredAt, not by arrival.
    expect(received.map((r) => r.type).sort()).toEqual(['invoice.paid', 'message.sent', 'message.sent']);
    expect(received.every((r) => r.signatureValid)).toBe(true);
    expect(new Set(received.map((r) => r.delivery)).size).toBe(3);
    expect(received.every((r) => r.body.invoiceId === id)).toBe(true);
    expect(received.find((r) => r.type === 'invoice.paid')?.body.data).toMatchObject({ balanceMinor: 0, currency: 'USD' });
    // The sending activity completed the events with the provider's answer, as the timeline has it.
    const timeline = await database.db.select().from(messages).where(eq(messages.invoiceExternalId, id));
    for (const sent of received.filter((r) => r.type === 'message.sent')) {
      const message = timeline.find((m) => m.idempotencyKey === sent.body.data.idempotencyKey);
      expect(sent.body.data).toMatchObject({ kind: 'sent', channel: 'email', reason: 'email sent to ap@soylent.example', providerMessageId: message?.providerMessageId, contentHash: message?.contentHash });
    }
  });
});
