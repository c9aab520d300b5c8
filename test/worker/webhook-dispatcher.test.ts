/**
 * The webhook outbox and its dispatcher against real PostgreSQL and a real HTTP receiver: rows only for events
 * someone subscribed to, a NOTIFY wakes the dispatcher at once, two dispatchers never deliver one event twice,
 * and a subscriber that keeps failing is given up after the last attempt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { eq, sql } from 'drizzle-orm';
import { syncInvoiceActivity } from '../../activities/invoice-mirror.js';
import type { InvoiceSyncInput, WebhookEventRecord } from '../../activities/contracts.js';
import { webhookSubscriptions } from '../../db/api-schema.js';
import { webhookOutbox } from '../../db/schema.js';
import { WebhookDispatcher } from '../../worker/webhook-dispatcher.js';
import { createTestDatabase } from '../harness/database.js';

describe('webhook outbox and dispatcher', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const receiver = Fastify();
  const received: string[] = [];
  let url = '';

  beforeAll(async () => {
    database = await createTestDatabase();
    receiver.post('/ok', async (request, reply) => {
      received.push(String(request.headers['dunmore-delivery']));
      return reply.status(204).send();
    });
    receiver.post('/down', async (_request, reply) => reply.status(503).send('down'));
    url = await receiver.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await receiver.close();
    await database?.close();
  });

  const event = (deliveryId: string, type: WebhookEventRecord['type'] = 'invoice.paid'): WebhookEventRecord => ({ deliveryId, type, invoiceId: deliveryId.split(':')[0]!, occurredAt: '2026-03-02T15:00:00.000Z', data: { balanceMinor: 0 } });
  const sync = (externalId: string, seq: number, webhookEvents: WebhookEventRecord[]): InvoiceSyncInput => ({
    externalId,
    debtor: { id: `D-${externalId}`, name: 'Initech', timeZone: 'America/New_York', locale: 'en-US', segment: 'smb' },
    currency: 'USD', amountMinor: 100, balanceMinor: 0, issuedOn: '2026-02-01', dueOn: '2026-03-01', status: 'paid',
    policyId: 'test', policyVersion: 1, nextActionAt: null, workflowId: `invoice-${externalId}`, seq, summary: { status: 'paid' }, webhookEvents,
  });
  const outboxOf = (prefix: string) => database.db.select().from(webhookOutbox).where(sql`${webhookOutbox.deliveryId} like ${`${prefix}%`}`);

  it('keeps only the events someone subscribed to, and a NOTIFY wakes the dispatcher at once', async () => {
    const write = syncInvoiceActivity(database.db);
    expect(await write(sync('W-1', 1, [event('W-1:0')]))).toEqual({ webhookEvents: 0 }); // nobody subscribed yet
    await database.db.insert(webhookSubscriptions).values({ id: 'wh_ok', url: `${url}/ok`, secret: 's', events: ['invoice.paid'], createdBy: 'test' });
    // Without a notification this dispatcher would not look for a minute.
    const dispatcher = new WebhookDispatcher({ database, idleCheckMs: 60_000 });
    await dispatcher.start();
    try {
      expect(await write(sync('W-1', 2, [event('W-1:1'), event('W-1:2', 'message.sent')]))).toEqual({ webhookEvents: 1 });
      // The receiver answers before the dispatcher marks the row: wait for the mark.
      await expect.poll(async () => (await outboxOf('W-1'))[0]?.status, { timeout: 5_000 }).toBe('delivered');
      expect(received.filter((d) => d.startsWith('W-1:'))).toEqual(['W-1:1']);
      expect((await outboxOf('W-1')).map((r) => r.deliveryId)).toEqual(['W-1:1']);
    } finally {
      await dispatcher.stop();
    }
  });

  it('two dispatchers on one outbox deliver each event once', async () => {
    const write = syncInvoiceActivity(database.db);
    await write(sync('W-2', 1, Array.from({ length: 30 }, (_, i) => event(`W-2:${i}`))));
    const dispatchers = [new WebhookDispatcher({ database, batchSize: 3 }), new WebhookDispatcher({ database, batchSize: 3 })];
    await Promise.all(dispatchers.map((d) => d.deliverDue()));
    const mine = received.filter((d) => d.startsWith('W-2:'));
    expect(mine).toHaveLength(30);
    expect(new Set(mine).size).toBe(30);
  });

  it('gives a failing subscriber up after the last attempt, reporting each failure', async () => {
    await database.db.update(webhookSubscriptions).set({ active: false }).where(eq(webhookSubscriptions.id, 'wh_ok'));
    await database.db.insert(webhookSubscriptions).values({ id: 'wh_down', url: `${url}/down`, secret: 's', events: ['*'], createdBy: 'test' });
    await syncInvoiceActivity(database.db)(sync('W-3', 1, [event('W-3:0')]));
    const failures: Array<{ attempts: number; final: boolean }> = [];
    const dispatcher = new WebhookDispatcher({ database, maxAttempts: 3, initialRetryDelayMs: 20, onFailure: (f) => f.deliveryId === 'W-3:0' && failures.push(f) });
    await dispatcher.start();
    try {
      await expect.poll(async () => (await outboxOf('W-3'))[0]?.status, { timeout: 10_000 }).toBe('failed');
    } finally {
      await dispatcher.stop();
    }
    const [row] = await outboxOf('W-3');
    expect(row).toMatchObject({ status: 'failed', attempts: 3, lastError: expect.stringContaining('answered 503') });
    expect(failures.map((f) => [f.attempts, f.final])).toEqual([[1, false], [2, false], [3, true]]);
  });
});
