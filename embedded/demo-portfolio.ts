/**
 * The quickstart's demo portfolio: 40 debtors in several time zones and segments and 150 invoices across the
 * shipped policies, some already overdue so that steps fire within the first minutes, one consumer debt that
 * meets a Regulation F deferral, one dispute and one promise to pay. Seeded once; a second start reuses it.
 *
 * Names and amounts come from a fixed faker seed, so two machines see the same portfolio; due dates and the
 * zones of the "fires now" cohort are computed from the current time, so there is always something to see.
 */
import { faker } from '@faker-js/faker';
import type { Client } from '@temporalio/client';
import { count, like } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Database } from '../db/client.js';
import { debtors } from '../db/schema.js';
import type { PolicyCatalog } from '../dunning/catalog/policy-catalog.js';
import type { InvoiceFacts } from '../dunning/invoice-state.js';
import type { CompiledPolicy } from '../dunning/policy.js';
import { routeInvoice } from '../dunning/router.js';
import { invoiceWorkflow } from '../workflows/invoice/invoice-workflow.js';
import { invoiceWorkflowId, openDisputeUpdate, promiseToPayUpdate } from '../workflows/invoice/messages.js';

export interface DemoPortfolioOptions {
  client: Client;
  db: Database;
  catalog: PolicyCatalog;
  taskQueue: string;
  now: Date;
  /** Public link printed in messages. */
  paymentBaseUrl: string;
}

export interface DemoPortfolioResult {
  seeded: boolean;
  debtors: number;
  invoices: number;
  /** What to look for in the feed. */
  highlights: string[];
}

const worldZones = [
  'Pacific/Honolulu', 'America/Los_Angeles', 'America/Denver', 'America/Chicago', 'America/Mexico_City', 'America/New_York',
  'America/Sao_Paulo', 'Europe/London', 'Europe/Berlin', 'Europe/Athens', 'Asia/Dubai', 'Asia/Kolkata', 'Asia/Singapore',
  'Asia/Tokyo', 'Australia/Sydney', 'Pacific/Auckland',
];

const localHour = (zone: string, now: Date): number => {
  const t = DateTime.fromJSDate(now, { zone });
  return t.hour + t.minute / 60;
};

interface DemoDebtor {
  facts: InvoiceFacts['debtor'];
  complianceContext: Record<string, unknown>;
  candidateTimeZones: string[];
}

function makeDebtor(index: number, segment: string, zone: string, extra: Partial<DemoDebtor> = {}): DemoDebtor {
  const consumer = segment === 'consumer';
  const company = consumer ? `${faker.person.firstName()} ${faker.person.lastName()}` : faker.company.name();
  const slug = company.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 24).replace(/^-+|-+$/g, '') || `debtor-${index}`;
  const spanish = zone === 'America/Mexico_City';
  const email = consumer ? `${slug}@mail.example` : `ap@${slug}.example`;
  return {
    facts: {
      id: `demo-${String(index).padStart(3, '0')}`,
      name: company,
      contactName: consumer ? company.split(' ')[0] ?? company : faker.person.firstName(),
      email,
      phone: `+1555${String(2_000_000 + index * 7919).slice(-7)}`,
      locale: spanish ? 'es-MX' : zone.startsWith('Europe/London') ? 'en-GB' : 'en-US',
      timeZone: zone,
      segment,
      country: zone.startsWith('America/') || zone === 'Pacific/Honolulu' ? 'US' : 'GB',
    },
    complianceContext: {
      // Texts need prior express consent (TCPA); the demo debtors gave it at onboarding.
      tcpaConsent: { at: '2025-06-01T12:00:00Z' },
      ...(consumer
        ? {
            emailBasis: { type: '1006.6(d)(4)(i)(A)' },
            emails: { [email]: { employerProvided: false, basis: '1006.6(d)(4)(i)(A)' } },
            smsBasis: { type: '1006.6(d)(4)(i)(A)' },
          }
        : {}),
    },
    candidateTimeZones: [],
    ...extra,
  };
}

