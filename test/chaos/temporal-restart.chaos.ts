/**
 * The Temporal dev server (file-backed, as `npm start` runs it) is stopped in the middle of a dunning run and
 * started again on the same SQLite file. Three groups of invoices straddle the outage:
 *   A. sent before the stop;
 *   B. in flight at the stop: the SMTP server has the message but holds its 250 reply until the server is down,
 *      so the activity completes while Temporal cannot hear it;
 *   C. asleep on a durable timer (the send window opens at a minute boundary while the server is down), so the
 *      timer must fire from the persisted state after the restart.
 * Afterwards every invoice has exactly one message at the provider, one `sent` outbox row and one `sent`
 * timeline entry, and takes its payment and completes: nothing lost, nothing repeated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import { invoiceWorkflowId, recordPaymentUpdate, timelineQuery } from '../../workflows/invoice/messages.js';
import { registerDebtors, shortPolicy, zoneAtNoon } from '../harness/invoices.js';
import type { Stack } from '../harness/stack.js';
import { uniqueName } from '../harness/temporal.js';
import { notExactlyOnce, outbox, sleep, waitDelivered, startChaosRig, type ChaosRig } from './helpers.js';

describe('Temporal dev server restarted mid-sequence', () => {
  let rig: ChaosRig;
  let stack: Stack;
  let client: Client;
  const taskQueue = uniqueName('chaos-temporal');
  const zone = zoneAtNoon();

  beforeAll(async () => {
    rig = await startChaosRig('chaos-temporal', taskQueue);
    ({ stack, client } = rig);
  });
  afterAll(async () => {
    await rig?.close();
  });

  async function start(ids: string[], policy: ReturnType<typeof shortPolicy>): Promise<void> {
    await registerDebtors(stack.database.db, ids, zone);
    for (const id of ids) await rig.startInvoiceDueNow(id, zone, policy);
  }

  it('resumes every invoice with no lost or repeated step', async () => {
    const openNow = shortPolicy('email');
    const groupA = Array.from({ length: 3 }, (_, i) => uniqueName(`TA${i}`));
    const groupB = [uniqueName('TB')];
    const groupC = Array.from({ length: 3 }, (_, i) => uniqueName(`TC${i}`));

    await start(groupA, openNow);
    await waitDelivered(stack, groupA, 60_000);

    // C: the window opens at the first local minute boundary at least 25 s away; jitter 0, so that is the timer.
    const opensAt = DateTime.now().setZone(zone).plus({ seconds: 25 }).startOf('minute').plus({ minutes: 1 });
    const later = { ...shortPolicy('email'), contentHash: 'sha256:chaos-window-later', sendWindow: { ...openNow.sendWindow, from: opensAt.toFormat('HH:mm') } };
    expect(opensAt.toFormat('HH:mm') < '23:59').toBe(true); // zoneAtNoon keeps the window inside the day
    await start(groupC, later);

    // B: the provider takes the message and holds its reply past the moment Temporal goes down.
    stack.mail.holdDataReply(4_000);
    const dataArrived = stack.mail.dataReceived();
    await start(groupB, openNow);
    await dataArrived;
    await stack.stopTemporal();
    stack.mail.holdDataReply(0);
    // Down until C's timers are due (and a little past), at least 15 s.
    await sleep(Math.max(15_000, opensAt.toMillis() - Date.now() + 3_000));
    await stack.startTemporal();

    const all = [...groupA, ...groupB, ...groupC];
    await waitDelivered(stack, all, 180_000);
    for (const id of all) {
      const handle = client.workflow.getHandle(invoiceWorkflowId(id));
      await handle.executeUpdate(recordPaymentUpdate, { args: [{ reference: `PAY-${id}`, amountMinor: 99_00 }] });
      expect((await handle.result()).status).toBe('paid');
      expect((await handle.query(timelineQuery)).filter((e) => e.kind === 'sent').length).toBe(1);
    }
    for (const id of groupC) {
      const sentAt = stack.mail.messages().find((m) => m.text.includes(`Invoice ${id}:`))!.receivedAt;
      expect(sentAt.getTime()).toBeGreaterThanOrEqual(opensAt.toMillis()); // the timer, not an early send
    }
    expect(notExactlyOnce(stack, all)).toEqual({});
    expect(await outbox(stack, all)).toEqual(Object.fromEntries(all.map((id) => [id, ['sent']])));
  }, 300_000);
});
