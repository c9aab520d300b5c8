/**
 * Reads served from the PostgreSQL invoices mirror: an invoice's state (GET /v1/invoices/:id, consistency mirror
 * or strong) and the invoice list (GET /v1/invoices) with its filters, days past due in each debtor's zone and
 * keyset pages. Rows are written straight into `debtors` / `invoices` of this file's own database, so what is
 * tested is the API's reading, whatever the workflow writes; no worker runs, and an id with no workflow proves an
 * answer came without Temporal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { buildApp, type DunmoreApp } from '../../api/app.js';
import { decodeListCursor, encodeListCursor, pageOf, type MirrorListRow } from '../../api/services/invoice-list.js';
import { workflowArchives } from '../../db/api-schema.js';
import { debtors, invoices } from '../../db/schema.js';
import { uniqueName } from '../harness/temporal.js';
import { startApiTestEnv, type ApiTestEnv } from './harness.js';

let t: ApiTestEnv;
const pinnedApps: DunmoreApp[] = [];

beforeAll(async () => {
  t = await startApiTestEnv();
});
afterAll(async () => {
  await Promise.allSettled(pinnedApps.map((app) => app.close()));
  await t?.close();
});

type Role = Parameters<ApiTestEnv['as']>[0];
const get = (url: string, role: Role = 'collector', app: DunmoreApp = t.app) => app.inject({ method: 'GET', url, headers: t.as(role) });

/** The same app on the same servers, with "now" pinned: days past due at an exact instant. */
async function appAt(instant: string): Promise<DunmoreApp> {
  const app = await buildApp({ ...t.deps, clock: () => new Date(instant) });
  pinnedApps.push(app);
  return app;
}

async function debtor(zone: string, segment: string): Promise<string> {
  const id = uniqueName('DEB');
  await t.database.db.insert(debtors).values({ id, name: `Debtor in ${zone}`, timeZone: zone, segment });
  return id;
}

interface MirrorRow {
  externalId?: string;
  debtorId: string;
  dueOn: string;
  status?: 'open' | 'paid' | 'credited' | 'written-off' | 'cancelled';
  policyId?: string;
  nextActionAt?: Date | null;
  summary?: Record<string, unknown> | null;
  runId?: string | null;
  /** For a closed invoice: when it closed (the mirror's last write). */
  updatedAt?: Date;
}

async function mirror(row: MirrorRow): Promise<string> {
  const externalId = row.externalId ?? uniqueName('INV');
  await t.database.db.insert(invoices).values({
    externalId,
    debtorId: row.debtorId,
    currency: 'USD',
    amountMinor: 125_000,
    balanceMinor: 125_000,
    issuedOn: '2026-01-01',
    dueOn: row.dueOn,
    status: row.status ?? 'open',
    policyId: row.policyId ?? 'b2b-net30-standard',
    policyVersion: 3,
    nextActionAt: row.nextActionAt ?? null,
    summary: row.summary ?? null,
    runId: row.runId ?? null,
    ...(row.updatedAt ? { updatedAt: row.updatedAt } : {}),
  });
  return externalId;
}

/** What an invoice workflow's state query answers, in JSON. */
const summaryOf = (invoiceId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  invoiceId,
  status: 'open',
  currency: 'USD',
  amountMinor: 125_000,
  balanceMinor: 125_000,
  dueDate: '2026-02-01',
  policy: { id: 'b2b-net30-standard', version: 3, contentHash: 'sha256:mirror-test' },
  nextAction: null,
  promise: { promiseId: 'P-MIRROR', payBy: '2026-03-01', status: 'pending' },
  disputes: [],
  pause: null,
  contact: { ceased: null, optOuts: ['sms'] },
  openTasks: [],
  ...overrides,
});

/** Today's date in the zone, moved by whole days. */
const localDate = (zone: string, days: number): string => DateTime.now().setZone(zone).plus({ days }).toISODate()!;

/** The rule the API promises: max(0, the debtor's local date today − the due date), in whole calendar days. */
const expectedDaysPastDue = (dueOn: string, zone: string, at: DateTime = DateTime.now()): number =>
  Math.max(0, Math.round(at.setZone(zone).startOf('day').diff(DateTime.fromISO(dueOn, { zone }), 'days').days));

