/**
 * Debtors: their profile and how we may reach them (contact points with types, zones, consents), the events that
 * restrict contact (cease, opt-out, attorney, inconvenient times…), the contact log, and the collector's pre-dial
 * check. Cease and opt-out events are also signalled to every open invoice of the debtor, so no workflow sends
 * another message after the API has acknowledged them.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { and, asc, desc, eq, gte, sql } from 'drizzle-orm';
import { IANAZone } from 'luxon';
import type { FastifyInstance } from 'fastify';
import { preDialCheck } from '../services/pre-dial.js';
import { contactAttempts, debtorEvents, debtors, invoices, messages } from '../../db/schema.js';
import { invoiceRequests } from '../../db/api-schema.js';
import { ceaseCommunicationSignal, invoiceWorkflowId, optOutSignal } from '../../workflows/invoice/messages.js';
import { badRequest, notFound, type FieldProblem } from '../errors.js';
import { oneOf, closed, E164, ExternalId, Instant, JsonObject, Locale, TimeZone, withErrors } from '../schemas.js';
import { actorLabel } from '../services/audit.js';
import { actorOf, audited, services } from '../services/context.js';
import { SegmentName } from './invoice-schemas.js';

const DebtorParams = closed({ debtorId: ExternalId });

const ContactPoint = closed({
  type: oneOf(['email', 'mobile', 'landline-home', 'landline-work']),
  address: Type.String({ minLength: 3, maxLength: 254 }),
  /** Email only: the address was provided by the debtor's employer (1006.22(f)(3)). */
  employerProvided: Type.Optional(Type.Boolean()),
  /** Email/SMS: the 1006.6(d) procedure paragraph relied on, e.g. "1006.6(d)(4)(i)(A)". */
  basis: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});

const DebtorBody = closed({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  timeZone: TimeZone,
  candidateTimeZones: Type.Optional(Type.Array(TimeZone, { maxItems: 10 })),
  locale: Type.Optional(Locale),
  segment: Type.Optional(SegmentName),
  contactPoints: Type.Optional(Type.Array(ContactPoint, { maxItems: 20 })),
  consents: Type.Optional(
    closed({
      /** Prior express consent for automated texts and prerecorded calls to mobiles (TCPA). */
      tcpa: Type.Optional(closed({ at: Instant })),
      email: Type.Optional(closed({ writtenConsentAt: Instant })),
      sms: Type.Optional(closed({ writtenConsentAt: Instant })),
    }),
  ),
  /** Compliance facts: state, city, debtor type, collector type, validation notice… (CASE-FORMAT.md `context`). */
  compliance: Type.Optional(
    closed({
      state: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
      city: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      debtorType: Type.Optional(Type.Union([Type.Literal('natural-person'), Type.Literal('entity')])),
      debtPurpose: Type.Optional(Type.Union([Type.Literal('consumer'), Type.Literal('commercial')])),
      collectorType: Type.Optional(Type.Union([Type.Literal('first-party'), Type.Literal('third-party')])),
      initialCommunicationAt: Type.Optional(Instant),
      timeBarred: Type.Optional(Type.Boolean()),
    }),
  ),
});

const eventTypes = [
  'cease', 'refusal_to_pay', 'dispute', 'verification_sent', 'original_creditor_request', 'original_creditor_sent', 'optout', 'tcpa_revocation',
  'medium_restriction', 'attorney_rep', 'attorney_consent', 'consent_to_call', 'consent_revoked', 'time_consent', 'inconvenient_time',
  'inconvenient_place', 'employer_prohibits', 'wrong_number', 'consumer_message', 'undeliverable',
] as const;
const Weekday = oneOf(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);
const WallTime = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'HH:MM, debtor-local' });

