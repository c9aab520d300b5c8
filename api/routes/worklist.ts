/**
 * The worklist: escalations and call tasks the workflows created, most urgent first. Collectors claim a task and
 * resolve it with an outcome code; the invoice's workflow hears the outcome at once. Overriding what the policy
 * decided (rejecting a step that needed approval, or closing an escalation with `override`) requires a reason code.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { escalations } from '../../db/schema.js';
import { callOutcomeSignal, taskResolvedSignal } from '../../workflows/invoice/messages.js';
import { ApiProblem, badRequest, conflict, notFound } from '../errors.js';
import { oneOf, closed, JsonObject, Reason, withErrors } from '../schemas.js';
import { actorLabel } from '../services/audit.js';
import { actorOf, audited, services } from '../services/context.js';

const TaskParams = closed({ taskId: Type.String({ minLength: 1, maxLength: 300, pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$' }) });

export const callOutcomes = ['promise_obtained', 'paid', 'dispute_raised', 'callback_requested', 'refused', 'left_voicemail', 'no_answer', 'wrong_number'] as const;
export const escalationOutcomes = ['handled', 'approved', 'rejected', 'sent_to_agency', 'written_off', 'override'] as const;
/** Outcomes that set aside what the policy decided: they need a reason code for the audit trail. */
const overrides = new Set<string>(['rejected', 'override']);
export const overrideReasonCodes = ['hardship', 'customer_relationship', 'dispute_pending', 'data_error', 'legal_hold', 'other'] as const;
const connectedOutcomes = new Set<string>(['promise_obtained', 'paid', 'dispute_raised', 'callback_requested', 'refused']);

const ResolveBody = closed({
  outcome: oneOf([...callOutcomes, ...escalationOutcomes]),
  note: Type.Optional(Reason),
  reasonCode: Type.Optional(oneOf(overrideReasonCodes)),
  /** Call tasks: whether the call reached the debtor; inferred from the outcome when absent. */
  connected: Type.Optional(Type.Boolean()),
});

const toJson = (row: typeof escalations.$inferSelect): Record<string, unknown> => ({
  ...row,
  dueBy: row.dueBy.toISOString(),
  allowedFrom: row.allowedFrom?.toISOString() ?? null,
  allowedUntil: row.allowedUntil?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
  resolvedAt: row.resolvedAt?.toISOString() ?? null,
});