interface ListBody {
  items: Array<Record<string, unknown> & { externalId: string; nextActionAt: string | null }>;
  nextCursor: string | null;
}
const list = async (query: string, app: DunmoreApp = t.app): Promise<ListBody> => {
  const res = await get(`/v1/invoices?${query}`, 'collector', app);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const ids = (body: ListBody): string[] => body.items.map((i) => i.externalId);

describe('invoice state from the mirror', () => {
  it('answers an open invoice from its mirror row in one PostgreSQL read; strong asks Temporal, which has no such workflow', async () => {
    const debtorId = await debtor('America/New_York', 'smb');
    const id = uniqueName('MIR');
    const summary = summaryOf(id);
    await mirror({ externalId: id, debtorId, dueOn: '2026-02-01', summary });

    const res = await get(`/v1/invoices/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ externalId: id, workflowId: `invoice-${id}`, source: 'mirror', state: summary });
    expect((await get(`/v1/invoices/${id}?consistency=mirror`)).json().source).toBe('mirror');

    // No workflow was ever started for this id: only a Temporal read can answer 404.
    const strong = await get(`/v1/invoices/${id}?consistency=strong`);
    expect(strong.statusCode).toBe(404);
    expect(strong.json().code).toBe('invoice_not_found');
  });

  it('the next read sees a change as soon as the mirror row holds it', async () => {
    const debtorId = await debtor('America/New_York', 'smb');
    const id = await mirror({ debtorId, dueOn: '2026-02-01', summary: summaryOf('x') });
    await t.database.db
      .update(invoices)
      .set({ summary: summaryOf(id, { balanceMinor: 25_000 }), balanceMinor: 25_000 })
      .where(sql`${invoices.externalId} = ${id}`);
    expect((await get(`/v1/invoices/${id}`)).json()).toMatchObject({ source: 'mirror', state: { invoiceId: id, balanceMinor: 25_000 } });
  });

  it('falls back to Temporal when the row has no summary (written by older code)', async () => {
    const debtorId = await debtor('America/New_York', 'smb');
    const id = await mirror({ debtorId, dueOn: '2026-02-01', summary: null });
    const res = await get(`/v1/invoices/${id}`);
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('invoice_not_found');
  });

  it('answers a closed invoice from the archive, not from its last mirror summary', async () => {
    const debtorId = await debtor('America/New_York', 'smb');
    const id = await mirror({ debtorId, dueOn: '2026-02-01', status: 'paid', summary: summaryOf('stale', { status: 'paid', balanceMinor: 0 }) });
    const finalState = summaryOf(id, { status: 'paid', balanceMinor: 0, promise: null });
    await t.database.db.insert(workflowArchives).values({
      workflowId: `invoice-${id}`,
      runId: 'run-archived',
      invoiceExternalId: id,
      status: 'paid',
      closedAt: new Date('2026-02-10T12:00:00Z'),
      finalState,
      timeline: [],
      historyJson: '{"events":[]}',
      historySha256: 'sha256:none',
      eventCount: 0,
    });
    expect((await get(`/v1/invoices/${id}`)).json()).toEqual({ externalId: id, workflowId: `invoice-${id}`, source: 'archive', state: finalState });
  });

  it('refuses an unknown consistency, or an unknown query field, with 400 naming it', async () => {
    const bad = await get('/v1/invoices/ANY-1?consistency=eventual');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ field: 'querystring.consistency', message: expect.stringMatching(/must be one of "mirror", "strong".*got "eventual"/) }]);
    const unknown = await get('/v1/invoices/ANY-1?fresh=true');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0]).toMatchObject({ field: 'querystring.fresh', message: expect.stringContaining('not a known field') });
  });
});

describe('listing invoices from the mirror', () => {
  it('counts a closed invoice\'s days past due up to the day it closed, not up to today', async () => {
    const segment = uniqueName('closed').toLowerCase().replace(/[^a-z0-9_-]/g, '').slice(0, 40);
    const ny = await debtor('America/New_York', segment);
    // Due 100 days ago, paid 12 days after the due date (noon in New York, clear of any midnight).
    const dueOn = localDate('America/New_York', -100);
    const closedAt = DateTime.fromISO(dueOn, { zone: 'America/New_York' }).plus({ days: 12, hours: 12 }).toJSDate();
    const paid = await mirror({ debtorId: ny, dueOn, status: 'paid', updatedAt: closedAt });
    const open = await mirror({ debtorId: ny, dueOn });
    const days = Object.fromEntries((await list(`segment=${segment}`)).items.map((i) => [i.externalId, i.daysPastDue]));
    expect(days).toEqual({ [paid]: 12, [open]: expectedDaysPastDue(dueOn, 'America/New_York') });
    expect(ids(await list(`segment=${segment}&daysPastDueMin=50`))).toEqual([open]);
  });

  it('filters by status, debtor, policy, segment, days past due and next action, and maps each row', async () => {
    const segment = uniqueName('seg').toLowerCase().replace(/[^a-z0-9_-]/g, '').slice(0, 40);
    const other = `${segment.slice(0, 36)}-oth`;
    const ny = await debtor('America/New_York', segment);
    const la = await debtor('America/Los_Angeles', segment);
    const akl = await debtor('Pacific/Auckland', other);
    const soon = new Date(Date.now() + 3_600_000);
    const later = new Date(Date.now() + 3 * 86_400_000);
    const rows = {
      overdue: { debtorId: ny, dueOn: localDate('America/New_York', -40), nextActionAt: soon },
      recent: { debtorId: ny, dueOn: localDate('America/New_York', -5), nextActionAt: later, policyId: 'consumer-gentle' },
      paid: { debtorId: la, dueOn: localDate('America/Los_Angeles', -100), status: 'paid' as const, runId: 'run-paid' },
      notDue: { debtorId: akl, dueOn: localDate('Pacific/Auckland', 10), nextActionAt: new Date(Date.now() + 2 * 3_600_000) },
    };
    const id: Record<keyof typeof rows, string> = {
      overdue: await mirror(rows.overdue),
      recent: await mirror(rows.recent),
      paid: await mirror(rows.paid),
      notDue: await mirror(rows.notDue),
    };
    const [paidRow] = await t.database.db.select().from(invoices).where(sql`${invoices.externalId} = ${id.paid}`);

    const mine = (body: ListBody) => ids(body).filter((i) => Object.values(id).includes(i));
    const bySegment = await list(`segment=${segment}`);
    // Next action first (unscheduled last), then externalId.
    expect(ids(bySegment)).toEqual([id.overdue, id.recent, id.paid]);
    expect(bySegment.nextCursor).toBeNull();
    expect(bySegment.items[0]).toEqual({
      externalId: id.overdue,
      workflowId: `invoice-${id.overdue}`,
      runId: '',
      workflowStatus: 'RUNNING',
      invoiceStatus: 'open',
      debtorId: ny,
      policyId: 'b2b-net30-standard',
      segment,
      daysPastDue: expectedDaysPastDue(rows.overdue.dueOn, 'America/New_York'),
      nextActionAt: soon.toISOString(),
      startedAt: expect.any(String),
      closedAt: null,
    });
    expect(bySegment.items[2]).toMatchObject({
      runId: 'run-paid',
      workflowStatus: 'COMPLETED',
      invoiceStatus: 'paid',
      nextActionAt: null,
      startedAt: paidRow!.createdAt.toISOString(),
      closedAt: paidRow!.updatedAt.toISOString(),
      daysPastDue: expectedDaysPastDue(rows.paid.dueOn, 'America/Los_Angeles'),
    });

    expect(ids(await list(`segment=${other}`))).toEqual([id.notDue]);
    expect(mine(await list('status=open'))).toEqual([id.overdue, id.notDue, id.recent]);
    expect(ids(await list(`status=paid&segment=${segment}`))).toEqual([id.paid]);
    expect(ids(await list(`debtorId=${ny}`))).toEqual([id.overdue, id.recent]);
    expect(mine(await list('policyId=consumer-gentle'))).toEqual([id.recent]);
    expect(ids(await list(`segment=${segment}&daysPastDueMin=30`))).toEqual([id.overdue, id.paid]);
    expect(ids(await list(`segment=${segment}&daysPastDueMin=1&daysPastDueMax=60`))).toEqual([id.overdue, id.recent]);
    expect(ids(await list(`debtorId=${akl}&daysPastDueMax=0`))).toEqual([id.notDue]);
    expect((await list(`debtorId=${akl}`)).items[0]?.daysPastDue).toBe(0);
    const before = new Date(Date.now() + 86_400_000).toISOString();
    expect(mine(await list(`nextActionBefore=${encodeURIComponent(before)}`))).toEqual([id.overdue, id.notDue]);
    expect(ids(await list(`status=open&segment=${segment}&daysPastDueMin=1&nextActionBefore=${encodeURIComponent(before)}`))).toEqual([id.overdue]);
  });

  it('counts days past due from today in each debtor’s own zone (Auckland and Los Angeles on the same due date)', async () => {
    const akl = await debtor('Pacific/Auckland', 'tz-case');
    const la = await debtor('America/Los_Angeles', 'tz-case');
    // The same calendar due date; for most of the day the two zones are on different dates.
    const dueOn = localDate('America/Los_Angeles', -20);
    const inAkl = await mirror({ debtorId: akl, dueOn });
    const inLa = await mirror({ debtorId: la, dueOn });
    const body = await list('segment=tz-case');
    const days = Object.fromEntries(body.items.map((i) => [i.externalId, i.daysPastDue]));
    expect(days).toEqual({ [inAkl]: expectedDaysPastDue(dueOn, 'Pacific/Auckland'), [inLa]: expectedDaysPastDue(dueOn, 'America/Los_Angeles') });
  });

  it('at a pinned instant: Auckland has just left daylight saving, so 12:30Z is already tomorrow there but 11:30Z is not', async () => {
    const akl = await debtor('Pacific/Auckland', 'dst-case');
    const la = await debtor('America/Los_Angeles', 'dst-case');
    // New Zealand daylight time ended at 2026-04-05 03:00 local (2026-04-04T14:00Z): Auckland is UTC+12 after it.
    const dueOn = '2026-03-06';
    const inAkl = await mirror({ debtorId: akl, dueOn });
    const inLa = await mirror({ debtorId: la, dueOn });
    for (const [instant, auckland, losAngeles] of [
      // 23:30 NZST on 5 April in Auckland (with the old +13 it would be 00:30 on the 6th); 04:30 PDT in Los Angeles.
      ['2026-04-05T11:30:00Z', 30, 30],
      // 00:30 NZST on 6 April in Auckland; still 5 April (05:30 PDT) in Los Angeles.
      ['2026-04-05T12:30:00Z', 31, 30],
    ] as const) {
      const at = DateTime.fromISO(instant);
      expect([expectedDaysPastDue(dueOn, 'Pacific/Auckland', at), expectedDaysPastDue(dueOn, 'America/Los_Angeles', at)]).toEqual([auckland, losAngeles]);
      const pinned = await appAt(instant);
      const body = await list('segment=dst-case', pinned);
      expect(Object.fromEntries(body.items.map((i) => [i.externalId, i.daysPastDue]))).toEqual({ [inAkl]: auckland, [inLa]: losAngeles });
      expect(ids(await list('segment=dst-case&daysPastDueMin=31', pinned))).toEqual(auckland === 31 ? [inAkl] : []);
    }
  });

  it('pages with an opaque cursor: every row once, in order, ties and microseconds included', async () => {
    const segment = 'paging';
    const debtorId = await debtor('Europe/Berlin', segment);
    const tie = new Date(Date.now() + 5 * 86_400_000);
    const created: string[] = [];
    for (let i = 0; i < 3; i++) created.push(await mirror({ debtorId, dueOn: '2026-01-15', nextActionAt: tie }));
    for (let i = 0; i < 2; i++) created.push(await mirror({ debtorId, dueOn: '2026-01-15' }));
    created.push(await mirror({ debtorId, dueOn: '2026-01-15', nextActionAt: new Date(Date.now() + 86_400_000) }));
    // Two rows a microsecond apart: a millisecond cursor would repeat or skip one of them.
    const fine = [await mirror({ debtorId, dueOn: '2026-01-15' }), await mirror({ debtorId, dueOn: '2026-01-15' })];
    await t.database.db.execute(sql`update invoices set next_action_at = '2026-09-01T10:00:00.000001Z' where external_id = ${fine[0]}`);
    await t.database.db.execute(sql`update invoices set next_action_at = '2026-09-01T10:00:00.000002Z' where external_id = ${fine[1]}`);
    created.push(...fine);

    const whole = await list(`segment=${segment}&limit=500`);
    expect(whole.items).toHaveLength(created.length);
    expect(whole.nextCursor).toBeNull();
    const scheduled = whole.items.filter((i) => i.nextActionAt !== null).map((i) => i.nextActionAt!);
    expect(scheduled).toEqual([...scheduled].sort());
    expect(whole.items.slice(scheduled.length).every((i) => i.nextActionAt === null)).toBe(true);

    for (const limit of [1, 2, 3]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: ListBody = await list(`segment=${segment}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...ids(page));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 20);
      expect(seen).toEqual(ids(whole));
    }
  });

  it('refuses a malformed cursor, and an impossible days-past-due range, with 400 naming the field', async () => {
    for (const cursor of [
      '!!!',
      Buffer.from('not json').toString('base64url'),
      Buffer.from(JSON.stringify({ externalId: 'X', nextActionAt: '2026-02-30T00:00:00.000000Z' })).toString('base64url'),
      Buffer.from(JSON.stringify({ externalId: 'X', nextActionAt: null, page: 2 })).toString('base64url'),
      Buffer.from(JSON.stringify(['X', null])).toString('base64url'),
    ]) {
      const res = await get(`/v1/invoices?cursor=${encodeURIComponent(cursor)}`);
      expect(res.statusCode, cursor).toBe(400);
      expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual(['querystring.cursor']);
    }
    const forged = await get(`/v1/invoices?cursor=${Buffer.from('{"externalId":1}').toString('base64url')}`);
    expect(forged.json().errors[0].message).toMatch(/not a cursor this API issued.*pass nextCursor from the previous page/);

    const inverted = await get('/v1/invoices?daysPastDueMin=30&daysPastDueMax=10');
    expect(inverted.statusCode).toBe(400);
    expect(inverted.json().errors).toEqual([{ field: 'querystring.daysPastDueMin', message: expect.stringContaining('more than daysPastDueMax 10') }]);
  });
});

