/** Invoices: create (idempotent), bulk create, list, state, timeline, and the changes ops make to an invoice. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes.js';
import { adjustAmountUpdate, cancelUpdate, changeDueDateUpdate, migratePolicyUpdate, writeOffUpdate } from '../../workflows/invoice/messages.js';
import { DaysPastDue, DebtorId, InvoiceStatus, NextActionAt, PolicyId, Segment } from '../../workflows/search-attributes.js';
import { CatalogError } from '../../dunning/catalog/diagnostics.js';
import { ApiProblem, badRequest } from '../errors.js';
import { InvoiceParams, Json, JsonObject, withErrors } from '../schemas.js';
import { actorLabel } from '../services/audit.js';
import { actorOf, audited, requireCurrency, services } from '../services/context.js';
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
} from './invoice-schemas.js';

const workflowStatusNames: Record<number, string> = { 1: 'RUNNING', 2: 'COMPLETED', 3: 'FAILED', 4: 'CANCELLED', 5: 'TERMINATED', 6: 'CONTINUED_AS_NEW', 7: 'TIMED_OUT' };

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
        summary: 'List invoices by status, debtor, policy, segment, days past due and next action (Temporal visibility)',
        querystring: ListQuery,
        response: withErrors({ 200: Type.Object({ items: Type.Array(InvoiceListItem), nextCursor: Type.Union([Type.String(), Type.Null()]) }) }),
      },
    },
    async (request) => {
      const q = request.query;
      // Values are constrained by the schema's patterns (no quotes), so they are safe inside the query literal.
      const clauses = [`WorkflowType = 'invoiceWorkflow'`];
      if (q.status) clauses.push(`InvoiceStatus = '${q.status}'`);
      if (q.debtorId) clauses.push(`DebtorId = '${q.debtorId}'`);
      if (q.policyId) clauses.push(`PolicyId = '${q.policyId}'`);
      if (q.segment) clauses.push(`Segment = '${q.segment}'`);
      if (q.daysPastDueMin !== undefined) clauses.push(`DaysPastDue >= ${q.daysPastDueMin}`);
      if (q.daysPastDueMax !== undefined) clauses.push(`DaysPastDue <= ${q.daysPastDueMax}`);
      if (q.nextActionBefore) clauses.push(`NextActionAt < '${new Date(q.nextActionBefore).toISOString()}'`);
      const { temporal } = app.deps;
      const response = await temporal.workflowService.listWorkflowExecutions({
        namespace: temporal.options.namespace,
        query: clauses.join(' AND '),
        pageSize: q.limit ?? 50,
        nextPageToken: q.cursor ? Buffer.from(q.cursor, 'base64url') : Buffer.alloc(0),
      });
      const items = response.executions.map((raw) => {
        const attributes = decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields);
        const workflowId = raw.execution?.workflowId ?? '';
        const next = attributes.get(NextActionAt);
        const toIso = (t: { seconds?: { toString(): string } | null; nanos?: number | null } | null | undefined): string | null =>
          t?.seconds ? new Date(Number(t.seconds.toString()) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString() : null;
        return {
          externalId: workflowId.replace(/^invoice-/, ''),
          workflowId,
          runId: raw.execution?.runId ?? '',
          workflowStatus: workflowStatusNames[raw.status ?? 0] ?? 'UNKNOWN',
          invoiceStatus: attributes.get(InvoiceStatus) ?? null,
          debtorId: attributes.get(DebtorId) ?? null,
          policyId: attributes.get(PolicyId) ?? null,
          segment: attributes.get(Segment) ?? null,
          daysPastDue: attributes.get(DaysPastDue) ?? null,
          nextActionAt: next ? next.toISOString() : null,
          startedAt: toIso(raw.startTime) ?? '',
          closedAt: toIso(raw.closeTime),
        };
      });
      const token = response.nextPageToken;
      return { items, nextCursor: token && token.length > 0 ? Buffer.from(token).toString('base64url') : null };
    },
  );

  app.get(
    '/invoices/:externalId',
    { config: { roles: readerRoles }, schema: { tags: ['invoices'], summary: 'Invoice state, from the workflow or (closed) the archive', params: InvoiceParams, response: withErrors({ 200: InvoiceViewSchema }) } },
    async (request) => {
      const view = await workflows.state(request.params.externalId);
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