export const worklistRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { workflows } = services(app);
  const roles = ['ops', 'collector'] as const;

  const load = async (taskId: string) => {
    const [row] = await app.deps.database.db.select().from(escalations).where(eq(escalations.id, taskId));
    if (!row) throw notFound('task', taskId, 'list open tasks with GET /v1/worklist');
    return row;
  };

  app.get(
    '/worklist',
    {
      config: { roles },
      schema: {
        tags: ['worklist'],
        summary: 'Open escalations and call tasks, by priority then due-by',
        querystring: closed({
          queue: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' })),
          kind: Type.Optional(Type.Union([Type.Literal('escalation'), Type.Literal('call_task')])),
          status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('claimed'), Type.Literal('resolved'), Type.Literal('superseded')])),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
        }),
        response: withErrors({ 200: Type.Object({ items: Type.Array(JsonObject) }) }),
      },
    },
    async (request) => {
      const q = request.query;
      const conditions = [q.status ? eq(escalations.status, q.status) : inArray(escalations.status, ['open', 'claimed'])];
      if (q.queue) conditions.push(eq(escalations.queue, q.queue));
      if (q.kind) conditions.push(eq(escalations.kind, q.kind));
      const rows = await app.deps.database.db
        .select()
        .from(escalations)
        .where(and(...conditions))
        .orderBy(asc(escalations.priority), asc(escalations.dueBy), asc(escalations.id))
        .limit(q.limit ?? 100);
      return { items: rows.map(toJson) };
    },
  );

  app.post(
    '/worklist/:taskId/claim',
    { config: { roles }, schema: { tags: ['worklist'], summary: 'Claim a task (one collector at a time)', params: TaskParams, response: withErrors({ 200: JsonObject }) } },
    async (request) => {
      const { taskId } = request.params;
      const actor = actorLabel(actorOf(request));
      const row = await load(taskId);
      if (row.status === 'claimed' && row.claimedBy === actor) return toJson(row);
      if (row.status !== 'open') throw conflict('task_not_open', `task ${taskId} is ${row.status}${row.claimedBy ? ` by ${row.claimedBy}` : ''}; only open tasks can be claimed`, { task: toJson(row) });
      const claimed = await audited(app, request, { action: 'task.claim', targetType: 'task', targetId: taskId, detail: {} }, async (tx) =>
        tx.update(escalations).set({ status: 'claimed', claimedBy: actor }).where(and(eq(escalations.id, taskId), eq(escalations.status, 'open'))).returning(),
      );
      const updated = claimed?.[0];
      if (!updated) throw conflict('task_not_open', `task ${taskId} was claimed by someone else just now`, { task: toJson(await load(taskId)) });
      return toJson(updated);
    },
  );

  app.post(
    '/worklist/:taskId/resolve',
    {
      config: { roles },
      schema: {
        tags: ['worklist'],
        summary: 'Resolve a task with an outcome code and note; overriding the policy needs a reason code',
        params: TaskParams,
        body: ResolveBody,
        response: withErrors({ 200: JsonObject }),
      },
    },
    async (request) => {
      const { taskId } = request.params;
      const body = request.body;
      const actor = actorOf(request);
      const row = await load(taskId);
      const allowed: readonly string[] = row.kind === 'call_task' ? callOutcomes : escalationOutcomes;
      if (!allowed.includes(body.outcome)) {
        throw badRequest(`body.outcome ${body.outcome} does not apply to a ${row.kind}`, [{ field: 'body.outcome', message: `${JSON.stringify(body.outcome)} is not an outcome of a ${row.kind}; use one of ${allowed.join(', ')}` }]);
      }
      if (overrides.has(body.outcome) && !body.reasonCode) {
        throw badRequest('body.reasonCode is required for an override', [{ field: 'body.reasonCode', message: `is required when the outcome (${body.outcome}) overrides the policy's decision; use one of ${overrideReasonCodes.join(', ')}` }]);
      }
      if (body.reasonCode === 'other' && !body.note) {
        throw badRequest('body.note is required with reasonCode other', [{ field: 'body.note', message: 'is required when reasonCode is "other": say why the policy was overridden' }]);
      }
      if (row.status === 'resolved' || row.status === 'superseded') throw conflict('task_closed', `task ${taskId} is already ${row.status}${row.outcome ? ` (${row.outcome})` : ''}`, { task: toJson(row) });
      if (row.status === 'claimed' && row.claimedBy !== actorLabel(actor) && actor.role !== 'admin' && actor.role !== 'ops') {
        throw new ApiProblem(409, 'task_claimed', `task ${taskId} is claimed by ${row.claimedBy}; ask them or ops to resolve it`, { task: toJson(row) });
      }
      const note = [body.reasonCode ? `[${body.reasonCode}]` : '', body.note ?? ''].filter(Boolean).join(' ') || undefined;
      const resolved = await audited(app, request, { action: 'task.resolve', targetType: 'task', targetId: taskId, detail: { ...body, invoice: row.invoiceExternalId } }, async (tx) =>
        tx
          .update(escalations)
          .set({ status: 'resolved', outcome: body.outcome, note: note ?? null, claimedBy: row.claimedBy ?? actorLabel(actor), resolvedAt: sql`now()` })
          .where(and(eq(escalations.id, taskId), inArray(escalations.status, ['open', 'claimed'])))
          .returning(),
      );
      const updated = resolved?.[0];
      if (!updated) throw conflict('task_closed', `task ${taskId} was closed by someone else just now`, { task: toJson(await load(taskId)) });
      const who = actorLabel(actor);
      const signalled = await workflows.signalIfOpen(row.workflowId, (h) =>
        row.kind === 'call_task'
          ? h.signal(callOutcomeSignal, { taskId, connected: body.connected ?? connectedOutcomes.has(body.outcome), outcome: body.outcome, ...(note ? { note } : {}), actor: who })
          : h.signal(taskResolvedSignal, { taskId, outcome: body.outcome, ...(note ? { note } : {}), actor: who }),
      );
      return { ...toJson(updated), workflowNotified: signalled };
    },
  );
};
