import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, getTableColumns, sql } from 'drizzle-orm';
import { connectDatabase } from '../../db/client.js';
import { preparedQuery } from '../../db/prepared-statement.js';
import { debtors, invoices } from '../../db/schema.js';
import { createTestDatabase } from '../harness/database.js';

describe('PostgreSQL through drizzle', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('round-trips a debtor and an invoice with money in minor units and UTC instants', async () => {
    const nextActionAt = new Date('2026-03-08T14:00:00Z');
    await database.db.insert(debtors).values({ id: 'D-1', name: 'Acme GmbH', timeZone: 'Europe/Berlin', segment: 'smb' });
    await database.db.insert(invoices).values({
      externalId: 'INV-1',
      debtorId: 'D-1',
      currency: 'EUR',
      amountMinor: 1_234_567,
      balanceMinor: 1_234_567,
      issuedOn: '2026-02-01',
      dueOn: '2026-03-03',
      status: 'open',
      policyId: 'b2b-net30-standard',
      policyVersion: 3,
      nextActionAt,
    });
    const [row] = await database.db.select().from(invoices).where(eq(invoices.externalId, 'INV-1'));
    expect(row).toMatchObject({ debtorId: 'D-1', currency: 'EUR', amountMinor: 1_234_567, dueOn: '2026-03-03' });
    expect(row?.nextActionAt?.toISOString()).toBe('2026-03-08T14:00:00.000Z');
  });

  it('runs drizzle queries as prepared statements, in and out of transactions (one round trip once prepared)', async () => {
    const inTransaction = await database.db.transaction(async (tx) => {
      await tx.select().from(debtors).where(eq(debtors.id, 'D-1'));
      const texts = await tx.execute<{ statement: string }>(sql`select statement from pg_prepared_statements`);
      return texts.map((r) => r.statement);
    });
    expect(inTransaction.some((text) => text.includes('from "debtors" where "debtors"."id" = $1'))).toBe(true);
    // Outside a transaction the pool's single connection here keeps the statement for the next query.
    const single = connectDatabase(database.url, { max: 1 });
    try {
      await single.db.select().from(invoices).where(eq(invoices.externalId, 'INV-1'));
      const texts = await single.db.execute<{ statement: string }>(sql`select statement from pg_prepared_statements`);
      expect(texts.some((r) => r.statement.includes('from "invoices" where "invoices"."external_id" = $1'))).toBe(true);
    } finally {
      await single.close();
    }
    // Behind a transaction-mode pooler: `?prepare=false` on the URL, and nothing is prepared.
    const unprepared = connectDatabase(`${database.url}?prepare=false`, { max: 1 });
    try {
      await unprepared.db.select().from(invoices).where(eq(invoices.externalId, 'INV-1'));
      await unprepared.db.transaction((tx) => tx.select().from(debtors).where(eq(debtors.id, 'D-1')));
      const texts = await unprepared.db.execute<{ statement: string }>(sql`select statement from pg_prepared_statements`);
      expect(texts).toHaveLength(0);
    } finally {
      await unprepared.close();
    }
  });

  it('runs a statement built once on the pool and inside a transaction, on the transaction\'s connection, mapping rows as drizzle does', async () => {
    const insertDebtor = preparedQuery<{ id: string; name: string; createdAt: Date }, { id: string; createdAt: Date; candidateTimeZones: string[] }>(
      (db) =>
        db
          .insert(debtors)
          .values({ id: sql.placeholder('id'), name: sql.placeholder('name'), timeZone: 'America/Chicago', segment: 'smb', createdAt: sql.placeholder('createdAt') })
          .returning({ id: debtors.id, createdAt: debtors.createdAt, candidateTimeZones: debtors.candidateTimeZones }),
      { id: debtors.id, createdAt: debtors.createdAt, candidateTimeZones: debtors.candidateTimeZones },
    );
    const debtorById = preparedQuery<{ id: string }, typeof debtors.$inferSelect>((db) => db.select().from(debtors).where(eq(debtors.id, sql.placeholder('id'))), getTableColumns(debtors));

    const createdAt = new Date('2026-03-01T12:00:00Z');
    const seenInside = await database.db.transaction(async (tx) => {
      const [inserted] = await insertDebtor.run(tx, { id: 'D-prepared', name: 'Prepared Ltd', createdAt });
      expect(inserted).toEqual({ id: 'D-prepared', createdAt, candidateTimeZones: [] });
      // Not committed yet: only the transaction's own connection sees the row.
      expect(await debtorById.run(database.db, { id: 'D-prepared' })).toEqual([]);
      return debtorById.run(tx, { id: 'D-prepared' });
    });
    expect(seenInside).toEqual([expect.objectContaining({ id: 'D-prepared', name: 'Prepared Ltd', timeZone: 'America/Chicago', createdAt, complianceContext: {} })]);
    expect(await debtorById.run(database.db, { id: 'D-prepared' })).toEqual(seenInside);
    await expect(debtorById.run(database.db, {} as { id: string })).rejects.toThrow('No value for placeholder "id"');
  });

  it('rejects what the schema forbids instead of storing it', async () => {
    await expect(
      database.db.insert(invoices).values({
        externalId: 'INV-BAD',
        debtorId: 'D-1',
        currency: 'eur',
        amountMinor: 100,
        balanceMinor: 100,
        issuedOn: '2026-02-01',
        dueOn: '2026-03-03',
        status: 'open',
        policyId: 'p',
        policyVersion: 1,
      }),
    ).rejects.toMatchObject({ cause: { constraint_name: 'invoices_currency_iso4217' } });
  });
});
