/**
 * Webhook subscriptions for integrators: where Dunmore POSTs invoice events (message sent, escalated, paid,
 * disputed, promise broken), signed with a per-subscription secret that is shown once.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { eq } from 'drizzle-orm';
import { webhookSubscriptions } from '../../db/api-schema.js';
import { notFound } from '../errors.js';
import { closed, withErrors } from '../schemas.js';
import { actorOf, audited } from '../services/context.js';
import { actorLabel } from '../services/audit.js';

export const webhookEventTypes = ['message.sent', 'invoice.escalated', 'invoice.paid', 'invoice.disputed', 'promise.broken', '*'] as const;

const Subscription = Type.Object({ id: Type.String(), url: Type.String(), events: Type.Array(Type.String()), active: Type.Boolean(), createdAt: Type.String() });

export const webhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/webhooks',
    {
      config: { roles: ['integrator'] },
      schema: {
        tags: ['webhooks'],
        summary: 'Subscribe a URL to invoice events; the signing secret is returned once',
        body: closed({
          url: Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 }),
          events: Type.Array(Type.Union(webhookEventTypes.map((e) => Type.Literal(e))), { minItems: 1, uniqueItems: true }),
        }),
        response: withErrors({ 201: Type.Composite([Subscription, Type.Object({ secret: Type.String() })]) }),
      },
    },
    async (request, reply) => {
      const id = `wh_${randomBytes(8).toString('hex')}`;
      const secret = `whsec_${randomBytes(24).toString('base64url')}`;
      const createdAt = app.deps.clock();
      await audited(app, request, { action: 'webhook.subscribe', targetType: 'webhook_subscription', targetId: id, detail: { url: request.body.url, events: request.body.events } }, async (tx) => {
        await tx.insert(webhookSubscriptions).values({ id, url: request.body.url, secret, events: [...request.body.events], createdBy: actorLabel(actorOf(request)), createdAt });
      });
      return reply.status(201).send({ id, url: request.body.url, events: [...request.body.events], active: true, createdAt: createdAt.toISOString(), secret });
    },
  );

  app.get(
    '/webhooks',
    { config: { roles: ['integrator'] }, schema: { tags: ['webhooks'], summary: 'List webhook subscriptions (secrets are never shown again)', response: withErrors({ 200: Type.Array(Subscription) }) } },
    async () =>
      (await app.deps.database.db.select().from(webhookSubscriptions)).map((s) => ({ id: s.id, url: s.url, events: s.events, active: s.active, createdAt: s.createdAt.toISOString() })),
  );

  app.delete(
    '/webhooks/:id',
    {
      config: { roles: ['integrator'] },
      schema: { tags: ['webhooks'], summary: 'Stop delivering to a subscription', params: closed({ id: Type.String({ pattern: '^wh_[0-9a-f]{16}$' }) }), response: withErrors({ 204: Type.Null() }) },
    },
    async (request, reply) => {
      const [found] = await app.deps.database.db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, request.params.id));
      if (!found) throw notFound('webhook subscription', request.params.id, 'list them with GET /v1/webhooks');
      await audited(app, request, { action: 'webhook.unsubscribe', targetType: 'webhook_subscription', targetId: found.id, detail: {} }, async (tx) => {
        await tx.update(webhookSubscriptions).set({ active: false }).where(eq(webhookSubscriptions.id, found.id));
      });
      return reply.status(204).send(null);
    },
  );
};
