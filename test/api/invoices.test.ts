/**
 * Invoices through the API against a real dev server, PostgreSQL and invoice worker: create (idempotent),
 * state (from the mirror the workflow writes, or strongly from the workflow), the list, timeline, payments,
 * promises, disputes, pause/resume, closing, and the errors callers rely on.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditEvents, payments, workflowArchives } from '../../db/api-schema.js';
import { invoiceBody, startApiTestEnv, type ApiTestEnv } from './harness.js';

let t: ApiTestEnv;

beforeAll(async () => {
  t = await startApiTestEnv({ worker: true });
});
afterAll(async () => {
  await t?.close();
});

const post = (url: string, payload: unknown, role: Parameters<ApiTestEnv['as']>[0] = 'ops') => t.app.inject({ method: 'POST', url, payload: payload as Record<string, unknown>, headers: t.as(role) });
const get = (url: string, role: Parameters<ApiTestEnv['as']>[0] = 'ops') => t.app.inject({ method: 'GET', url, headers: t.as(role) });

describe('creating invoices', () => {
  it('creates once, replays the same body with 200 and the same result, and refuses a different body with 409 naming the fields', async () => {
    const body = invoiceBody();
    const first = await post('/v1/invoices', body, 'integrator');
    expect(first.statusCode).toBe(201);
    const created = first.json();
    expect(created).toMatchObject({ externalId: body.externalId, workflowId: `invoice-${body.externalId}`, status: 'open', policy: { id: 'b2b-net30-standard', version: 3, routedBy: 'router default' } });
    expect(first.headers.location).toBe(`/v1/invoices/${body.externalId}`);

    const again = await post('/v1/invoices', body, 'integrator');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(created);

    const changed = await post('/v1/invoices', { ...body, amountMinor: 260_000, debtor: { ...(body.debtor as object), email: 'other@globex.example' } }, 'integrator');
    expect(changed.statusCode).toBe(409);
    expect(changed.json()).toMatchObject({ code: 'idempotency_conflict', differingFields: ['amountMinor', 'debtor.email'] });
    expect(changed.json().message).toContain('amountMinor, debtor.email');
  });

  it('rejects malformed input with 400 and a message per field, writing nothing', async () => {
    const res = await post('/v1/invoices', { ...invoiceBody(), amountMinor: 12.5, currency: 'usd', dueDate: '2026-13-01', surprise: true }, 'integrator');
    expect(res.statusCode).toBe(400);
    const fields = (res.json().errors as Array<{ field: string }>).map((e) => e.field).sort();
    expect(fields).toEqual(['body.amountMinor', 'body.currency', 'body.dueDate', 'body.surprise']);
    const semantic = await post('/v1/invoices', { ...invoiceBody(), currency: 'XYZ', debtor: { ...(invoiceBody().debtor as object), timeZone: 'Mars/Olympus' } }, 'integrator');
    expect(semantic.statusCode).toBe(400);
    expect(semantic.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.currency', 'body.debtor.timeZone']);
  });

  it('lets only admin and ops choose the policy', async () => {
    const res = await post('/v1/invoices', invoiceBody({ policy: 'b2b-net30-standard@2' }), 'integrator');
    expect(res.statusCode).toBe(403);
    const ops = await post('/v1/invoices', invoiceBody({ policy: 'b2b-net30-standard@2' }), 'ops');
    expect(ops.statusCode).toBe(201);
    expect(ops.json().policy).toMatchObject({ version: 2, routedBy: 'request' });
  });

  it('creates in bulk, each item on its own', async () => {
    const good = invoiceBody();
    const badPolicy = invoiceBody({ currency: 'JPY', amountMinor: 1000 });
    const res = await post('/v1/invoices/bulk', { invoices: [good, badPolicy] }, 'integrator');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ created: 1, failed: 1, results: [{ index: 0, statusCode: 201 }, { index: 1, statusCode: 422, error: { code: 'policy_not_applicable' } }] });
  });
});

describe('listing what the workflows mirrored', () => {
  it('lists a new invoice from the mirror its workflow wrote, with its run, next action and days past due', async () => {
    const body = invoiceBody();
    const created = await post('/v1/invoices', body);
    expect(created.statusCode).toBe(201);
    const debtorId = (body.debtor as { id: string }).id;
    const item = await vi.waitFor(
      async () => {
        const res = await get(`/v1/invoices?debtorId=${debtorId}`, 'collector');
        expect(res.statusCode).toBe(200);
        const [first] = res.json().items;
        expect(first).toBeDefined();
        return first;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(item).toMatchObject({
      externalId: body.externalId,
      workflowId: `invoice-${body.externalId}`,
      runId: created.json().runId,
      workflowStatus: 'RUNNING',
      invoiceStatus: 'open',
      debtorId,
      policyId: 'b2b-net30-standard',
      segment: 'midmarket',
      // Due in 60 days.
      daysPastDue: 0,
      closedAt: null,
    });
    expect(Date.parse(item.nextActionAt)).toBeGreaterThan(Date.now());
  });
});

describe('an invoice’s life through the API', () => {
  it('serves state and timeline, takes promise, dispute, pause, resume and payments, then refuses changes with 409 and the final state', async () => {
    const body = invoiceBody();
    const id = body.externalId as string;
    expect((await post('/v1/invoices', body)).statusCode).toBe(201);

    // strong asks the running workflow; the default answers from the mirror once the first workflow task wrote it.
    const state = await get(`/v1/invoices/${id}?consistency=strong`, 'collector');
    expect(state.statusCode).toBe(200);
    expect(state.json()).toMatchObject({ source: 'workflow', state: { invoiceId: id, status: 'open', balanceMinor: 250_000, currency: 'USD' } });
    await vi.waitFor(async () => expect((await get(`/v1/invoices/${id}`, 'collector')).json()).toMatchObject({ source: 'mirror', state: { invoiceId: id, status: 'open', balanceMinor: 250_000 } }), { timeout: 10_000, interval: 100 });

    const timeline = await get(`/v1/invoices/${id}/timeline`, 'compliance');
    expect(timeline.json().timeline[0]).toMatchObject({ kind: 'policy', rule: 'policy.pinned' });

    const payBy = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const promise = await post(`/v1/invoices/${id}/promises`, { promiseId: 'P1', payBy, amountMinor: 250_000 }, 'collector');
    expect(promise.statusCode).toBe(200);
    expect(promise.json().state.promise).toMatchObject({ promiseId: 'P1', payBy });
    // The mirror is written in the workflow task that applied the update: the very next read sees it.
    const afterPromise = (await get(`/v1/invoices/${id}`, 'collector')).json();
    expect(afterPromise).toMatchObject({ source: 'mirror', state: { promise: { promiseId: 'P1', payBy } } });
    expect(afterPromise.state).toEqual((await get(`/v1/invoices/${id}?consistency=strong`, 'collector')).json().state);

    const dispute = await post(`/v1/invoices/${id}/disputes`, { disputeId: 'D1', reason: 'goods damaged' }, 'collector');
    expect(dispute.statusCode).toBe(200);
    expect(dispute.json().state.disputes).toMatchObject([{ disputeId: 'D1', status: 'open' }]);
    const unknownDispute = await post(`/v1/invoices/${id}/disputes/NOPE/resolve`, { outcome: 'rejected' }, 'compliance');
    expect(unknownDispute.statusCode).toBe(404);
    const resolved = await post(`/v1/invoices/${id}/disputes/D1/resolve`, { outcome: 'rejected', note: 'photos show intact goods' }, 'compliance');
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json().state.disputes).toMatchObject([{ disputeId: 'D1', status: 'rejected' }]);

    expect((await post(`/v1/invoices/${id}/pause`, { reason: 'customer on holiday' }, 'collector')).json().state.pause).toMatchObject({ reason: 'customer on holiday' });
    expect((await post(`/v1/invoices/${id}/resume`, {}, 'collector')).json().state.pause).toBeNull();

    const wrongCurrency = await post(`/v1/invoices/${id}/payments`, { reference: 'PAY-1', currency: 'EUR', amountMinor: 100_000 }, 'integrator');
    expect(wrongCurrency.statusCode).toBe(400);
    expect(wrongCurrency.json().errors[0].field).toBe('body.currency');

    const partial = await post(`/v1/invoices/${id}/payments`, { reference: 'PAY-1', currency: 'USD', amountMinor: 100_000 }, 'integrator');
    expect(partial.statusCode).toBe(201);
    expect(partial.json().state.balanceMinor).toBe(150_000);
    expect((await get(`/v1/invoices/${id}`, 'collector')).json()).toMatchObject({ source: 'mirror', state: { balanceMinor: 150_000 } });
    const replay = await post(`/v1/invoices/${id}/payments`, { reference: 'PAY-1', currency: 'USD', amountMinor: 100_000 }, 'integrator');
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toMatchObject({ replayed: true, state: { balanceMinor: 150_000 } });
    const clash = await post(`/v1/invoices/${id}/payments`, { reference: 'PAY-1', currency: 'USD', amountMinor: 90_000 }, 'integrator');
    expect(clash.statusCode).toBe(409);
    expect(clash.json().differingFields).toEqual(['amountMinor']);

    const rest = await post('/v1/payments/batch', { payments: [{ invoiceId: id, reference: 'PAY-2', currency: 'USD', amountMinor: 150_000 }] }, 'integrator');
    expect(rest.json().results).toMatchObject([{ statusCode: 201, status: 'paid' }]);
    expect(await t.database.db.select().from(payments).where(eq(payments.invoiceExternalId, id))).toHaveLength(2);

    // Closed: every further message is a 409 carrying the final state; reads come from the archive.
    const late = await post(`/v1/invoices/${id}/promises`, { payBy }, 'collector');
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'invoice_closed', state: { status: 'paid', balanceMinor: 0 } });
    const archived = await get(`/v1/invoices/${id}`);
    expect(archived.json()).toMatchObject({ source: 'archive', state: { status: 'paid' } });
    const archivedTimeline = await get(`/v1/invoices/${id}/timeline`);
    expect(archivedTimeline.json().source).toBe('archive');
    expect(archivedTimeline.json().timeline.at(-1)).toMatchObject({ rule: 'closed.paid' });
    const [row] = await t.database.db.select().from(workflowArchives).where(eq(workflowArchives.invoiceExternalId, id));
    expect(row?.eventCount).toBeGreaterThan(5);

    const history = await get(`/v1/compliance/invoices/${id}/history`, 'compliance');
    expect(history.statusCode).toBe(200);
    expect(history.headers['x-history-source']).toBe('archive');
    expect(JSON.parse(history.body).events.length).toBe(row?.eventCount);

    // Every mutation names its actor.
    const audit = await t.database.db.select().from(auditEvents).where(eq(auditEvents.targetId, id));
    expect(audit.map((a) => [a.action, a.role])).toEqual([
      ['invoice.create', 'ops'],
      ['promise.record', 'collector'],
      ['dispute.open', 'collector'],
      ['dispute.resolve', 'compliance'],
      ['invoice.pause', 'collector'],
      ['invoice.resume', 'collector'],
      ['payment.record', 'integrator'],
      ['payment.record', 'integrator'],
    ]);
  });

  it('answers 404 for an unknown invoice on reads and writes', async () => {
    for (const res of [await get('/v1/invoices/NO-SUCH-INVOICE'), await get('/v1/invoices/NO-SUCH-INVOICE/timeline'), await post('/v1/invoices/NO-SUCH-INVOICE/pause', { reason: 'x' })]) {
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'invoice_not_found' });
    }
  });

  it('rejects what the workflow refuses with 422 and its reason', async () => {
    const body = invoiceBody();
    await post('/v1/invoices', body);
    const res = await post(`/v1/invoices/${body.externalId}/resume`, {});
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('invalid_invoice_event');
  });

  it('writes off with a reason, then refuses the next change with the final state', async () => {
    const body = invoiceBody();
    await post('/v1/invoices', body);
    const off = await post(`/v1/invoices/${body.externalId}/write-off`, { reason: 'uncollectible' });
    expect(off.statusCode).toBe(200);
    expect(off.json().state.status).toBe('written-off');
    const after = await post(`/v1/invoices/${body.externalId}/cancel`, { reason: 'again' });
    expect(after.statusCode).toBe(409);
    expect(after.json().state.status).toBe('written-off');
  });
});