const DebtorEventBody = closed({
  type: oneOf(eventTypes),
  /** When it was received (effective from then); defaults to now. Never in the future. */
  at: Type.Optional(Instant),
  debtId: Type.Optional(ExternalId),
  receivedVia: Type.Optional(oneOf(['mail', 'email', 'portal', 'phone', 'sms', 'in_person', 'fax'])),
  written: Type.Optional(Type.Boolean()),
  channel: Type.Optional(oneOf(['call', 'sms', 'email', 'letter', 'ringless_voicemail'])),
  address: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
  keyword: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  text: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  scope: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  place: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  attorneyNameAddressKnown: Type.Optional(Type.Boolean()),
  validFrom: Type.Optional(Type.String({ minLength: 10, maxLength: 40 })),
  validTo: Type.Optional(Type.String({ minLength: 10, maxLength: 40 })),
  window: Type.Optional(closed({ date: Type.String({ format: 'date' }), from: WallTime, to: WallTime })),
  days: Type.Optional(Type.Array(Weekday, { minItems: 1, maxItems: 7 })),
  from: Type.Optional(WallTime),
  to: Type.Optional(WallTime),
  number: Type.Optional(Type.String({ minLength: 3, maxLength: 32 })),
});
type DebtorEventInput = Static<typeof DebtorEventBody>;

const ContactAttemptBody = closed({
  at: Instant,
  channel: oneOf(['call', 'ringless_voicemail', 'sms', 'email', 'letter', 'social_media', 'in_person']),
  outcome: oneOf(['placed', 'voicemail', 'conversation', 'email_sent', 'sms_sent', 'letter_sent']),
  debtId: Type.Optional(ExternalId),
  direction: Type.Optional(Type.Union([Type.Literal('outbound'), Type.Literal('inbound')])),
  connected: Type.Optional(Type.Boolean()),
  disposition: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  to: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
  callId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
});

const PreDialBody = closed({
  invoiceId: ExternalId,
  /** The number about to be dialled (a number or a label from the debtor's contact points). */
  to: Type.Optional(Type.Union([E164, Type.String({ minLength: 1, maxLength: 64 })])),
  /** Defaults to now: the instant of the dial. */
  at: Type.Optional(Instant),
});

const Decision = Type.Object({
  debtorId: Type.String(),
  invoiceId: Type.String(),
  decision: Type.Union([Type.Literal('allow'), Type.Literal('deny'), Type.Literal('defer')]),
  until: Type.Optional(Type.String()),
  basis: Type.String(),
  rules: Type.Array(Type.String()),
  reasons: Type.Array(Type.String()),
  ruleVersion: Type.String(),
  evaluatedAt: Type.String(),
  counted: Type.Array(Type.String()),
});

type DebtorInput = Static<typeof DebtorBody>;

function debtorProblems(body: DebtorInput): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const zones = [['body.timeZone', body.timeZone], ...(body.candidateTimeZones ?? []).map((z, i) => [`body.candidateTimeZones.${i}`, z])] as const;
  for (const [field, zone] of zones) if (!IANAZone.isValidZone(zone)) problems.push({ field, message: `${JSON.stringify(zone)} is not an IANA time zone; use e.g. America/Chicago` });
  (body.contactPoints ?? []).forEach((point, i) => {
    const validAddress = point.type === 'email' ? /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(point.address) : new RegExp(E164.pattern ?? '').test(point.address);
    if (!validAddress) problems.push({ field: `body.contactPoints.${i}.address`, message: `${JSON.stringify(point.address)} is not ${point.type === 'email' ? 'an email address' : 'an E.164 number such as +14155550142'}` });
    if (point.type !== 'email' && point.employerProvided !== undefined) problems.push({ field: `body.contactPoints.${i}.employerProvided`, message: 'applies to email addresses only; remove it' });
  });
  return problems;
}

