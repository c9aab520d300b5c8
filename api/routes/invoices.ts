/** Invoices: create (idempotent), bulk create, list, state, timeline, and the changes ops make to an invoice. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { adjustAmountUpdate, cancelUpdate, changeDueDateUpdate, migratePolicyUpdate, writeOffUpdate } from '../../workflows/invoice/messages.js';
import { CatalogError } from '../../dunning/catalog/diagnostics.js';
import { ApiProblem, badRequest, type FieldProblem } from '../errors.js';
import { InvoiceParams, Json, JsonObject, withErrors } from '../schemas.js';
import { actorLabel } from '../services/audit.js';
import { actorOf, audited, requireCurrency, services } from '../services/context.js';
import { decodeListCursor, listMirroredInvoices } from '../services/invoice-list.js';
import {
  BulkCreateBody,
  CloseBody,
  CreatedInvoiceSchema,
  CreateInvoiceBody,
  CreditMemoBody,
  DueDateBody,
  InvoiceListItem,
  InvoiceViewSchema,
  ListQuery,
  MigrationBody,
  StateQuery,
} from './invoice-schemas.js';

const creatorRoles = ['ops', 'integrator'] as const;
const readerRoles = ['ops', 'collector', 'compliance', 'integrator'] as const;

export const invoiceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { workflows, creator } = services(app);

  app.post(
    '/invoices',
    {
      config: { roles: creatorRoles },
      schema: {
        tags: ['invoices'],
        summary: 'Create an invoice and start its dunning workflow (idempotent by externalId)',
        description: 'The same body again answers 200 with the original result; a different body for the same externalId answers 409 naming the differing fields.',
        body: CreateInvoiceBody,
        response: withErrors({ 200: CreatedInvoiceSchema, 201: CreatedInvoiceSchema }),
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      if (request.body.policy && actor.role !== 'admin' && actor.role !== 'ops') {
        throw new ApiProblem(403, 'forbidden', `role ${actor.role} may not choose the policy (body.policy); leave it out to let the router choose, or ask ops`);
      }
      const { statusCode, invoice } = await creator.create(request.body, actor, request.id);
      return reply.status(statusCode).header('location', `/v1/invoices/${encodeURIComponent(invoice.externalId)}`).send(invoice);
    },
  );

  app.post(
    '/invoices/bulk',
    {
      config: { roles: creatorRoles },
      schema: {
        tags: ['invoices'],
        summary: 'Create up to 500 invoices; each succeeds or fails on its own',
        body: BulkCreateBody,
        response: withErrors({
          200: Type.Object({
            created: Type.Integer(),
            replayed: Type.Integer(),
            failed: Type.Integer(),
            results: Type.Array(Type.Object({ index: Type.Integer(), externalId: Type.String(), statusCode: Type.Integer(), invoice: Type.Optional(CreatedInvoiceSchema), error: Type.Optional(JsonObject) })),
          }),
        }),
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const items = request.body.invoices;
      const duplicates = items.map((i) => i.externalId).filter((id, i, all) => all.indexOf(id) !== i);
      if (duplicates.length > 0) {
        throw badRequest(`body.invoices repeats externalId ${[...new Set(duplicates)].join(', ')}`, [{ field: 'body.invoices', message: `externalId ${[...new Set(duplicates)].join(', ')} appears more than once; send each invoice once` }]);
      }
      if (actor.role !== 'admin' && actor.role !== 'ops' && items.some((i) => i.policy)) {
        throw new ApiProblem(403, 'forbidden', `role ${actor.role} may not choose the policy (invoices[].policy); leave it out to let the router choose`);
      }
      const results: Array<{ index: number; externalId: string; statusCode: number; invoice?: Awaited<ReturnType<typeof creator.create>>['invoice']; error?: Record<string, unknown> }> = [];
      // A few at a time: Temporal and PostgreSQL get steady load, and one slow start does not stall the rest.
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < items.length) {
          const index = next++;
          const item = items[index];
          if (!item) continue;
          try {
            const { statusCode, invoice } = await creator.create(item, actor, request.id);
            results.push({ index, externalId: item.externalId, statusCode, invoice });
          } catch (error) {
            if (!(error instanceof ApiProblem)) throw error;
            results.push({ index, externalId: item.externalId, statusCode: error.statusCode, error: { code: error.code, message: error.message, ...error.extra } });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(8, items.length) }, worker));
      results.sort((a, b) => a.index - b.index);
      return {
        created: results.filter((r) => r.statusCode === 201).length,
        replayed: results.filter((r) => r.statusCode === 200).length,
        failed: results.filter((r) => r.statusCode >= 400).length,
        results,
      };
    },
  );

  app.get(
    '/invoices',
    {
      config: { roles: readerRoles },
      schema: {
        tags: ['invoices'],
        summary: 'List invoices by status, debtor, policy, segment, days past due and next action (from the PostgreSQL mirror)',
        description:
          'Served from the invoices mirror the workflows write, not from Temporal visibility. Days past due is computed when you ask, in each debtor’s time zone: ' +
          'max(0, the debtor’s local date today − the due date). Ordered by next action (unscheduled last), then externalId; pass nextCursor back as cursor for the next page.',
        querystring: ListQuery,
        response: withErrors({ 200: Type.Object({ items: Type.Array(InvoiceListItem), nextCursor: Type.Union([Type.String(), Type.Null()]) }) }),
      },
    },
    async (request) => {
      const q = request.query;
      const problems: FieldProblem[] = [];
      const after = q.cursor === undefined ? undefined : decodeListCursor(q.cursor);
      if (q.cursor !== undefined && after === undefined) {
        problems.push({ field: 'querystring.cursor', message: `is not a cursor this API issued; got ${JSON.stringify(q.cursor.length > 40 ? `${q.cursor.slice(0, 37)}...` : q.cursor)}; pass nextCursor from the previous page unchanged, or leave cursor out to start at the first page` });
      }
      if (q.daysPastDueMin !== undefined && q.daysPastDueMax !== undefined && q.daysPastDueMin > q.daysPastDueMax) {
        problems.push({ field: 'querystring.daysPastDueMin', message: `is ${q.daysPastDueMin}, more than daysPastDueMax ${q.daysPastDueMax}, so nothing could match; swap them` });
      }
      if (problems.length > 0) throw badRequest(problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);
      return listMirroredInvoices(
        app.deps.database.db,
        {
          status: q.status,
          debtorId: q.debtorId,
          policyId: q.policyId,
          segment: q.segment,
          daysPastDueMin: q.daysPastDueMin,
          daysPastDueMax: q.daysPastDueMax,
          nextActionBefore: q.nextActionBefore === undefined ? undefined : new Date(q.nextActionBefore),
          limit: q.limit ?? 50,
          after,
        },
        app.deps.clock(),
      );
    },
  );

  app.get(
    '/invoices/:externalId',
    {
      config: { roles: readerRoles },
      schema: {
        tags: ['invoices'],
        summary: 'Invoice state: from the PostgreSQL mirror, the running workflow, or (closed) the archive',
        description:
          'consistency=mirror (the default) answers an open invoice from the summary its workflow writes to PostgreSQL in the same workflow task that applies each change ' +
          '(source "mirror", one database read): a read after a successful update call (payment, promise, dispute, pause…) sees that change; signals (Twilio delivery ' +
          'callbacks, debtor contact events, call outcomes) are reflected within one workflow task of being sent. consistency=strong asks the running workflow itself ' +
          '(source "workflow"). Either way a closed invoice, or one the mirror has no summary for yet, is answered from the workflow while it runs and from the ' +
          'archive once it has closed (source "archive").',
        params: InvoiceParams,
        querystring: StateQuery,
        response: withErrors({ 200: InvoiceViewSchema }),
      },
    },
    async (request) => {
      const view = await workflows.state(request.params.externalId, request.query.consistency ?? 'mirror');
      return { ...view, state: view.state as unknown as Record<string, unknown> };
    },
  );

  app.get(
    '/invoices/:externalId/timeline',
    {
      config: { roles: readerRoles },
      schema: {
        tags: ['invoices'],
        summary: 'Every decision with its reason and rule: sent, skipped, deferred, denied, escalated…',
        params: InvoiceParams,
        response: withErrors({ 200: Type.Object({ externalId: Type.String(), source: Type.String(), timeline: Type.Array(JsonObject) }) }),
      },
    },
    async (request) => {
      const { source, timeline } = await workflows.timeline(request.params.externalId);
      return { externalId: request.params.externalId, source, timeline: timeline as unknown as Array<Record<string, unknown>> };
    },
  );

  const stateResponse = withErrors({ 200: Type.Object({ externalId: Type.String(), state: JsonObject }) });
  const summaryOf = (externalId: string, state: unknown) => ({ externalId, state: state as Record<string, unknown> });

  app.post(
    '/invoices/:externalId/due-date',
    { config: { roles: ['ops'] }, schema: { tags: ['invoices'], summary: 'Change the due date; the sequence is re-planned', params: InvoiceParams, body: DueDateBody, response: stateResponse } },
    async (request) => {
      const { externalId } = request.params;
      const state = await workflows.update(externalId, changeDueDateUpdate, { ...request.body, actor: actorLabel(actorOf(request)) });
      await audited(app, request, { action: 'invoice.change_due_date', targetType: 'invoice', targetId: externalId, detail: { ...request.body } });
      return summaryOf(externalId, state);
    },
  );

  app.post(
    '/invoices/:externalId/credit-memos',
    { config: { roles: ['ops'] }, schema: { tags: ['invoices'], summary: 'Apply a credit memo (reduces the balance)', params: InvoiceParams, body: CreditMemoBody, response: stateResponse } },
    async (request) => {
      const { externalId } = request.params;
      await requireCurrency(app, externalId, request.body.currency, 'body.currency');
      const state = await workflows.update(externalId, adjustAmountUpdate, {
        reference: request.body.reference,
        amountMinor: -request.body.amountMinor,
        reason: request.body.reason,
        actor: actorLabel(actorOf(request)),
      });
      await audited(app, request, { action: 'invoice.credit_memo', targetType: 'invoice', targetId: externalId, detail: { ...request.body } });
      return summaryOf(externalId, state);
    },
  );

  for (const [path, update, action, summary, roles] of [
    ['write-off', writeOffUpdate, 'invoice.write_off', 'Write the invoice off (closes it)', ['ops']],
    ['cancel', cancelUpdate, 'invoice.cancel', 'Cancel the invoice (closes it)', ['ops', 'integrator']],
  ] as const) {
    app.post(
      `/invoices/:externalId/${path}`,
      { config: { roles }, schema: { tags: ['invoices'], summary, params: InvoiceParams, body: CloseBody, response: stateResponse } },
      async (request) => {
        const { externalId } = request.params;
        const state = await workflows.update(externalId, update, { reason: request.body.reason, actor: actorLabel(actorOf(request)) });
        await audited(app, request, { action, targetType: 'invoice', targetId: externalId, detail: { ...request.body } });
        return summaryOf(externalId, state);
      },
    );
  }

  app.post(
    '/invoices/:externalId/policy-migration',
    {
      config: { roles: ['ops'] },
      schema: {
        tags: ['invoices'],
        summary: 'Move an in-flight invoice to another policy version (dryRun shows the next action without changing anything)',
        params: InvoiceParams,
        body: MigrationBody,
        response: withErrors({ 200: Type.Object({ externalId: Type.String(), applied: Type.Boolean(), from: JsonObject, to: JsonObject, nextAction: Json }) }),
      },
    },
    async (request) => {
      const { externalId } = request.params;
      let pinned;
      try {
        pinned = creator.pinRef(request.body.policy);
      } catch (error) {
        if (!(error instanceof CatalogError)) throw error;
        throw badRequest(`body.policy ${request.body.policy} cannot be used`, [{ field: 'body.policy', message: error.diagnostics.map((d) => d.message).join('; ') }]);
      }
      const result = await workflows.update(externalId, migratePolicyUpdate, { policy: pinned, dryRun: request.body.dryRun, actor: actorLabel(actorOf(request)) });
      if (result.applied) {
        await audited(app, request, { action: 'invoice.migrate_policy', targetType: 'invoice', targetId: externalId, detail: { ...request.body, from: result.from, to: result.to, contentHash: pinned.compiled.contentHash } });
      }
      return { externalId, ...result, from: { ...result.from }, to: { ...result.to } };
    },
  );
};
