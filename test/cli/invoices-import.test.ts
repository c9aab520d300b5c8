/**
 * `dunmore invoices import` as an operator runs it: a spawned `node bin/dunmore.js` against the run's Temporal
 * dev server and a fresh PostgreSQL database. Invoices land exactly as `POST /v1/invoices` creates them (the same
 * invoice_requests row, a running `invoice-<externalId>` workflow, an audit row); a second run is a no-op; an
 * invalid or changed row is reported as row/field/problem and nothing is imported.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eq, like } from 'drizzle-orm';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { defaultPayloadConverter } from '@temporalio/common';
import { auditEvents, invoiceRequests } from '../../db/api-schema.js';
import { debtors } from '../../db/schema.js';
import { registerSearchAttributes } from '../../embedded/search-attribute-registration.js';
import { DebtorId, Segment } from '../../workflows/search-attributes.js';
import { createTestDatabase } from '../harness/database.js';
import { connectDevServer, uniqueName } from '../harness/temporal.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const ibmSample = path.resolve(root, '../shared/data/WA_Fn-UseC_-Accounts-Receivable.csv');

let env: TestWorkflowEnvironment;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let taskQueue: string;
let dir: string;

beforeAll(async () => {
  [env, database] = await Promise.all([connectDevServer(), createTestDatabase()]);
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  // No worker polls this queue: the workflows start and wait, so no dunning step acts during the test.
  taskQueue = uniqueName('import');
  dir = mkdtempSync(path.join(os.tmpdir(), 'dunmore-import-'));
});
afterAll(async () => {
  await Promise.allSettled([database?.close(), env?.teardown()]);
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function dunmoreImport(args: string[]): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    DATABASE_URL: database.url,
    DUNMORE_TASK_QUEUE: taskQueue,
  };
  delete childEnv.DUNMORE_CONFIG;
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/dunmore.js', 'invoices', 'import', ...args], { cwd: root, env: childEnv, encoding: 'utf8', timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

function csvFile(name: string, rows: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, `${rows.join('\r\n')}\r\n`);
  return file;
}

const header = 'externalId,debtorId,debtorName,debtorEmail,debtorPhone,debtorTimeZone,debtorSegment,debtorCountry,currency,amount,issueDate,dueDate,settledDate';
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

async function requestFor(externalId: string) {
  const [row] = await database.db.select().from(invoiceRequests).where(eq(invoiceRequests.externalId, externalId));
  return row;
}

/** The invoice facts the workflow was started with, from its first history event. */
async function startInput(externalId: string): Promise<{ invoice: Record<string, unknown> & { debtor: Record<string, unknown> } }> {
  const history = await env.client.workflow.getHandle(`invoice-${externalId}`).fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new Error(`no start input for invoice-${externalId}`);
  return defaultPayloadConverter.fromPayload(payload);
}

