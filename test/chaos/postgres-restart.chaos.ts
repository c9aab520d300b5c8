/**
 * PostgreSQL (the outbox, the contact ledger, the invoice mirror) stops and comes back on the same data
 * directory while invoices are being dunned. The activities fail while it is down and Temporal retries them
 * (send: 5 s, 10 s, 20 s…; the mirror's local activity: 1 s … 1 min); when it is back every message goes out
 * exactly once and every invoice completes.
 *
 * Two groups:
 *   D. created while PostgreSQL is down: nothing can be reserved in the outbox, so nothing is sent until it is up;
 *   M. mid-send: the SMTP server has the message and holds its 250 reply while PostgreSQL stops, so the
 *      activity cannot mark the outbox row `sent`. The retry finds the row still `sending` and resends the
 *      email with the same Message-ID (send-message.ts, step 3): receivers collapse it, but the SMTP server
 *      does see a second copy. That is asserted here as it is, so a change to it is noticed.
 * Meanwhile the API (api/app.ts, on the same database) is asked for an invoice's state: issue #8 wants 503
 * (retry later), not 500, while the database is away.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { buildApp } from '../../api/app.js';
import { createApiKey } from '../../api/services/api-keys.js';
import { connectDatabase } from '../../db/client.js';
import { PolicyCatalog } from '../../dunning/catalog/policy-catalog.js';
import { projectRoot } from '../../embedded/project-root.js';
import { invoiceWorkflowId, recordPaymentUpdate, timelineQuery } from '../../workflows/invoice/messages.js';
import { registerDebtors, shortPolicy, zoneAtNoon } from '../harness/invoices.js';
import type { Stack } from '../harness/stack.js';
import { uniqueName } from '../harness/temporal.js';
import { deliveries, notExactlyOnce, outbox, sleep, waitDelivered, startChaosRig, type ChaosRig } from './helpers.js';

describe('PostgreSQL restarted while invoices are dunned', () => {
  let rig: ChaosRig;
  let stack: Stack;
  let client: Client;
  let api: Awaited<ReturnType<typeof buildApp>>;
  let apiDb: ReturnType<typeof connectDatabase>;
  let apiKey: string;
  /** What GET /v1/invoices/:id answered while PostgreSQL was down. */
  const apiDuringOutage: number[] = [];
  const taskQueue = uniqueName('chaos-pg');
  const zone = zoneAtNoon();

  beforeAll(async () => {
    rig = await startChaosRig('chaos-postgres', taskQueue);
    ({ stack, client } = rig);
    apiDb = connectDatabase(stack.databaseUrl, { max: 4 });
    api = await buildApp({ temporal: client, database: apiDb, catalog: new PolicyCatalog({ policiesRoot: path.join(projectRoot, 'policies') }), clock: () => new Date(), taskQueue });
    apiKey = (await createApiKey(apiDb.db, { name: 'chaos', role: 'collector', createdBy: { id: 'system', name: 'chaos', role: 'admin' }, at: new Date() })).key;
  });
  afterAll(async () => {
    await api?.close();
    await apiDb?.close();
    await rig?.close();
  });

  const start = async (id: string, channel: 'email' | 'sms'): Promise<void> => {
    await rig.startInvoiceDueNow(id, zone, shortPolicy(channel));
  };

  it('retries the activities and loses nothing', async () => {
    const groupD = ['email', 'sms', 'email', 'sms'].map((c, i) => ({ id: uniqueName(`PD${i}`), channel: c as 'email' | 'sms' }));
    const groupM = [uniqueName('PM')];
    await registerDebtors(stack.database.db, [...groupD.map((d) => d.id), ...groupM], zone);

    // M: the message is at the SMTP server, its reply held, when PostgreSQL goes down.
    stack.mail.holdDataReply(3_000);
    const dataArrived = stack.mail.dataReceived();
    await start(groupM[0]!, 'email');
    await dataArrived;
    await stack.stopPostgres();
    stack.mail.holdDataReply(0);

    // D: created during the outage.
    for (const d of groupD) await start(d.id, d.channel);
    for (let i = 0; i < 3; i++) {
      const response = await api.inject({ method: 'GET', url: `/v1/invoices/${groupD[0]!.id}`, headers: { authorization: `Bearer ${apiKey}` } });
      apiDuringOutage.push(response.statusCode);
      await sleep(1_000);
    }
    await sleep(9_000);
    expect([...deliveries(stack, groupD.map((d) => d.id)).values()].every((d) => d.raw === 0)).toBe(true);
    await stack.startPostgres();

    const all = [...groupD.map((d) => d.id), ...groupM];
    await waitDelivered(stack, all, 180_000);
    for (const id of all) {
      const handle = client.workflow.getHandle(invoiceWorkflowId(id));
      await handle.executeUpdate(recordPaymentUpdate, { args: [{ reference: `PAY-${id}`, amountMinor: 99_00 }] });
      expect((await handle.result()).status).toBe('paid');
      expect((await handle.query(timelineQuery)).filter((e) => e.kind === 'sent').length).toBe(1);
    }
    expect(await outbox(stack, all)).toEqual(Object.fromEntries(all.map((id) => [id, ['sent']])));
    // Nothing lost or duplicated for the invoices created during the outage.
    expect(notExactlyOnce(stack, groupD.map((d) => d.id))).toEqual({});
    // Mid-send: one message by Message-ID; the raw SMTP count shows whether the resend happened.
    const midSend = deliveries(stack, groupM).get(groupM[0]!)!;
    expect(midSend.distinct).toBe(1);
    process.stdout.write(`mid-send invoice: ${midSend.raw} SMTP cop${midSend.raw === 1 ? 'y' : 'ies'}, ${midSend.distinct} Message-ID\n`);
    // The provider's acceptance travels in the activity's heartbeat details: the retry records it, it does not resend.
    expect(midSend.raw).toBe(1);
  }, 300_000);

  it('the API answers 503, not 500, while PostgreSQL is down', () => {
    process.stdout.write(`API during the PostgreSQL outage answered: ${apiDuringOutage.join(', ')}\n`);
    expect(apiDuringOutage).toHaveLength(3);
    expect(apiDuringOutage).toEqual([503, 503, 503]);
  });
});
