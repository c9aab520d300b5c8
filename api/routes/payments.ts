/**
 * Money and promises: payments (single and batch, idempotent by reference), promise to pay, disputes, pause and
 * resume. The workflow decides; PostgreSQL keeps what was accepted (for reporting) and the audit trail records who.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { and, eq, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { disputes, payments, promises } from '../../db/api-schema.js';
import { openDisputeUpdate, pauseUpdate, promiseToPayUpdate, recordPaymentUpdate, resolveDisputeUpdate, resumeUpdate } from '../../workflows/invoice/messages.js';
import { ApiProblem, conflict, notFound } from '../errors.js';
import { closed, ExternalId, InvoiceParams, JsonObject, withErrors } from '../schemas.js';
import { actorLabel } from '../services/audit.js';
import { actorOf, audited, requireCurrency, services } from '../services/context.js';
import { BatchPaymentBody, DisputeBody, PauseBody, PaymentBody, PromiseBody, ResolveDisputeBody, ResumeBody } from './invoice-schemas.js';

const stateResponse = withErrors({ 200: Type.Object({ externalId: Type.String(), state: JsonObject }) });
const asJson = (state: unknown): Record<string, unknown> => state as Record<string, unknown>;

interface PaymentInput {
  reference: string;
  currency: string;
  amountMinor: number;
  receivedOn?: string;
}

/** One payment: an exact replay is accepted again (200, no new row); the same reference with other values is 409. */
async function recordPayment(app: FastifyInstance, request: FastifyRequest, externalId: string, payment: PaymentInput): Promise<{ replayed: boolean; state: Record<string, unknown> }> {
  await requireCurrency(app, externalId, payment.currency, 'body.currency');
  const { db } = app.deps.database;
  const [existing] = await db.select().from(payments).where(and(eq(payments.invoiceExternalId, externalId), eq(payments.reference, payment.reference)));
  if (existing && (existing.amountMinor !== payment.amountMinor || existing.currency !== payment.currency)) {
    throw conflict('payment_reference_conflict', `payment ${payment.reference} on invoice ${externalId} was recorded as ${existing.amountMinor} ${existing.currency}; a reference names one payment: use a new reference for a new payment`, {
      differingFields: [...(existing.amountMinor !== payment.amountMinor ? ['amountMinor'] : []), ...(existing.currency !== payment.currency ? ['currency'] : [])],
    });
  }
  const actor = actorOf(request);
  // The workflow is idempotent by reference too, so a retry after a crash between these two steps converges.
  const state = await services(app).workflows.update(externalId, recordPaymentUpdate, { reference: payment.reference, amountMinor: payment.amountMinor, actor: actorLabel(actor) });
  if (!existing) {
    await audited(app, request, { action: 'payment.record', targetType: 'invoice', targetId: externalId, detail: { ...payment } }, async (tx) => {
      await tx
        .insert(payments)
        .values({ invoiceExternalId: externalId, reference: payment.reference, currency: payment.currency, amountMinor: payment.amountMinor, receivedOn: payment.receivedOn ?? null, recordedBy: actorLabel(actor) })
        .onConflictDoNothing();
    });
  }
  if (state.status !== 'open') await services(app).workflows.archive(externalId).catch((error: unknown) => request.log.warn({ err: error, externalId }, 'archive after close deferred'));
  return { replayed: Boolean(existing), state: asJson(state) };
}