describe('list cursor (pure)', () => {
  const row = (externalId: string, nextActionKey: string | null): MirrorListRow => ({
    externalId,
    runId: null,
    status: 'open',
    debtorId: 'D',
    policyId: 'p',
    segment: 's',
    daysPastDue: 0,
    nextActionAt: nextActionKey ? new Date(nextActionKey) : null,
    nextActionKey,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-02T00:00:00Z'),
  });

  it('round-trips and rejects anything it did not issue', () => {
    for (const cursor of [{ nextActionAt: '2026-07-01T14:00:00.123456Z', externalId: 'INV-1' }, { nextActionAt: null, externalId: 'INV-2' }]) {
      expect(decodeListCursor(encodeListCursor(cursor))).toEqual(cursor);
    }
    expect(decodeListCursor(encodeListCursor({ nextActionAt: '2026-07-01T14:00:00Z', externalId: 'INV-1' }))).toBeUndefined();
    expect(decodeListCursor(encodeListCursor({ nextActionAt: '2026-13-01T14:00:00.000000Z', externalId: 'INV-1' }))).toBeUndefined();
    expect(decodeListCursor(encodeListCursor({ nextActionAt: null, externalId: '' }))).toBeUndefined();
    expect(decodeListCursor('')).toBeUndefined();
  });

  it('gives a cursor only when there is a further row, from the last row of the page', () => {
    const rows = [row('A', '2026-07-01T14:00:00.000001Z'), row('B', null), row('C', null)];
    expect(pageOf(rows, 3).nextCursor).toBeNull();
    const page = pageOf(rows, 1);
    expect(page.items.map((i) => i.externalId)).toEqual(['A']);
    expect(decodeListCursor(page.nextCursor!)).toEqual({ nextActionAt: '2026-07-01T14:00:00.000001Z', externalId: 'A' });
    expect(decodeListCursor(pageOf(rows, 2).nextCursor!)).toEqual({ nextActionAt: null, externalId: 'B' });
  });
});