describe('dunmore invoices import', () => {
  const a = uniqueName('IMP-A');
  const b = uniqueName('IMP-B');
  const settled = uniqueName('IMP-S');
  const rows = [
    header,
    `${a},D-${a},"Globex, LLC",ap@globex.example,+14155550199,America/New_York,midmarket,US,USD,1250.00,${day(0)},${day(45)},`,
    `${b},D-${b},Initech,,,Europe/Berlin,smb,DE,EUR,99.5,${day(0)},${day(30)},`,
    `${settled},D-${settled},Hooli,ar@hooli.example,,America/Chicago,smb,US,USD,10.00,${day(-40)},${day(-10)},${day(-5)}`,
  ];

  it('imports a valid file: one invoice_requests row per invoice, identical to the API body, and a running workflow', async () => {
    const file = csvFile('valid.csv', rows);
    const run = await dunmoreImport([file]);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('read 3 rows: 2 valid (2 new, 0 already imported), 1 skipped, 0 invalid');
    expect(run.stdout).toContain(`skipped row 4 (${settled}): settled on ${day(-5)}`);
    expect(run.stdout).toContain('warning: 1 valid rows have no debtorEmail or debtorPhone (rows 3)');
    expect(run.stdout).toMatch(/imported: 2 created, 0 already imported \(unchanged\), 0 refused, 1 skipped, 0 invalid/);
    // Not a terminal: plain progress lines, not a bar.
    expect(run.stderr).toContain('importing: 2/2 rows (100%), 2 created, 0 unchanged, 0 refused');

    // Exactly the body a client would POST to /v1/invoices: the same idempotency record.
    expect((await requestFor(a))?.request).toEqual({
      externalId: a,
      currency: 'USD',
      amountMinor: 125_000,
      issueDate: day(0),
      dueDate: day(45),
      debtor: { id: `D-${a}`, name: 'Globex, LLC', email: 'ap@globex.example', phone: '+14155550199', timeZone: 'America/New_York', segment: 'midmarket', country: 'US' },
    });
    expect((await requestFor(b))?.response).toMatchObject({ externalId: b, workflowId: `invoice-${b}`, status: 'open', policy: { id: 'b2b-net30-standard', routedBy: 'router default' } });
    expect(await requestFor(settled)).toBeUndefined();

    const description = await env.client.workflow.getHandle(`invoice-${a}`).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.taskQueue).toBe(taskQueue);
    expect(description.typedSearchAttributes.get(DebtorId)).toBe(`D-${a}`);
    expect(description.typedSearchAttributes.get(Segment)).toBe('midmarket');
    const input = await startInput(b);
    expect(input.invoice).toMatchObject({ invoiceId: b, number: b, currency: 'EUR', amountMinor: 9950, debtor: { timeZone: 'Europe/Berlin', locale: 'en-US' } });

    const audit = await database.db.select().from(auditEvents).where(eq(auditEvents.targetId, a));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'invoice.create', role: 'admin' });
    expect(audit[0]?.requestId).toMatch(/^import-\d{8}T\d{9}Z:row-2$/);
    expect(await database.db.select().from(debtors).where(eq(debtors.id, `D-${b}`))).toHaveLength(1);
  });

  it('a second run of the same file is a no-op: nothing created, same runs, no new audit rows', async () => {
    const before = await requestFor(a);
    const auditBefore = await database.db.select().from(auditEvents);
    const run = await dunmoreImport([csvFile('valid.csv', rows)]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('2 valid (0 new, 2 already imported)');
    expect(run.stdout).toMatch(/imported: 0 created, 2 already imported \(unchanged\), 0 refused/);
    expect(await requestFor(a)).toEqual(before);
    expect(await database.db.select().from(auditEvents)).toHaveLength(auditBefore.length);
  });

  it('reports a changed row for an existing externalId as a conflict naming the fields, and imports nothing', async () => {
    const fresh = uniqueName('IMP-C');
    const changed = [
      header,
      rows[1]?.replace(',1250.00,', ',1300.00,').replace('ap@globex.example', 'billing@globex.example'),
      `${fresh},D-${fresh},Umbrella,ar@umbrella.example,,America/New_York,midmarket,US,USD,5.00,${day(0)},${day(30)},`,
    ] as string[];
    const run = await dunmoreImport([csvFile('changed.csv', changed)]);
    expect(run.status).toBe(2);
    expect(run.stdout).toContain(`row 2, field amount: conflict: invoice ${a} already exists`);
    expect(run.stdout).toContain('with 1250.00 USD, this row has 1300.00 USD');
    expect(run.stdout).toContain('row 2, field debtorEmail: conflict:');
    expect(run.stdout).toContain('nothing imported');
    expect(await requestFor(fresh)).toBeUndefined();
  });

  it('reports every invalid row as row, field, problem and value; all-or-nothing imports nothing, --skip-invalid the valid rows', async () => {
    const good = uniqueName('IMP-G');
    const bad = uniqueName('IMP-X');
    const file = csvFile('invalid.csv', [
      header,
      `${good},D-${good},Stark,ar@stark.example,,America/New_York,midmarket,US,USD,12.00,${day(0)},${day(30)},`,
      `${bad},D-${bad},Wayne,not-an-email,,Mars/Olympus,midmarket,US,USD,12.345,${day(0)},2026-13-01,`,
      `${bad}-2,D-${bad},Wayne,,,America/New_York,midmarket,US,XYZ,12.00,${day(0)},${day(30)},`,
      `${good},D-${good},Stark,,,America/New_York,midmarket,US,USD,12.00,${day(0)},${day(30)},`,
      `${bad}-3,,Wayne,,,America/New_York,consumer,US,USD,12.00,${day(30)},${day(0)},`,
    ]);
    const run = await dunmoreImport([file]);
    expect(run.status).toBe(2);
    const report = run.stdout.split('\n').filter((l) => l.startsWith('row '));
    expect(report).toEqual([
      'row 3, field dueDate: is not a date in the form yyyy-MM-dd; write it like 2026-07-31 (or set --date-format) ("2026-13-01")',
      'row 3, field amount: 12.345 has 3 decimals but USD has 2: round it to 2 decimals ("12.345")',
      expect.stringMatching(/^row 3, field debtorEmail: must match format "email".* \("not-an-email"\)$/),
      'row 4, field currency: is not an ISO 4217 currency; use a code such as USD, EUR or JPY ("XYZ")',
      `row 5, field externalId: is also on row 2; each invoice may appear once per file ("${good}")`,
      expect.stringMatching(/^row 6, field debtorId: is required \(your customer id\); fill it in, or give --default debtorId=<value>$/),
    ]);
    expect(run.stdout).toContain('read 5 rows: 1 valid (1 new, 0 already imported), 0 skipped, 4 invalid');
    expect(run.stdout).toContain('nothing imported: fix the 4 invalid rows');
    expect(await requestFor(good)).toBeUndefined();

    const reportFile = path.join(dir, 'report.csv');
    const partial = await dunmoreImport([file, '--skip-invalid', '--report', reportFile]);
    expect(partial.status).toBe(3);
    expect(partial.stdout).toMatch(/imported: 1 created, 0 already imported \(unchanged\), 0 refused, 0 skipped, 4 invalid/);
    expect(await requestFor(good)).toBeDefined();
    expect(await requestFor(bad)).toBeUndefined();
    const written = readFileSync(reportFile, 'utf8').split('\n');
    expect(written[0]).toBe('kind,row,field,problem,value');
    expect(written).toContain('invalid,4,currency,"is not an ISO 4217 currency; use a code such as USD, EUR or JPY",XYZ');
  });

  it('rejects a bad header before reading rows, naming the column and the fix', async () => {
    const run = await dunmoreImport([csvFile('header.csv', [header.replace('debtorEmail', 'debtorEmial').replace(',dueDate', ',due'), rows[1] as string])]);
    expect(run.status).toBe(2);
    expect(run.stdout).toContain('required column dueDate is missing');
    expect(run.stdout).toContain('column "debtorEmial" is not an import column; rename it to one of');
    expect(run.stdout).toContain('--ignore debtorEmial');
    const usage = await dunmoreImport([csvFile('x.csv', [header]), '--map', 'dueDte=due']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('"dueDte" is not an import column');
  });

  it('imports a slice of the IBM accounts-receivable sample with --preset ibm-ar, skipping settled rows', async () => {
    const lines = readFileSync(ibmSample, 'utf8').split(/\r?\n/).filter(Boolean);
    const slice = lines.slice(0, 41);
    const file = csvFile('ibm-slice.csv', slice);
    const asOf = '2013-03-31';
    // Expected from the raw text, independently of the importer: open on the as-of date means issued on or
    // before it and settled after it.
    const iso = (mdy: string) => {
      const [m, d, y] = mdy.split('/');
      return `${y}-${m?.padStart(2, '0')}-${d?.padStart(2, '0')}`;
    };
    const records = slice.slice(1).map((l) => l.split(','));
    const open = records.filter((r) => iso(r[4] as string) <= asOf && iso(r[8] as string) > asOf);
    const settledCount = records.filter((r) => iso(r[8] as string) <= asOf).length;
    expect(open.length).toBeGreaterThan(0);

    const dry = await dunmoreImport([file, '--preset', 'ibm-ar', '--as-of', asOf, '--dry-run']);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain(`read 40 rows: ${open.length} valid (${open.length} new, 0 already imported), ${40 - open.length} skipped, 0 invalid`);
    expect(dry.stdout).toContain('dry run: nothing imported; the file would import cleanly');
    expect(dry.stdout).toContain(`warning: ${open.length} valid rows have no debtorEmail or debtorPhone`);

    const run = await dunmoreImport([file, '--preset', 'ibm-ar', '--as-of', asOf]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`imported: ${open.length} created, 0 already imported \\(unchanged\\), 0 refused, ${40 - open.length} skipped`));
    const [first] = open;
    const invoiceNumber = first?.[3] as string;
    const input = await startInput(invoiceNumber);
    expect(input.invoice).toMatchObject({
      invoiceId: invoiceNumber,
      number: invoiceNumber,
      currency: 'USD',
      amountMinor: Math.round(Number(first?.[6]) * 100),
      issueDate: iso(first?.[4] as string),
      dueDate: iso(first?.[5] as string),
      debtor: { id: first?.[1], name: first?.[1], timeZone: 'America/New_York', segment: 'midmarket', locale: 'en-US' },
    });
    expect(settledCount).toBeGreaterThan(0);
    const settledRow = records.findIndex((r) => iso(r[8] as string) <= asOf);
    expect(run.stdout).toContain(`skipped row ${settledRow + 2} (${records[settledRow]?.[3]}): settled on ${iso(records[settledRow]?.[8] as string)}, on or before --as-of ${asOf}`);

    const again = await dunmoreImport([file, '--preset', 'ibm-ar', '--as-of', asOf]);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`imported: 0 created, ${open.length} already imported`));
    expect(await database.db.select().from(invoiceRequests).where(like(invoiceRequests.createdBy, 'cli:%'))).not.toHaveLength(0);
  });
});