export const paymentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { workflows } = services(app);

  app.post(
    '/invoices/:externalId/payments',
    {
      config: { roles: ['ops', 'collector', 'integrator'] },
      schema: { tags: ['payments'], summary: 'Record a payment (idempotent by reference)', params: InvoiceParams, body: PaymentBody, response: withErrors({ 200: Type.Object({ externalId: Type.String(), replayed: Type.Boolean(), state: JsonObject }), 201: Type.Object({ externalId: Type.String(), replayed: Type.Boolean(), state: JsonObject }) }) },
    },
    async (request, reply) => {
      const { externalId } = request.params;
      const result = await recordPayment(app, request, externalId, request.body);
      return reply.status(result.replayed ? 200 : 201).send({ externalId, ...result });
    },
  );

  app.post(
    '/payments/batch',
    {
      config: { roles: ['ops', 'integrator'] },
      schema: {
        tags: ['payments'],
        summary: 'Record up to 500 payments; each succeeds or fails on its own',
        body: BatchPaymentBody,
        response: withErrors({ 200: Type.Object({ results: Type.Array(Type.Object({ index: Type.Integer(), invoiceId: Type.String(), reference: Type.String(), statusCode: Type.Integer(), status: Type.Optional(Type.String()), error: Type.Optional(JsonObject) })) }) }),
      },
    },
    async (request) => {
      const results = [];
      // In order: two payments of one invoice must reach its workflow in the order the bank reported them.
      for (const [index, { invoiceId, ...payment }] of request.body.payments.entries()) {
        try {
          const { replayed, state } = await recordPayment(app, request, invoiceId, payment);
          results.push({ index, invoiceId, reference: payment.reference, statusCode: replayed ? 200 : 201, status: String(state.status) });
        } catch (error) {
          if (!(error instanceof ApiProblem)) throw error;
          results.push({ index, invoiceId, reference: payment.reference, statusCode: error.statusCode, error: { code: error.code, message: error.message } });
        }
      }
      return { results };
    },
  );

  app.post(
    '/invoices/:externalId/promises',
    { config: { roles: ['ops', 'collector'] }, schema: { tags: ['payments'], summary: 'Record a promise to pay', params: InvoiceParams, body: PromiseBody, response: stateResponse } },
    async (request) => {
      const { externalId } = request.params;
      const currency = await requireCurrency(app, externalId, request.body.currency, 'body.currency');
      const actor = actorOf(request);
      const promiseId = request.body.promiseId ?? `ptp-${randomUUID()}`;
      const state = await workflows.update(externalId, promiseToPayUpdate, {
        promiseId,
        payBy: request.body.payBy,
        ...(request.body.amountMinor !== undefined ? { amountMinor: request.body.amountMinor } : {}),
        actor: actorLabel(actor),
      });
      await audited(app, request, { action: 'promise.record', targetType: 'invoice', targetId: externalId, detail: { ...request.body, promiseId } }, async (tx) => {
        await tx
          .insert(promises)
          .values({ id: promiseId, invoiceExternalId: externalId, payBy: request.body.payBy, currency, amountMinor: request.body.amountMinor ?? null, recordedBy: actorLabel(actor) })
          .onConflictDoNothing();
      });
      return { externalId, state: asJson(state) };
    },
  );

  app.post(
    '/invoices/:externalId/disputes',
    { config: { roles: ['ops', 'collector', 'compliance'] }, schema: { tags: ['payments'], summary: 'Open a dispute (dunning pauses per the policy)', params: InvoiceParams, body: DisputeBody, response: stateResponse } },
    async (request) => {
      const { externalId } = request.params;
      const currency = await requireCurrency(app, externalId, request.body.currency, 'body.currency');
      const actor = actorOf(request);
      const disputeId = request.body.disputeId ?? `dsp-${randomUUID()}`;
      const state = await workflows.update(externalId, openDisputeUpdate, {
        disputeId,
        reason: request.body.reason,
        ...(request.body.amountMinor !== undefined ? { amountMinor: request.body.amountMinor } : {}),
        actor: actorLabel(actor),
      });
      await audited(app, request, { action: 'dispute.open', targetType: 'invoice', targetId: externalId, detail: { ...request.body, disputeId } }, async (tx) => {
        await tx
          .insert(disputes)
          .values({ id: disputeId, invoiceExternalId: externalId, currency, amountMinor: request.body.amountMinor ?? null, reason: request.body.reason, status: 'open', openedBy: actorLabel(actor) })
          .onConflictDoNothing();
      });
      return { externalId, state: asJson(state) };
    },
  );

  app.post(
    '/invoices/:externalId/disputes/:disputeId/resolve',
    {
      config: { roles: ['ops', 'compliance'] },
      schema: { tags: ['payments'], summary: 'Resolve a dispute: upheld, rejected, or credit', params: closed({ externalId: ExternalId, disputeId: ExternalId }), body: ResolveDisputeBody, response: stateResponse },
    },
    async (request) => {
      const { externalId, disputeId } = request.params;
      await requireCurrency(app, externalId, request.body.currency, 'body.currency');
      if (request.body.outcome === 'credit' && request.body.creditMinor === undefined) {
        throw new ApiProblem(400, 'invalid_request', 'body.creditMinor is required when outcome is credit', { errors: [{ field: 'body.creditMinor', message: 'is required when outcome is "credit": the amount credited in minor units' }] });
      }
      const current = await workflows.state(externalId);
      // Disputes are opened by update, so the mirror already holds every dispute this invoice has; a closed
      // invoice (archive) is left to the workflow's own 409.
      if (current.source !== 'archive' && !current.state.disputes.some((d) => d.disputeId === disputeId)) {
        throw notFound('dispute', disputeId, `invoice ${externalId} has disputes ${current.state.disputes.map((d) => d.disputeId).join(', ') || '(none)'}`);
      }
      const actor = actorOf(request);
      const state = await workflows.update(externalId, resolveDisputeUpdate, {
        disputeId,
        outcome: request.body.outcome,
        ...(request.body.creditMinor !== undefined ? { creditMinor: request.body.creditMinor } : {}),
        actor: actorLabel(actor),
      });
      await audited(app, request, { action: 'dispute.resolve', targetType: 'invoice', targetId: externalId, detail: { ...request.body, disputeId } }, async (tx) => {
        await tx
          .update(disputes)
          .set({ status: request.body.outcome, creditMinor: request.body.creditMinor ?? null, resolvedBy: actorLabel(actor), resolvedAt: sql`now()` })
          .where(eq(disputes.id, disputeId));
      });
      return { externalId, state: asJson(state) };
    },
  );

  app.post(
    '/invoices/:externalId/pause',
    { config: { roles: ['ops', 'collector'] }, schema: { tags: ['payments'], summary: 'Pause dunning (optionally until an instant)', params: InvoiceParams, body: PauseBody, response: stateResponse } },
    async (request) => {
      const { externalId } = request.params;
      const state = await workflows.update(externalId, pauseUpdate, { ...request.body, actor: actorLabel(actorOf(request)) });
      await audited(app, request, { action: 'invoice.pause', targetType: 'invoice', targetId: externalId, detail: { ...request.body } });
      return { externalId, state: asJson(state) };
    },
  );

  app.post(
    '/invoices/:externalId/resume',
    { config: { roles: ['ops', 'collector'] }, schema: { tags: ['payments'], summary: 'Resume dunning after a pause', params: InvoiceParams, body: ResumeBody, response: stateResponse } },
    async (request) => {
      const { externalId } = request.params;
      const state = await workflows.update(externalId, resumeUpdate, { actor: actorLabel(actorOf(request)) });
      await audited(app, request, { action: 'invoice.resume', targetType: 'invoice', targetId: externalId, detail: { ...request.body } });
      return { externalId, state: asJson(state) };
    },
  );
};
