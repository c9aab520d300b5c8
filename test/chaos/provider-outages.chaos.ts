/**
 * The providers fail for a while: the SMTP server refuses every connection (421), Twilio answers 500 and then
 * 429. Each step's first attempt fails inside the workflow task and hands over to the durable activity, which
 * Temporal retries with backoff (5 s, 10 s, 20 s…); it is delivered exactly once when the provider recovers. Real processes: the worker runs in its own process; SMTP and Twilio are real servers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { invoiceWorkflowId, recordPaymentUpdate, timelineQuery } from '../../workflows/invoice/messages.js';
import { registerDebtors, shortPolicy, zoneAtNoon } from '../harness/invoices.js';
import type { Stack } from '../harness/stack.js';
import { uniqueName } from '../harness/temporal.js';
import { notExactlyOnce, outbox, sleep, waitDelivered, startChaosRig, type ChaosRig } from './helpers.js';

describe('provider outages', () => {
  let rig: ChaosRig;
  let stack: Stack;
  let client: Client;
  const taskQueue = uniqueName('chaos-providers');
  const zone = zoneAtNoon();

  beforeAll(async () => {
    rig = await startChaosRig('chaos-providers', taskQueue);
    ({ stack, client } = rig);
  });
  afterAll(async () => {
    await rig?.close();
  });

  async function startInvoices(prefix: string, channel: 'email' | 'sms', count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, (_, i) => uniqueName(`${prefix}${i}`));
    await registerDebtors(stack.database.db, ids, zone);
    for (const id of ids) await rig.startInvoiceDueNow(id, zone, shortPolicy(channel));
    return ids;
  }

  /** Pays every invoice, waits for completion, and checks the books: one message, one `sent` row, one `sent` entry. */
  async function settleAndCheck(ids: string[]): Promise<number[]> {
    const attempts: number[] = [];
    for (const id of ids) {
      const handle = client.workflow.getHandle(invoiceWorkflowId(id));
      await handle.executeUpdate(recordPaymentUpdate, { args: [{ reference: `PAY-${id}`, amountMinor: 99_00 }] });
      expect((await handle.result()).status).toBe('paid');
      expect((await handle.query(timelineQuery)).filter((e) => e.kind === 'sent').length).toBe(1);
      const history = JSON.parse(historyToJSON(await handle.fetchHistory())) as { events: Array<{ eventType: string; activityTaskStartedEventAttributes?: { attempt?: number } }> };
      attempts.push(Math.max(...history.events.map((e) => e.activityTaskStartedEventAttributes?.attempt ?? 0)));
    }
    expect(notExactlyOnce(stack, ids)).toEqual({});
    expect(await outbox(stack, ids)).toEqual(Object.fromEntries(ids.map((id) => [id, ['sent']])));
    return attempts;
  }

  it('SMTP refusing connections for 12 s: retried with backoff, each email delivered once', async () => {
    stack.mail.refuseSessions(true);
    const ids = await startInvoices('SMTP', 'email', 5);
    await sleep(12_000);
    expect(stack.mail.messages().filter((m) => ids.some((id) => m.text.includes(`Invoice ${id}:`)))).toEqual([]);
    stack.mail.refuseSessions(false);
    await waitDelivered(stack, ids, 90_000);
    const attempts = await settleAndCheck(ids);
    // Every send failed in its local attempt and twice in the durable activity (t = 0 and t = 5 s) before the
    // server came back at t = 12 s.
    expect(Math.min(...attempts)).toBeGreaterThanOrEqual(3);
  }, 240_000);

  it('Twilio answering 500 then 429: retried, each SMS delivered once', async () => {
    // Each send tries once inside the workflow task, then hands over to the durable activity at once: the 500s
    // meet both of those first attempts.
    stack.twilio.failNext(10, 500);
    const ids = await startInvoices('TW', 'sms', 5);
    await sleep(3_000);
    stack.twilio.failNext(5, 429); // the second attempts (t ≈ 5 s) meet the 429s
    await waitDelivered(stack, ids, 90_000);
    const attempts = await settleAndCheck(ids);
    expect(Math.min(...attempts)).toBeGreaterThanOrEqual(3);
  }, 240_000);
});