/** The debtor's compliance context (CASE-FORMAT.md `context`) from the profile body. */
function complianceContext(body: DebtorInput): Record<string, unknown> {
  const numbers: Record<string, string> = {};
  const emails: Record<string, { employerProvided: boolean; basis?: string }> = {};
  for (const point of body.contactPoints ?? []) {
    if (point.type === 'email') emails[point.address] = { employerProvided: point.employerProvided ?? false, ...(point.basis ? { basis: point.basis } : {}) };
    else numbers[point.address] = point.type;
  }
  const consents = body.consents ?? {};
  return {
    ...(body.compliance ?? {}),
    ...(Object.keys(numbers).length ? { numbers } : {}),
    ...(Object.keys(emails).length ? { emails } : {}),
    ...(consents.tcpa ? { tcpaConsent: consents.tcpa } : {}),
    ...(consents.email || consents.sms ? { electronicConsent: { ...(consents.email ? { email: consents.email } : {}), ...(consents.sms ? { sms: consents.sms } : {}) } } : {}),
    contactPoints: body.contactPoints ?? [],
  };
}

async function requireDebtor(app: FastifyInstance, debtorId: string): Promise<typeof debtors.$inferSelect> {
  const [row] = await app.deps.database.db.select().from(debtors).where(eq(debtors.id, debtorId));
  if (!row) throw notFound('debtor', debtorId, 'create it with PUT /v1/debtors/{debtorId} or by creating one of its invoices');
  return row;
}

/** Invoices of the debtor whose workflows may still be running: created through the API and not closed in the mirror. */
async function openInvoiceIds(app: FastifyInstance, debtorId: string): Promise<string[]> {
  const { db } = app.deps.database;
  const requested = await db
    .select({ externalId: invoiceRequests.externalId })
    .from(invoiceRequests)
    .where(sql`${invoiceRequests.request} -> 'debtor' ->> 'id' = ${debtorId}`);
  const mirrored = await db.select({ externalId: invoices.externalId, status: invoices.status }).from(invoices).where(eq(invoices.debtorId, debtorId));
  const closedIds = new Set(mirrored.filter((m) => m.status !== 'open').map((m) => m.externalId));
  return [...new Set([...requested.map((r) => r.externalId), ...mirrored.filter((m) => m.status === 'open').map((m) => m.externalId)])].filter((id) => !closedIds.has(id)).sort();
}

