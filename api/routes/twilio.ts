/**
 * Twilio's message status callback. Twilio signs each request (X-Twilio-Signature: HMAC-SHA1 of the URL it called
 * and the form fields under the account's auth token), so this route needs no API key but refuses anything
 * unsigned. Every report is kept as received; final ones update the outbox row and tell the invoice's workflow,
 * which falls back to the step's other channel when a text was not delivered.
 */
import formbody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { and, eq, inArray } from 'drizzle-orm';
import twilio from 'twilio';
import { messages, smsDeliveryEvents } from '../../db/schema.js';
import { smsDeliverySignal } from '../../workflows/invoice/messages.js';
import { ApiProblem } from '../errors.js';
import { ErrorBody } from '../schemas.js';
import { services } from '../services/context.js';

const StatusCallback = Type.Object(
  {
    MessageSid: Type.String({ pattern: '^(SM|MM)[0-9a-fA-F]{32}$' }),
    MessageStatus: Type.String({ minLength: 1, maxLength: 32 }),
    ErrorCode: Type.Optional(Type.String({ maxLength: 16 })),
  },
  // Twilio adds fields over time; all of them are covered by the signature and kept in the payload.
  { additionalProperties: Type.String({ maxLength: 2000 }) },
);

const finalStatuses = new Set(['delivered', 'undelivered', 'failed']);
/** Statuses that may still change: a late `sent` must not overwrite `delivered`. */
const replaceable: Record<string, Array<'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed'>> = {
  sent: ['sending'],
  delivered: ['sending', 'sent'],
  undelivered: ['sending', 'sent'],
  failed: ['sending', 'sent'],
};

export const twilioRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(formbody);
  const { workflows } = services(app);

  app.post(
    '/v1/webhooks/twilio/status',
    {
      config: { public: true },
      schema: {
        tags: ['webhooks'],
        summary: 'Twilio message status callback (signed by Twilio)',
        security: [],
        consumes: ['application/x-www-form-urlencoded'],
        headers: Type.Object({ 'x-twilio-signature': Type.Optional(Type.String()) }),
        body: StatusCallback,
        response: { 204: Type.Null(), 400: ErrorBody, 403: ErrorBody, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      const settings = app.deps.twilio;
      if (!settings) throw new ApiProblem(503, 'twilio_not_configured', 'Twilio callbacks are not configured on this server (TWILIO_AUTH_TOKEN)');
      const signature = request.headers['x-twilio-signature'];
      // The URL Twilio called: behind a proxy, the configured public base URL is the one it signed.
      const url = settings.publicBaseUrl ? new URL(request.url, settings.publicBaseUrl).href : `${request.protocol}://${request.host}${request.url}`;
      const params = request.body as Record<string, string>;
      if (typeof signature !== 'string' || !twilio.validateRequest(settings.authToken, signature, url, params)) {
        throw new ApiProblem(403, 'invalid_signature', 'X-Twilio-Signature does not match this request; only Twilio may call this URL (check PUBLIC_BASE_URL matches the callback URL Twilio uses)');
      }
      const { MessageSid: sid, MessageStatus: status, ErrorCode: errorCode } = request.body;
      const { db } = app.deps.database;
      await db.transaction(async (tx) => {
        await tx.insert(smsDeliveryEvents).values({ providerMessageId: sid, status, errorCode: errorCode ?? null, payload: JSON.stringify(params) });
        const from = replaceable[status];
        if (!from) return;
        await tx
          .update(messages)
          .set({ status: status as 'sent' | 'delivered' | 'undelivered' | 'failed', ...(errorCode ? { errorCode } : {}), updatedAt: app.deps.clock() })
          .where(and(eq(messages.providerMessageId, sid), inArray(messages.status, from)));
      });
      if (finalStatuses.has(status)) {
        // Signalled from the outbox row, not from what this call updated: when Twilio retries a callback whose
        // signal failed (Temporal briefly down), the row is already final but the workflow still needs to hear it.
        const outbox = await db.select({ idempotencyKey: messages.idempotencyKey, workflowId: messages.workflowId }).from(messages).where(eq(messages.providerMessageId, sid));
        for (const message of outbox) {
          await workflows.signalIfOpen(message.workflowId, (h) =>
            h.signal(smsDeliverySignal, { idempotencyKey: message.idempotencyKey, status: status as 'delivered' | 'undelivered' | 'failed', ...(errorCode ? { errorCode } : {}) }),
          );
        }
      }
      return reply.status(204).send(null);
    },
  );
};
