/**
 * For compliance: an invoice's decision log (every contact decision with its citations), the exported Temporal
 * history (replayable evidence of what the workflow did), and a CSV of decisions over a date range. Closed
 * invoices are served from the archive exactly like running ones.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { and, gte } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { workflowArchives } from '../../db/api-schema.js';
import type { TimelineEntry } from '../../workflows/invoice/messages.js';
import { badRequest } from '../errors.js';
import { closed, InvoiceParams, JsonObject, LocalDate, withErrors } from '../schemas.js';
import { services } from '../services/context.js';

/** Bounds one export so it cannot exhaust the server; narrow the range for more. */
const maxInvoicesPerExport = 5_000;
const maxRangeDays = 366;

const csvColumns = ['invoice_id', 'at', 'kind', 'step_id', 'channel', 'decision', 'basis', 'citations', 'reasons', 'rule', 'reason', 'policy_id', 'policy_version', 'rule_version'] as const;

/** RFC 4180 quoting, and a leading apostrophe for cells a spreadsheet would run as a formula. */
export function csvCell(value: unknown): string {
  let text = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvRow(invoiceId: string, e: TimelineEntry): string {
  const c = e.compliance;
  return [invoiceId, e.at, e.kind, e.stepId, e.channel, c?.decision, c?.basis, c?.rules.join('; '), c?.reasons.join('; '), e.rule, e.reason, e.policy.id, e.policy.version, c?.ruleVersion].map(csvCell).join(',');
}

async function* decisionsBetween(app: FastifyInstance, from: Date, to: Date): AsyncGenerator<{ invoiceId: string; timeline: TimelineEntry[] }> {
  const { workflows } = services(app);
  const { temporal, database } = app.deps;
  const seen = new Set<string>();
  let count = 0;
  const take = (invoiceId: string): boolean => {
    if (seen.has(invoiceId)) return false;
    seen.add(invoiceId);
    if (++count > maxInvoicesPerExport) throw badRequest('the range covers too many invoices', [{ field: 'querystring.from', message: `more than ${maxInvoicesPerExport} invoices have decisions in this range; export a shorter range` }]);
    return true;
  };
  // Running invoices, and closed ones not yet archived (they are archived on the way).
  const query = `WorkflowType = 'invoiceWorkflow' AND StartTime < '${to.toISOString()}' AND (ExecutionStatus = 'Running' OR CloseTime >= '${from.toISOString()}')`;
  for await (const info of temporal.workflow.list({ query, pageSize: 200 })) {
    const invoiceId = info.workflowId.replace(/^invoice-/, '');
    if (!take(invoiceId)) continue;
    yield { invoiceId, timeline: (await workflows.timeline(invoiceId)).timeline };
  }
  // Archived invoices closed in or after the range (past Temporal's retention they are only here).
  const archived = await database.db.select({ invoiceId: workflowArchives.invoiceExternalId, timeline: workflowArchives.timeline }).from(workflowArchives).where(and(gte(workflowArchives.closedAt, from)));
  for (const row of archived) if (take(row.invoiceId)) yield { invoiceId: row.invoiceId, timeline: row.timeline as unknown as TimelineEntry[] };
}

export const complianceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { workflows } = services(app);
  const roles = ['compliance'] as const;

  app.get(
    '/compliance/invoices/:externalId/decisions',
    {
      config: { roles },
      schema: {
        tags: ['compliance'],
        summary: 'The invoice’s decision log: every contact decision with reasons, rules and citations',
        params: InvoiceParams,
        response: withErrors({ 200: Type.Object({ externalId: Type.String(), source: Type.String(), decisions: Type.Array(JsonObject) }) }),
      },
    },
    async (request) => {
      const { source, timeline } = await workflows.timeline(request.params.externalId);
      return { externalId: request.params.externalId, source, decisions: timeline as unknown as Array<Record<string, unknown>> };
    },
  );

  app.get(
    '/compliance/invoices/:externalId/history',
    {
      config: { roles },
      schema: {
        tags: ['compliance'],
        summary: 'The invoice workflow’s full Temporal history as JSON (replayable); from the archive once closed',
        params: InvoiceParams,
        response: withErrors({ 200: Type.Unknown({ description: 'Temporal history JSON (temporal.api.history.v1.History)' }) }),
      },
    },
    async (request, reply) => {
      const { source, historyJson, sha256 } = await workflows.history(request.params.externalId);
      // Already JSON: sent as-is so the bytes match the archived hash.
      return reply.header('content-type', 'application/json; charset=utf-8').header('x-history-source', source).header('x-history-sha256', sha256).send(historyJson);
    },
  );

  app.get(
    '/compliance/decisions.csv',
    {
      config: { roles },
      schema: {
        tags: ['compliance'],
        summary: 'CSV of every decision in [from, to) (UTC dates), running and archived invoices alike',
        querystring: closed({ from: LocalDate, to: LocalDate }),
        produces: ['text/csv'],
        response: withErrors({ 200: Type.String() }),
      },
    },
    async (request, reply) => {
      const from = new Date(`${request.query.from}T00:00:00Z`);
      const to = new Date(`${request.query.to}T00:00:00Z`);
      if (!(to > from)) throw badRequest('querystring.to must be after from', [{ field: 'querystring.to', message: `${request.query.to} is not after from ${request.query.from}; the range is [from, to)` }]);
      if ((to.getTime() - from.getTime()) / 86_400_000 > maxRangeDays) throw badRequest('range too long', [{ field: 'querystring.to', message: `the range is longer than ${maxRangeDays} days; export it in parts` }]);
      const lines = [csvColumns.join(',')];
      for await (const { invoiceId, timeline } of decisionsBetween(app, from, to)) {
        for (const entry of timeline) {
          const at = Date.parse(entry.at);
          if (at >= from.getTime() && at < to.getTime()) lines.push(csvRow(invoiceId, entry));
        }
      }
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="decisions-${request.query.from}-${request.query.to}.csv"`)
        .send(`${lines.join('\r\n')}\r\n`);
    },
  );
};