export async function seedDemoPortfolio(options: DemoPortfolioOptions): Promise<DemoPortfolioResult> {
  const [existing] = await options.db.select({ n: count() }).from(debtors).where(like(debtors.id, 'demo-%'));
  if ((existing?.n ?? 0) > 0) return { seeded: false, debtors: existing?.n ?? 0, invoices: 0, highlights: [] };

  faker.seed(20_261_123);
  const now = options.now;
  // Zones where a 08:00–21:00 window is comfortably open right now: the "fires now" cohort lives there.
  const openNow = worldZones.filter((z) => localHour(z, now) >= 8.5 && localHour(z, now) <= 19.5);
  const consumerOpen = worldZones.filter((z) => localHour(z, now) >= 9.5 && localHour(z, now) <= 18.5);
  const closedNow = worldZones.filter((z) => localHour(z, now) < 7 || localHour(z, now) >= 21.5);
  const usZones = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'];
  const euZones = ['Europe/London', 'Europe/Berlin'];

  const demoDebtors: DemoDebtor[] = [];
  for (let i = 0; i < 10; i++) demoDebtors.push(makeDebtor(i + 1, 'demo', openNow[i % openNow.length] ?? 'Europe/London'));
  for (let i = 0; i < 7; i++) demoDebtors.push(makeDebtor(i + 11, 'consumer', usZones[i % usZones.length]!));
  // The Reg F case: a consumer whose records point at two zones; it is daytime in one and night in the other.
  const regF = makeDebtor(18, 'consumer', consumerOpen[0] ?? 'America/New_York', { candidateTimeZones: [closedNow[0] ?? 'Pacific/Auckland'] });
  demoDebtors.push(regF);
  for (let i = 0; i < 12; i++) demoDebtors.push(makeDebtor(i + 19, 'smb', [...usZones, ...euZones][i % 6]!));
  for (let i = 0; i < 6; i++) demoDebtors.push(makeDebtor(i + 31, 'midmarket', [...usZones, ...euZones][i % 6]!));
  for (let i = 0; i < 4; i++) demoDebtors.push(makeDebtor(i + 37, 'enterprise', usZones[i % usZones.length]!));

  await options.db.insert(debtors).values(
    demoDebtors.map((d) => ({
      id: d.facts.id,
      name: d.facts.name,
      timeZone: d.facts.timeZone,
      locale: d.facts.locale,
      segment: d.facts.segment ?? 'smb',
      complianceContext: d.complianceContext,
      candidateTimeZones: d.candidateTimeZones,
    })),
  ).onConflictDoNothing();

  const router = options.catalog.router().router;
  const policyFor = (facts: InvoiceFacts): CompiledPolicy => {
    if (facts.debtor.segment === 'demo') return options.catalog.resolve('demo-tour@1');
    if (facts.debtor.segment === 'consumer') return options.catalog.resolve('consumer-regf@1');
    if (!router) return options.catalog.resolve('b2b-net30-standard@3');
    const routed = routeInvoice(router, { segment: facts.debtor.segment ?? 'smb', currency: facts.currency, country: facts.debtor.country ?? 'US', amountMinor: facts.amountMinor });
    return options.catalog.resolve(`${routed.policy}@${routed.version}`);
  };

  const invoices: InvoiceFacts[] = [];
  const addInvoice = (debtor: DemoDebtor, dueInDays: number, currency = 'USD'): InvoiceFacts => {
    const n = invoices.length + 1;
    const due = DateTime.fromJSDate(now, { zone: debtor.facts.timeZone }).startOf('day').plus({ days: dueInDays });
    const id = `DEMO-${String(n).padStart(4, '0')}`;
    const facts: InvoiceFacts = {
      invoiceId: id,
      number: id,
      currency,
      amountMinor: faker.number.int({ min: 120, max: 48_000 }) * 100 + faker.number.int({ min: 0, max: 99 }),
      issueDate: due.minus({ days: 30 }).toISODate()!,
      dueDate: due.toISODate()!,
      paymentUrl: `${options.paymentBaseUrl}/${id}`,
      debtor: debtor.facts,
    };
    invoices.push(facts);
    return facts;
  };

  const tour = demoDebtors.filter((d) => d.facts.segment === 'demo');
  // The tour cohort: due today (a reminder now), 2–3 days late (a text now), a week late (call task, escalation).
  for (const [i, d] of tour.entries()) {
    addInvoice(d, 0);
    addInvoice(d, i % 2 === 0 ? -2 : -3);
    if (i < 5) addInvoice(d, -9);
    addInvoice(d, 2 + (i % 3));
  }
  const regFInvoice = addInvoice(regF, -31); // consumer-regf's first notice is due 30 days after the due date
  const consumers = demoDebtors.filter((d) => d.facts.segment === 'consumer' && d !== regF);
  for (const [i, d] of consumers.entries()) {
    addInvoice(d, -35 - i);
    addInvoice(d, 10 + i * 3);
  }
  const business = demoDebtors.filter((d) => ['smb', 'midmarket', 'enterprise'].includes(d.facts.segment ?? ''));
  while (invoices.length < 150) {
    const d = business[invoices.length % business.length]!;
    const currency = d.facts.timeZone.startsWith('Europe/Berlin') ? 'EUR' : d.facts.timeZone.startsWith('Europe/London') ? 'GBP' : 'USD';
    addInvoice(d, faker.number.int({ min: -45, max: 40 }), currency);
  }

  // Start every invoice's workflow. USE_EXISTING: a start interrupted half-way can simply run again.
  const pending = [...invoices];
  const startOne = async (): Promise<void> => {
    for (let facts = pending.shift(); facts; facts = pending.shift()) {
      const policy = policyFor(facts);
      await options.client.workflow.start(invoiceWorkflow, {
        taskQueue: options.taskQueue,
        workflowId: invoiceWorkflowId(facts.invoiceId),
        workflowIdConflictPolicy: 'USE_EXISTING',
        args: [{ invoice: facts, policy: { compiled: policy, source: `${policy.id}@${policy.version}` }, createdBy: 'demo' }],
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, startOne));

  // One dispute and one promise to pay, as collectors would record them.
  const disputed = invoices.find((i) => i.debtor.segment === 'smb' && i.dueDate < DateTime.fromJSDate(now).toISODate()!)!;
  await options.client.workflow.getHandle(invoiceWorkflowId(disputed.invoiceId)).executeUpdate(openDisputeUpdate, {
    args: [{ disputeId: `DSP-${disputed.invoiceId}`, reason: 'quantity on the invoice does not match the delivery note', actor: 'demo' }],
  });
  const promised = invoices.find((i) => i.debtor.segment === 'midmarket' && i.dueDate < DateTime.fromJSDate(now).toISODate()!)!;
  const payBy = DateTime.fromJSDate(now, { zone: promised.debtor.timeZone }).plus({ days: 10 }).toISODate()!;
  await options.client.workflow.getHandle(invoiceWorkflowId(promised.invoiceId)).executeUpdate(promiseToPayUpdate, {
    args: [{ promiseId: `PTP-${promised.invoiceId}`, payBy, actor: 'demo' }],
  });

  return {
    seeded: true,
    debtors: demoDebtors.length,
    invoices: invoices.length,
    highlights: [
      `Reg F: ${regFInvoice.invoiceId} (${regF.facts.name}) lives in ${regF.facts.timeZone} but may be in ${regF.candidateTimeZones.join(', ')}: its notice is deferred until it is 08:00 there`,
      `Dispute: ${disputed.invoiceId} (${disputed.debtor.name}) is paused until the dispute is resolved`,
      `Promise to pay: ${promised.invoiceId} (${promised.debtor.name}) promised to pay by ${payBy}`,
    ],
  };
}
