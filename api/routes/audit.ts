/** The audit trail for compliance and admins: browse it, verify its hash chain; and API key issuance. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { and, asc, eq, gt, type SQL } from 'drizzle-orm';
import { apiRoles, auditEvents } from '../../db/api-schema.js';
import { oneOf, closed, JsonObject, withErrors } from '../schemas.js';
import { createApiKey } from '../services/api-keys.js';
import { verifyAuditChain } from '../services/audit.js';
import { actorOf } from '../services/context.js';

export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/audit/events',
    {
      config: { roles: ['compliance'] },
      schema: {
        tags: ['audit'],
        summary: 'Audit events in order, optionally for one target',
        querystring: closed({
          targetType: Type.Optional(Type.String({ pattern: '^[a-z_]{1,32}$' })),
          targetId: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
          afterSeq: Type.Optional(Type.Integer({ minimum: 0 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
        }),
        response: withErrors({ 200: Type.Object({ items: Type.Array(JsonObject) }) }),
      },
    },
    async (request) => {
      const q = request.query;
      const conditions: SQL[] = [gt(auditEvents.seq, q.afterSeq ?? 0)];
      if (q.targetType) conditions.push(eq(auditEvents.targetType, q.targetType));
      if (q.targetId) conditions.push(eq(auditEvents.targetId, q.targetId));
      const rows = await app.deps.database.db.select().from(auditEvents).where(and(...conditions)).orderBy(asc(auditEvents.seq)).limit(q.limit ?? 200);
      return { items: rows.map((r) => ({ ...r, at: r.at.toISOString() })) };
    },
  );

  app.get(
    '/audit/verify',
    {
      config: { roles: ['compliance'] },
      schema: {
        tags: ['audit'],
        summary: 'Recompute the hash chain: reports any edited, inserted or deleted row',
        response: withErrors({ 200: Type.Object({ ok: Type.Boolean(), rows: Type.Integer(), headSeq: Type.Integer(), problems: Type.Array(Type.Object({ seq: Type.Integer(), problem: Type.String() })) }) }),
      },
    },
    async () => verifyAuditChain(app.deps.database.db),
  );

  app.post(
    '/api-keys',
    {
      config: { roles: [] },
      schema: {
        tags: ['audit'],
        summary: 'Create an API key (admin only); the key is shown once',
        body: closed({ name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9 ._-]*$' }), role: oneOf(apiRoles) }),
        response: withErrors({ 201: Type.Object({ id: Type.String(), name: Type.String(), role: Type.String(), key: Type.String() }) }),
      },
    },
    async (request, reply) => {
      const created = await createApiKey(app.deps.database.db, { name: request.body.name, role: request.body.role, createdBy: actorOf(request), at: app.deps.clock() });
      return reply.status(201).send(created);
    },
  );
};
