/**
 * The relational side of Dunmore. Temporal holds each invoice's live state; Postgres holds what must be
 * listed, reported, audited and kept after Temporal's retention. Money is integer minor units with its
 * ISO 4217 currency; every instant is timestamptz (UTC).
 */
import { sql } from 'drizzle-orm';
import { bigint, char, check, date, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const debtors = pgTable('debtors', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** IANA zone used for every quiet-hours and send-window decision. */
  timeZone: text('time_zone').notNull(),
  locale: text('locale').notNull().default('en-US'),
  segment: text('segment').notNull(),
  createdAt: instant('created_at').notNull().defaultNow(),
  updatedAt: instant('updated_at').notNull().defaultNow(),
});

export const invoices = pgTable(
  'invoices',
  {
    /** The invoice's id in the customer's ERP; the workflow id is `invoice-<externalId>`. */
    externalId: text('external_id').primaryKey(),
    debtorId: text('debtor_id')
      .notNull()
      .references(() => debtors.id),
    currency: char('currency', { length: 3 }).notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    balanceMinor: bigint('balance_minor', { mode: 'number' }).notNull(),
    issuedOn: date('issued_on', { mode: 'string' }).notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    status: text('status').notNull(),
    policyId: text('policy_id').notNull(),
    policyVersion: integer('policy_version').notNull(),
    nextActionAt: instant('next_action_at'),
    createdAt: instant('created_at').notNull().defaultNow(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('invoices_debtor_idx').on(t.debtorId),
    index('invoices_status_next_action_idx').on(t.status, t.nextActionAt),
    check('invoices_amount_nonnegative', sql`${t.amountMinor} >= 0`),
    check('invoices_currency_iso4217', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);
