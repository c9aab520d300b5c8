/**
 * The send activity against real PostgreSQL, a real SMTP server and the Twilio stand-in: exactly-once by
 * outbox, the window re-check at the instant of sending, the per-debtor budget and consolidation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, type Query } from 'drizzle-orm';
import { webhookSubscriptions } from '../../db/api-schema.js';
import { debtors, invoices, messages, webhookOutbox } from '../../db/schema.js';
import { recordInvoiceActivity } from '../../activities/invoice-mirror.js';
import { sendMessageActivity } from '../../activities/send-message.js';
import { acceptedNotRecorded, type ProviderAcceptance, type SendMessageInput } from '../../activities/contracts.js';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { MessageRenderer } from '../../activities/ports.js';
import type { InvoiceState } from '../../dunning/invoice-state.js';
import { createTestDatabase } from '../harness/database.js';
import { startTestChannels, type TestChannels } from '../harness/channels.js';

// The activity's contract with the renderer, not the renderer itself (which has its own tests).
const render: MessageRenderer = async ({ channel, template, invoiceState, otherInvoices }) => {
  const others = otherInvoices.map((i) => i.externalId);
  const number = invoiceState.invoice.number;
  const text = `[${template}] ${number} is due${others.length ? `; also due: ${others.join(', ')}` : ''}`;
  return channel === 'email' ? { subject: `Invoice ${number}`, text, html: `<p>${text}</p>` } : { text };
};

// Only what the renderer above reads; the full state comes from the workflow in production.
const stateOf = (number: string) => ({ invoice: { number } }) as unknown as InvoiceState;

const at = (iso: string) => () => new Date(iso);

describe('sendMessage activity', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let channels: TestChannels;
  beforeAll(async () => {
    [database, channels] = await Promise.all([createTestDatabase(), startTestChannels({ deliveryOutcome: () => 'delivered' })]);
  });
  afterAll(async () => {
    await Promise.all([database?.close(), channels?.close()]);
  });

  async function openInvoice(externalId: string, debtorId: string, nextActionAt = '2026-03-02T15:00:00Z'): Promise<void> {
    await recordInvoiceActivity(database.db)({
      externalId,
      debtor: { id: debtorId, name: 'Ana Díaz', timeZone: 'America/New_York', locale: 'en-US', segment: 'smb' },
      currency: 'USD',
      amountMinor: 120_000,
      balanceMinor: 120_000,
      issuedOn: '2026-01-30',
      dueOn: '2026-03-01',
      status: 'open',
      policyId: 'b2b-net30-standard',
      policyVersion: 1,
      nextActionAt,
    });
    // Texts to mobiles need prior express consent (TCPA); these debtors gave it when they signed up.
    await database.db.update(debtors).set({ complianceContext: { tcpaConsent: { at: '2025-06-01T12:00:00Z' } } }).where(eq(debtors.id, debtorId));
  }

  function input(overrides: Partial<SendMessageInput> & Pick<SendMessageInput, 'invoiceExternalId' | 'debtorId'>): SendMessageInput {
    const workflowId = `invoice-${overrides.invoiceExternalId}`;
    return {
      idempotencyKey: `${workflowId}:due-today:2026-03-02`,
      workflowId,
      stepId: 'due-today',
      channel: 'email',
      recipient: 'ana@debtor.example',
      template: 'due-today',
      locale: 'en-US',
      invoiceState: stateOf(overrides.invoiceExternalId),
      policy: { id: 'b2b-net30-standard', version: 1, contentHash: 'sha256:x', profile: 'commercial', maxSmsSegments: 2 },
      budget: { consolidate: false },
      // 09:00–17:00 New York on 2026-03-02
      window: { notBefore: '2026-03-02T14:00:00Z', notAfter: '2026-03-02T22:00:00Z', timeZone: 'America/New_York' },
      ...overrides,
    };
  }

  it('sends an email once; a retry with the same key sends nothing and reports the first send', async () => {
    await openInvoice('INV-100', 'D-100');
    const send = sendMessageActivity({ db: database.db, render, email: channels.email, sms: channels.sms, wallClock: at('2026-03-02T15:00:05Z') });
    const first = await send(input({ invoiceExternalId: 'INV-100', debtorId: 'D-100' }));
    const second = await send(input({ invoiceExternalId: 'INV-100', debtorId: 'D-100' }));
    expect(first).toMatchObject({ outcome: 'sent', duplicateSuppressed: false, coversInvoices: ['INV-100'] });
    expect(second).toMatchObject({ outcome: 'sent', duplicateSuppressed: true, providerMessageId: first.outcome === 'sent' ? first.providerMessageId : '' });
    const mail = await channels.mail.waitFor((m) => m.subject === 'Invoice INV-100');
    expect(mail.headers['x-dunmore-idempotency-key']).toBe('invoice-INV-100:due-today:2026-03-02');
    expect(mail.messageId).toBe(first.outcome === 'sent' ? first.providerMessageId : '');
    expect(channels.mail.messages().filter((m) => m.subject === 'Invoice INV-100')).toHaveLength(1);
    const [row] = await database.db.select().from(messages).where(eq(messages.idempotencyKey, 'invoice-INV-100:due-today:2026-03-02'));
    expect(row).toMatchObject({ status: 'sent', bodyHtml: '<p>[due-today] INV-100 is due</p>', recipient: 'ana@debtor.example' });
    expect(row?.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('holds a message whose window closed between queueing (20:58) and sending (21:02 local)', async () => {
    await openInvoice('INV-101', 'D-101');
    const send = sendMessageActivity({ db: database.db, render, email: channels.email, sms: channels.sms, wallClock: at('2026-03-03T02:02:00Z') });
    const result = await send(
      input({ invoiceExternalId: 'INV-101', debtorId: 'D-101', window: { notBefore: '2026-03-02T14:00:00Z', notAfter: '2026-03-03T02:00:00Z', timeZone: 'America/New_York' } }),
    );
    expect(result).toMatchObject({ outcome: 'held', rule: 'policy.sendWindow' });
    expect(result.outcome === 'held' && result.reason).toContain('2026-03-02 21:02');
    expect(await database.db.select().from(messages).where(eq(messages.invoiceExternalId, 'INV-101'))).toEqual([]);
  });

  it('sends an SMS through Twilio once, and after a crash mid-send reconciles instead of resending', async () => {
    await openInvoice('INV-102', 'D-102');
    const send = sendMessageActivity({ db: database.db, render, email: channels.email, sms: channels.sms, wallClock: at('2026-03-02T15:00:05Z') });
    const sms = input({ invoiceExternalId: 'INV-102', debtorId: 'D-102', channel: 'sms', recipient: '+14155550142', idempotencyKey: 'invoice-INV-102:overdue-7:2026-03-02' });
    const sent = await send(sms);
    expect(sent).toMatchObject({ outcome: 'sent' });
    // Simulate a worker that died after Twilio accepted the message but before the outbox was marked sent.
    await database.db.update(messages).set({ status: 'sending', providerMessageId: null }).where(eq(messages.idempotencyKey, sms.idempotencyKey));
    const retried = await send(sms);
    expect(retried).toMatchObject({ outcome: 'sent', providerMessageId: sent.outcome === 'sent' ? sent.providerMessageId : '' });
    expect(channels.twilio.messages().filter((m) => m.to === '+14155550142')).toHaveLength(1);
    expect(channels.twilio.violations()).toEqual([]);
  });

  it('a local attempt whose outbox update fails hands its acceptance over; the durable attempt records it without resending', async () => {
    await openInvoice('INV-106', 'D-106');
    const deps = { db: database.db, render, email: channels.email, sms: channels.sms, wallClock: at('2026-03-02T15:00:05Z') };
    // PostgreSQL fails right after the SMTP server accepted the message: only the "mark sent" update fails.
    const session = database.db._.session;
    const failingSession = new Proxy(session, {
      get: (target, property, receiver) =>
        property === 'prepareQuery'
          ? (query: Query, ...rest: unknown[]) =>
              query.sql.startsWith('update "messages"')
                ? { execute: () => Promise.reject(new Error('connection terminated')) }
                : (target.prepareQuery as (...args: unknown[]) => unknown).call(target, query, ...rest)
          : Reflect.get(target, property, receiver),
    });
    const failingUpdates = new Proxy(database.db, {
      get: (target, property, receiver) => (property === '_' ? { ...target._, session: failingSession } : Reflect.get(target, property, receiver)),
    });
    const email = input({ invoiceExternalId: 'INV-106', debtorId: 'D-106', idempotencyKey: 'k-106' });
    const local = new MockActivityEnvironment({ isLocal: true });
    const failure = await local.run(sendMessageActivity({ ...deps, db: failingUpdates }), email).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: acceptedNotRecorded, details: [{ idempotencyKey: 'k-106', providerMessageId: expect.stringMatching(/^<.+>$/) }] });
    const acceptedBefore = (failure as ApplicationFailure).details?.[0] as ProviderAcceptance;
    const durable = await sendMessageActivity(deps)({ ...email, acceptedBefore });
    expect(durable).toMatchObject({ outcome: 'sent', providerMessageId: acceptedBefore.providerMessageId });
    expect(channels.mail.messages().filter((m) => m.subject === 'Invoice INV-106')).toHaveLength(1);
  });

  it('reports an address the provider refuses for good, so the workflow can use the fallback channel', async () => {
    await openInvoice('INV-103', 'D-103');
    const send = sendMessageActivity({ db: database.db, render, email: channels.email, sms: channels.sms, wallClock: at('2026-03-02T15:00:05Z') });
    const result = await send(input({ invoiceExternalId: 'INV-103', debtorId: 'D-103', channel: 'sms', recipient: '+1555', idempotencyKey: 'k-103' }));
    expect(result).toMatchObject({ outcome: 'failed', errorCode: '21211' });
    expect(channels.twilio.takeViolations()).toHaveLength(1); // the invalid 'To' we sent on purpose
  });

  it('retries (throws) while the SMTP server refuses sessions, then delivers once', async () => {
    await openInvoice('INV-104', 'D-104');
    const send = sendMessageActivity({ db: database.db, render, email: channels.email, sms: channels.sms, wallClock: at('2026-03-02T15:00:05Z') });
    channels.mail.refuseSessions(true);
    await expect(send(input({ invoiceExternalId: 'INV-104', debtorId: 'D-104', idempotencyKey: 'k-104' }))).rejects.toThrow();
    channels.mail.refuseSessions(false);
    await expect(send(input({ invoiceExternalId: 'INV-104', debtorId: 'D-104', idempotencyKey: 'k-104' }))).resolves.toMatchObject({ outcome: 'sent' });
    expect(channels.mail.messages().filter((m) => m.subject === 'Invoice INV-104')).toHaveLength(1);
  });

  it('five invoices of one debtor reaching a step at once produce exactly the budgeted messages', async () => {
    const ids = ['INV-201', 'INV-202', 'INV-203', 'INV-204', 'INV-205'];
    for (const id of ids) await openInvoice(id, 'D-200');
    const send = sendMessageActivity({ db: database.db, render, email: channels.email, sms: channels.sms, wallClock: at('2026-03-02T15:00:05Z') });
    const results = await Promise.all(
      ids.map((id) => send(input({ invoiceExternalId: id, debtorId: 'D-200', idempotencyKey: `invoice-${id}:due-today:2026-03-02`, budget: { consolidate: false, maxPerDay: 2, maxPerWeek: 3 } }))),
    );
    expect(results.filter((r) => r.outcome === 'sent')).toHaveLength(2);
    const deferred = results.filter((r) => r.outcome === 'deferred');
    expect(deferred).toHaveLength(3);
    // Deferred to the debtor's next local midnight, 2026-03-03 00:00 New York.
    expect(deferred.every((r) => r.outcome === 'deferred' && r.until === '2026-03-03T05:00:00.000Z')).toBe(true);
    expect(await database.db.select().from(messages).where(eq(messages.debtorId, 'D-200'))).toHaveLength(2);
  });

  it('consolidates coinciding steps of one debtor into one message that covers every due invoice', async () => {
    const ids = ['INV-301', 'INV-302', 'INV-303', 'INV-304', 'INV-305'];
    for (const id of ids) await openInvoice(id, 'D-300');
    const send = sendMessageActivity({ db: database.db, render, email: channels.email, sms: channels.sms, wallClock: at('2026-03-02T15:00:05Z') });
    const results = await Promise.all(
      ids.map((id) => send(input({ invoiceExternalId: id, debtorId: 'D-300', idempotencyKey: `invoice-${id}:due-today:2026-03-02`, budget: { consolidate: true, maxPerWeek: 3 } }))),
    );
    const sent = results.filter((r) => r.outcome === 'sent');
    expect(sent).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'covered')).toHaveLength(4);
    expect(sent[0]?.outcome === 'sent' && [...sent[0].coversInvoices].sort()).toEqual(ids);
    const mails = channels.mail.messages().filter((m) => ids.some((id) => m.subject === `Invoice ${id}`));
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toMatch(/also due: INV-\d{3}, INV-\d{3}, INV-\d{3}, INV-\d{3}/);
  });

  it('writes the mirror the workflow projected once the message is out, completing message.sent with the provider\'s answer', async () => {
    await openInvoice('INV-400', 'D-400');
    await openInvoice('INV-501', 'D-500');
    await openInvoice('INV-502', 'D-500');
    const send = sendMessageActivity({ db: database.db, render, email: channels.email, sms: channels.sms, wallClock: at('2026-03-02T15:00:05Z') });
    const projected = (externalId: string, debtorId: string): NonNullable<SendMessageInput['mirrorIfSent']> => ({
      externalId,
      debtor: { id: debtorId, name: 'Ana Díaz', timeZone: 'America/New_York', locale: 'en-US', segment: 'smb' },
      currency: 'USD', amountMinor: 120_000, balanceMinor: 120_000, issuedOn: '2026-01-30', dueOn: '2026-03-01', status: 'open',
      policyId: 'b2b-net30-standard', policyVersion: 1, nextActionAt: '2026-03-09T15:00:00Z',
      workflowId: `invoice-${externalId}`, seq: 2, summary: { nextStep: 'overdue-7' },
      webhookEvents: [{
        deliveryId: `invoice-${externalId}:1`, type: 'message.sent', invoiceId: externalId, occurredAt: '2026-03-02T15:00:00Z',
        data: { kind: 'sent', reason: 'email sent to ana@debtor.example', idempotencyKey: `invoice-${externalId}:due-today:2026-03-02` },
      }],
    });

    const alone = await send(input({ invoiceExternalId: 'INV-400', debtorId: 'D-400', mirrorIfSent: projected('INV-400', 'D-400') }));
    expect(alone).toMatchObject({ outcome: 'sent', mirrored: true });
    const [mirror] = await database.db.select().from(invoices).where(eq(invoices.externalId, 'INV-400'));
    expect(mirror).toMatchObject({ summary: { nextStep: 'overdue-7' }, syncedSeq: 2 });
    expect(mirror?.nextActionAt?.toISOString()).toBe('2026-03-09T15:00:00.000Z');

    // A message covering two invoices reads differently from the projection: the workflow writes the mirror.
    const results = await Promise.all(
      ['INV-501', 'INV-502'].map((id) =>
        send(input({ invoiceExternalId: id, debtorId: 'D-500', idempotencyKey: `invoice-${id}:due-today:2026-03-02`, budget: { consolidate: true }, mirrorIfSent: projected(id, 'D-500') })),
      ),
    );
    const consolidated = results.find((r) => r.outcome === 'sent');
    expect(consolidated).toMatchObject({ outcome: 'sent', mirrored: false });
    const rows = await database.db.select().from(invoices).where(eq(invoices.debtorId, 'D-500'));
    expect(rows.map((r) => r.syncedSeq)).toEqual([0, 0]);
  });

  it('declines the mirror write that fails, says why in the activity log, and still reports the message sent', async () => {
    await openInvoice('INV-600', 'D-600');
    const warnings: Array<{ message: string; meta: Record<string, unknown> | undefined }> = [];
    const logger = new DefaultLogger('WARN', (entry) => warnings.push({ message: entry.message, meta: entry.meta }));
    const env = new MockActivityEnvironment({}, { logger });
    const send = sendMessageActivity({ db: database.db, render, email: channels.email, sms: channels.sms, wallClock: at('2026-03-02T15:00:05Z') });
    const email = input({ invoiceExternalId: 'INV-600', debtorId: 'D-600', idempotencyKey: 'k-600' });
    const result = await env.run(send, {
      ...email,
      mirrorIfSent: {
        // A currency the mirror's check constraint rejects: the write fails after the message went out.
        externalId: 'INV-600', debtor: { id: 'D-600', name: 'Ana Díaz', timeZone: 'America/New_York', locale: 'en-US', segment: 'smb' },
        currency: 'usd', amountMinor: 120_000, balanceMinor: 120_000, issuedOn: '2026-01-30', dueOn: '2026-03-01', status: 'open',
        policyId: 'b2b-net30-standard', policyVersion: 1, nextActionAt: null, workflowId: 'invoice-INV-600', seq: 2, summary: {}, webhookEvents: [],
      },
    });
    expect(result).toMatchObject({ outcome: 'sent', mirrored: false });
    expect(warnings).toEqual([expect.objectContaining({ message: expect.stringContaining('mirror write after a sent message failed'), meta: expect.objectContaining({ idempotencyKey: 'k-600', error: expect.stringContaining('invoices_currency_iso4217') }) })]);
  });

  it('puts the provider\'s answer into the projected message.sent event it writes to the outbox', async () => {
    await openInvoice('INV-600', 'D-600');
    await database.db.insert(webhookSubscriptions).values({ id: 'wh_send_mirror', url: 'http://127.0.0.1:9/hooks', secret: 'whsec_x', events: ['message.sent'], createdBy: 'test' });
    try {
      const send = sendMessageActivity({ db: database.db, render, email: channels.email, sms: channels.sms, wallClock: at('2026-03-02T15:00:05Z') });
      const key = 'invoice-INV-600:due-today:2026-03-02';
      const result = await send(input({
        invoiceExternalId: 'INV-600', debtorId: 'D-600',
        mirrorIfSent: {
          externalId: 'INV-600', debtor: { id: 'D-600', name: 'Ana Díaz', timeZone: 'America/New_York', locale: 'en-US', segment: 'smb' },
          currency: 'USD', amountMinor: 120_000, balanceMinor: 120_000, issuedOn: '2026-01-30', dueOn: '2026-03-01', status: 'open',
          policyId: 'b2b-net30-standard', policyVersion: 1, nextActionAt: null, workflowId: 'invoice-INV-600', seq: 2, summary: {},
          webhookEvents: [{ deliveryId: 'invoice-INV-600:1', type: 'message.sent', invoiceId: 'INV-600', occurredAt: '2026-03-02T15:00:00Z', data: { kind: 'sent', idempotencyKey: key } }],
        },
      }));
      expect(result.outcome === 'sent' && result.mirrored).toBe(true);
      const [event] = await database.db.select().from(webhookOutbox).where(eq(webhookOutbox.deliveryId, 'invoice-INV-600:1'));
      expect(event?.payload).toMatchObject({ type: 'message.sent', data: { idempotencyKey: key, providerMessageId: result.outcome === 'sent' ? result.providerMessageId : 'x', contentHash: expect.stringMatching(/^sha256:/) } });
    } finally {
      await database.db.delete(webhookSubscriptions).where(eq(webhookSubscriptions.id, 'wh_send_mirror'));
    }
  });
});
