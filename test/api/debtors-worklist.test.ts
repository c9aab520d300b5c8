/**
 * Debtors, contact events (signalled to open invoices), the contact log and the pre-dial check, the Twilio
 * status callback and the worklist, against the real workflow and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import twilio from 'twilio';
import { escalations, messages, smsDeliveryEvents } from '../../db/schema.js';
import { invoiceBody, publicBaseUrl, startApiTestEnv, twilioAuthToken, type ApiTestEnv } from './harness.js';

let t: ApiTestEnv;
beforeAll(async () => {
  t = await startApiTestEnv({ worker: true });
});
afterAll(async () => {
  await t?.close();
});

type Role = Parameters<ApiTestEnv['as']>[0];
const post = (url: string, payload: unknown, role: Role = 'ops') => t.app.inject({ method: 'POST', url, payload: payload as Record<string, unknown>, headers: t.as(role) });
const put = (url: string, payload: unknown, role: Role = 'ops') => t.app.inject({ method: 'PUT', url, payload: payload as Record<string, unknown>, headers: t.as(role) });
const get = (url: string, role: Role = 'ops') => t.app.inject({ method: 'GET', url, headers: t.as(role) });

async function openInvoice(overrides: Record<string, unknown> = {}): Promise<{ id: string; debtorId: string }> {
  const body = invoiceBody(overrides);
  const res = await post('/v1/invoices', body);
  expect(res.statusCode).toBe(201);
  return { id: body.externalId as string, debtorId: (body.debtor as { id: string }).id };
}

describe('debtors', () => {
  it('creates and replaces a profile with contact points and consents, and names bad fields', async () => {
    const profile = {
      name: 'Ana Ruiz',
      timeZone: 'America/Chicago',
      locale: 'es-MX',
      segment: 'consumer',
      contactPoints: [{ type: 'mobile', address: '+13125550100' }, { type: 'email', address: 'ana@example.com', employerProvided: false }],
      consents: { tcpa: { at: '2026-01-02T15:00:00Z' } },
      compliance: { state: 'IL', debtorType: 'natural-person' },
    };
    const created = await put('/v1/debtors/DEB-ANA', profile, 'integrator');
    expect(created.statusCode).toBe(201);
    expect(created.json().complianceContext).toMatchObject({ numbers: { '+13125550100': 'mobile' }, emails: { 'ana@example.com': { employerProvided: false } }, tcpaConsent: { at: '2026-01-02T15:00:00Z' }, state: 'IL' });
    expect((await put('/v1/debtors/DEB-ANA', { ...profile, name: 'Ana Ruiz Soto' })).statusCode).toBe(200);
    const bad = await put('/v1/debtors/DEB-ANA', { ...profile, timeZone: 'Central', contactPoints: [{ type: 'mobile', address: '3125550100' }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual(['body.timeZone', 'body.contactPoints.0.address']);
    expect((await get('/v1/debtors/NOBODY', 'collector')).statusCode).toBe(404);
  });

  it('records cease and opt-out and signals every open invoice of the debtor', async () => {
    const first = await openInvoice();
    const debtor = (invoiceBody().debtor as Record<string, unknown>);
    const second = await openInvoice({ debtor: { ...debtor, id: first.debtorId } });
    const optOut = await post(`/v1/debtors/${first.debtorId}/events`, { type: 'optout', channel: 'sms', receivedVia: 'sms', keyword: 'STOP' }, 'collector');
    expect(optOut.statusCode).toBe(201);
    expect(optOut.json().signalled).toEqual([first.id, second.id].sort());
    const cease = await post(`/v1/debtors/${first.debtorId}/events`, { type: 'cease', receivedVia: 'mail', written: true }, 'compliance');
    expect(cease.json().signalled).toHaveLength(2);
    // Signals reach the mirror within one workflow task of being sent (no answer to wait for, unlike an update).
    for (const id of [first.id, second.id]) {
      await vi.waitFor(
        async () => {
          const state = (await get(`/v1/invoices/${id}`)).json().state;
          expect(state.contact.optOuts).toEqual(['sms']);
          expect(state.contact.ceased).toMatchObject({ source: expect.stringContaining('cease via mail') });
        },
        { timeout: 10_000, interval: 100 },
      );
    }
    const future = await post(`/v1/debtors/${first.debtorId}/events`, { type: 'cease', at: '2999-01-01T00:00:00Z' });
    expect(future.statusCode).toBe(400);
    expect((await get(`/v1/debtors/${first.debtorId}`, 'collector')).json().events.map((e: { type: string }) => e.type)).toEqual(['optout', 'cease']);
  });

  it('pre-dial: allows a call, then defers the 8th call in 7 days citing Reg F 1006.14(b)(2)(i)(A)', async () => {
    const { id, debtorId } = await openInvoice({ debtor: { ...(invoiceBody().debtor as object), segment: 'consumer' } });
    const zone = 'America/New_York';
    const today = DateTime.now().setZone(zone).startOf('day');
    const dialAt = today.minus({ days: 1 }).set({ hour: 15 }).toUTC().toISO();
    const check = () => post(`/v1/debtors/${debtorId}/pre-dial-check`, { invoiceId: id, at: dialAt }, 'collector');
    expect((await check()).json()).toMatchObject({ decision: 'allow', counted: [] });
    for (let d = 8; d >= 2; d--) {
      const res = await post(`/v1/debtors/${debtorId}/contact-attempts`, { at: today.minus({ days: d }).set({ hour: 10 }).toUTC().toISO(), channel: 'call', outcome: 'placed', debtId: id }, 'collector');
      expect(res.statusCode).toBe(201);
    }
    await post(`/v1/debtors/${debtorId}/contact-attempts`, { at: today.minus({ days: 1 }).set({ hour: 10 }).toUTC().toISO(), channel: 'call', outcome: 'voicemail', debtId: id }, 'collector');
    const after = await check();
    expect(after.statusCode).toBe(200);
    expect(after.json()).toMatchObject({ decision: 'defer', basis: 'law', rules: expect.arrayContaining([expect.stringContaining('1006.14(b)(2)(i)(A)')]) });
    expect(after.json().counted).toHaveLength(7);
    const log = (await get(`/v1/debtors/${debtorId}/contact-log`, 'compliance')).json();
    expect(log.attempts).toHaveLength(8);
    expect((await post(`/v1/debtors/${debtorId}/pre-dial-check`, { invoiceId: 'NOT-HIS' }, 'collector')).statusCode).toBe(404);
  });
});

describe('Twilio status callback', () => {
  const url = `${publicBaseUrl}/v1/webhooks/twilio/status`;
  const form = (params: Record<string, string>) => new URLSearchParams(params).toString();

  it('verifies the signature, records the report, updates the outbox row and signals the workflow', async () => {
    const { id, debtorId } = await openInvoice();
    const sid = `SM${'a'.repeat(32)}`;
    await t.database.db.insert(messages).values({
      idempotencyKey: `invoice-${id}:overdue-sms:1`, workflowId: `invoice-${id}`, invoiceExternalId: id, debtorId, stepId: 'overdue-sms', channel: 'sms', recipient: '+14155550199',
      status: 'sent', providerMessageId: sid, bodyText: 'hello', contentHash: 'sha256:x', coversInvoices: [id], policyId: 'b2b-net30-standard', policyVersion: 3,
    });
    const params = { MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30003', AccountSid: `AC${'2'.repeat(32)}` };
    const unsigned = await t.app.inject({ method: 'POST', url: '/v1/webhooks/twilio/status', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form(params) });
    expect(unsigned.statusCode).toBe(403);
    const forged = await t.app.inject({ method: 'POST', url: '/v1/webhooks/twilio/status', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature('wrong-token', url, params) }, payload: form(params) });
    expect(forged.statusCode).toBe(403);
    expect(await t.database.db.select().from(smsDeliveryEvents).where(eq(smsDeliveryEvents.providerMessageId, sid))).toHaveLength(0);

    const signed = await t.app.inject({ method: 'POST', url: '/v1/webhooks/twilio/status', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(twilioAuthToken, url, params) }, payload: form(params) });
    expect(signed.statusCode).toBe(204);
    const [row] = await t.database.db.select().from(messages).where(eq(messages.providerMessageId, sid));
    expect(row).toMatchObject({ status: 'undelivered', errorCode: '30003' });
    expect(await t.database.db.select().from(smsDeliveryEvents).where(eq(smsDeliveryEvents.providerMessageId, sid))).toHaveLength(1);

    // A late "sent" never overwrites a final status.
    const late = { ...params, MessageStatus: 'sent' };
    delete (late as Record<string, string>).ErrorCode;
    await t.app.inject({ method: 'POST', url: '/v1/webhooks/twilio/status', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(twilioAuthToken, url, late) }, payload: form(late) });
    expect((await t.database.db.select().from(messages).where(eq(messages.providerMessageId, sid)))[0]?.status).toBe('undelivered');
  });
});

describe('worklist', () => {
  it('orders by priority then due-by, claims once, and requires a reason code to override', async () => {
    const { id, debtorId } = await openInvoice();
    const base = { workflowId: `invoice-${id}`, invoiceExternalId: id, debtorId, stepId: 'final', queue: `q-${id.toLowerCase()}`.slice(0, 60), tier: 1, reason: 'final notice', status: 'open' as const };
    await t.database.db.insert(escalations).values([
      { ...base, id: `invoice-${id}:call:call`, kind: 'call_task', stepId: 'call', priority: 2, dueBy: new Date(Date.now() + 3_600_000) },
      { ...base, id: `invoice-${id}:final:escalation:1`, kind: 'escalation', priority: 1, dueBy: new Date(Date.now() + 7_200_000) },
    ]);
    const list = await get(`/v1/worklist?queue=${base.queue}`, 'collector');
    expect(list.json().items.map((i: { id: string }) => i.id)).toEqual([`invoice-${id}:final:escalation:1`, `invoice-${id}:call:call`]);

    const taskId = `invoice-${id}:final:escalation:1`;
    expect((await post(`/v1/worklist/${taskId}/claim`, {}, 'collector')).json()).toMatchObject({ status: 'claimed', claimedBy: expect.stringContaining('test-collector') });
    const stolen = await post(`/v1/worklist/${taskId}/claim`, {}, 'ops');
    expect(stolen.statusCode).toBe(409);

    const noReason = await post(`/v1/worklist/${taskId}/resolve`, { outcome: 'override', note: 'customer is a key account' }, 'collector');
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors[0].field).toBe('body.reasonCode');
    const wrongKind = await post(`/v1/worklist/${taskId}/resolve`, { outcome: 'no_answer' }, 'collector');
    expect(wrongKind.statusCode).toBe(400);
    const done = await post(`/v1/worklist/${taskId}/resolve`, { outcome: 'override', reasonCode: 'customer_relationship', note: 'key account' }, 'collector');
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ status: 'resolved', outcome: 'override', note: '[customer_relationship] key account', workflowNotified: true });
    expect((await post(`/v1/worklist/${taskId}/resolve`, { outcome: 'handled' }, 'collector')).statusCode).toBe(409);
    expect((await post('/v1/worklist/no-such-task/claim', {}, 'collector')).statusCode).toBe(404);
  });
});