export const debtorRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { workflows } = services(app);

  app.put(
    '/debtors/:debtorId',
    {
      config: { roles: ['ops', 'integrator'] },
      schema: { tags: ['debtors'], summary: 'Create or replace a debtor profile: zone, locale, contact points, consents, compliance facts', params: DebtorParams, body: DebtorBody, response: withErrors({ 200: JsonObject, 201: JsonObject }) },
    },
    async (request, reply) => {
      const { debtorId } = request.params;
      const problems = debtorProblems(request.body);
      if (problems.length > 0) throw badRequest(problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);
      const body = request.body;
      const values = {
        name: body.name,
        timeZone: body.timeZone,
        locale: body.locale ?? 'en-US',
        segment: body.segment ?? 'unassigned',
        complianceContext: complianceContext(body),
        candidateTimeZones: body.candidateTimeZones ?? [],
        updatedAt: app.deps.clock(),
      };
      const created = await audited(app, request, { action: 'debtor.upsert', targetType: 'debtor', targetId: debtorId, detail: { ...body } }, async (tx) => {
        const [before] = await tx.select({ id: debtors.id }).from(debtors).where(eq(debtors.id, debtorId)).for('update');
        await tx.insert(debtors).values({ id: debtorId, ...values }).onConflictDoUpdate({ target: debtors.id, set: values });
        return !before;
      });
      return reply.status(created ? 201 : 200).send({ id: debtorId, ...values, updatedAt: values.updatedAt.toISOString() });
    },
  );

  app.get(
    '/debtors/:debtorId',
    { config: { roles: ['ops', 'collector', 'compliance', 'integrator'] }, schema: { tags: ['debtors'], summary: 'A debtor with its contact events and open invoices', params: DebtorParams, response: withErrors({ 200: JsonObject }) } },
    async (request) => {
      const debtor = await requireDebtor(app, request.params.debtorId);
      const events = await app.deps.database.db.select().from(debtorEvents).where(eq(debtorEvents.debtorId, debtor.id)).orderBy(asc(debtorEvents.at));
      return {
        ...debtor,
        createdAt: debtor.createdAt.toISOString(),
        updatedAt: debtor.updatedAt.toISOString(),
        events: events.map((e) => ({ ...e, at: e.at.toISOString(), createdAt: e.createdAt.toISOString() })),
        openInvoices: await openInvoiceIds(app, debtor.id),
      };
    },
  );

  app.post(
    '/debtors/:debtorId/events',
    {
      config: { roles: ['ops', 'collector', 'compliance'] },
      schema: {
        tags: ['debtors'],
        summary: 'Record what the debtor did that restricts contact: cease, opt-out, attorney, inconvenient time…',
        description: 'cease and refusal_to_pay stop every open invoice of the debtor; optout (email or sms) stops that channel. Every event is read by the compliance gate before each contact.',
        params: DebtorParams,
        body: DebtorEventBody,
        response: withErrors({ 201: Type.Object({ id: Type.String(), debtorId: Type.String(), type: Type.String(), at: Type.String(), signalled: Type.Array(Type.String()) }) }),
      },
    },
    async (request, reply) => {
      const { debtorId } = request.params;
      await requireDebtor(app, debtorId);
      const { type, at, debtId, ...payload } = request.body as DebtorEventInput;
      const now = app.deps.clock();
      const receivedAt = at ? new Date(at) : now;
      if (receivedAt.getTime() > now.getTime() + 60_000) {
        throw badRequest('body.at is in the future', [{ field: 'body.at', message: `${at} is in the future; events take effect when received: leave it out or give the receipt time` }]);
      }
      if (type === 'optout' && payload.channel !== 'email' && payload.channel !== 'sms' && !payload.keyword && !payload.text) {
        throw badRequest('body.channel is required for optout', [{ field: 'body.channel', message: 'is required for an optout: "email" or "sms" (or give the keyword/text the debtor sent)' }]);
      }
      const id = `evt-${randomUUID()}`;
      const actor = actorOf(request);
      await audited(app, request, { action: 'debtor.event', targetType: 'debtor', targetId: debtorId, detail: { id, ...request.body } }, async (tx) => {
        await tx.insert(debtorEvents).values({ id, debtorId, debtId: debtId ?? null, type, at: receivedAt, payload, recordedBy: actorLabel(actor) });
      });
      // After the commit: the row is the record of receipt; the signals make running workflows stop at once.
      const signalled: string[] = [];
      const targets = debtId ? [debtId] : await openInvoiceIds(app, debtorId);
      for (const invoiceId of targets) {
        const workflowId = invoiceWorkflowId(invoiceId);
        let sent = false;
        if (type === 'cease' || type === 'refusal_to_pay') {
          sent = await workflows.signalIfOpen(workflowId, (h) => h.signal(ceaseCommunicationSignal, { source: `${type} via ${payload.receivedVia ?? 'unspecified'} (${id})`, receivedAt: receivedAt.toISOString() }));
        } else if (type === 'optout' && (payload.channel === 'email' || payload.channel === 'sms')) {
          const channel = payload.channel;
          sent = await workflows.signalIfOpen(workflowId, (h) => h.signal(optOutSignal, { channel, ...(payload.address ? { address: payload.address } : {}), source: `optout ${id}` }));
        }
        if (sent) signalled.push(invoiceId);
      }
      return reply.status(201).send({ id, debtorId, type, at: receivedAt.toISOString(), signalled });
    },
  );

  app.get(
    '/debtors/:debtorId/contact-log',
    {
      config: { roles: ['ops', 'collector', 'compliance'] },
      schema: {
        tags: ['debtors'],
        summary: 'Every contact attempt and message to the debtor, newest first',
        params: DebtorParams,
        querystring: closed({ since: Type.Optional(Instant), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })) }),
        response: withErrors({ 200: Type.Object({ debtorId: Type.String(), attempts: Type.Array(JsonObject), messages: Type.Array(JsonObject) }) }),
      },
    },
    async (request) => {
      const { debtorId } = request.params;
      await requireDebtor(app, debtorId);
      const since = request.query.since ? new Date(request.query.since) : new Date(0);
      const limit = request.query.limit ?? 200;
      const { db } = app.deps.database;
      const attempts = await db.select().from(contactAttempts).where(and(eq(contactAttempts.debtorId, debtorId), gte(contactAttempts.at, since))).orderBy(desc(contactAttempts.at)).limit(limit);
      const sent = await db
        .select({ idempotencyKey: messages.idempotencyKey, invoiceExternalId: messages.invoiceExternalId, stepId: messages.stepId, channel: messages.channel, recipient: messages.recipient, status: messages.status, subject: messages.subject, contentHash: messages.contentHash, createdAt: messages.createdAt, sentAt: messages.sentAt })
        .from(messages)
        .where(and(eq(messages.debtorId, debtorId), gte(messages.createdAt, since)))
        .orderBy(desc(messages.createdAt))
        .limit(limit);
      const iso = (d: Date | null) => (d ? d.toISOString() : null);
      return {
        debtorId,
        attempts: attempts.map((a) => ({ ...a, at: a.at.toISOString(), createdAt: a.createdAt.toISOString() })),
        messages: sent.map((m) => ({ ...m, createdAt: m.createdAt.toISOString(), sentAt: iso(m.sentAt) })),
      };
    },
  );

  app.post(
    '/debtors/:debtorId/contact-attempts',
    {
      config: { roles: ['ops', 'collector'] },
      schema: { tags: ['debtors'], summary: 'Log a contact attempt made outside Dunmore (a call from the dialler)', params: DebtorParams, body: ContactAttemptBody, response: withErrors({ 201: JsonObject }) },
    },
    async (request, reply) => {
      const { debtorId } = request.params;
      await requireDebtor(app, debtorId);
      const body = request.body;
      if (new Date(body.at).getTime() > app.deps.clock().getTime() + 60_000) {
        throw badRequest('body.at is in the future', [{ field: 'body.at', message: `${body.at} is in the future; log attempts after they happen` }]);
      }
      const id = `att-${randomUUID()}`;
      const actor = actorOf(request);
      const row = {
        id,
        debtorId,
        debtId: body.debtId ?? null,
        at: new Date(body.at),
        channel: body.channel,
        outcome: body.outcome,
        direction: body.direction ?? 'outbound',
        connected: body.connected ?? true,
        disposition: body.disposition ?? null,
        toAddress: body.to ?? null,
        callId: body.callId ?? null,
        recordedBy: actorLabel(actor),
      };
      await audited(app, request, { action: 'debtor.contact_attempt', targetType: 'debtor', targetId: debtorId, detail: { id, ...body } }, async (tx) => {
        await tx.insert(contactAttempts).values(row);
      });
      return reply.status(201).send({ ...row, at: row.at.toISOString() });
    },
  );

  app.post(
    '/debtors/:debtorId/pre-dial-check',
    {
      config: { roles: ['ops', 'collector', 'compliance'] },
      schema: {
        tags: ['debtors'],
        summary: 'May a collector call this debtor about this invoice now? Allow, deny, or defer until when, with citations',
        params: DebtorParams,
        body: PreDialBody,
        response: withErrors({ 200: Decision }),
      },
    },
    async (request) => {
      const { debtorId } = request.params;
      const { invoiceId, to } = request.body;
      const at = request.body.at ? new Date(request.body.at) : app.deps.clock();
      return preDialCheck(app.deps.database.db, app.deps.catalog, { debtorId, invoiceId, at, ...(to ? { to } : {}) });
    },
  );
};
