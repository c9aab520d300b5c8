/**
 * The Dunmore HTTP API as a Fastify application. `buildApp` wires the injected dependencies (Temporal client,
 * database, policy catalog, clock) into one instance; `api/server.ts` is the thin shell that listens. Tests use
 * `buildApp` + `inject`, so they exercise exactly what production serves.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ApiRole } from '../db/api-schema.js';
import type { AppDeps } from './deps.js';
import { ApiProblem } from './errors.js';
import { installAuth } from './plugins/auth.js';
import { installMetrics } from './plugins/metrics.js';
import { fieldProblems, installValidation, unstorableStrings } from './plugins/validation.js';
import { auditRoutes } from './routes/audit.js';
import { complianceRoutes } from './routes/compliance.js';
import { debtorRoutes } from './routes/debtors.js';
import { healthRoutes } from './routes/health.js';
import { invoiceRoutes } from './routes/invoices.js';
import { paymentRoutes } from './routes/payments.js';
import { policyRoutes } from './routes/policies.js';
import { twilioRoutes } from './routes/twilio.js';
import { webhookRoutes } from './routes/webhooks.js';
import { worklistRoutes } from './routes/worklist.js';
import { isDatabaseUnavailable, isTemporalUnavailable } from './services/temporal-errors.js';

export type { AppDeps } from './deps.js';

export interface RouteEntry {
  method: string;
  url: string;
  roles: readonly ApiRole[];
  public: boolean;
}

export type DunmoreApp = FastifyInstance & { routeTable: RouteEntry[] };

export async function buildApp(deps: AppDeps, options: Pick<FastifyServerOptions, 'logger' | 'trustProxy'> = {}): Promise<DunmoreApp> {
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: options.trustProxy ?? false,
    // Bulk requests of up to 500 invoices fit comfortably; anything larger is a mistake or an attack.
    bodyLimit: 2 * 1024 * 1024,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    ajv: { customOptions: { allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const routeTable: RouteEntry[] = [];
  app.decorate('deps', deps);
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    if (route.method === 'HEAD' || route.url.startsWith('/docs')) return;
    for (const method of [route.method].flat()) {
      routeTable.push({ method, url: route.url, roles: route.config?.roles ?? [], public: route.config?.public ?? false });
    }
  });

  installValidation(app);
  installErrorHandling(app);
  installMetrics(app);
  installAuth(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Dunmore API', version: '1.0.0', description: 'Accounts-receivable collections: invoices run as durable Temporal workflows under versioned dunning policies.' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from `dunmore apikey create --role …`' } } },
      security: [{ apiKey: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes);
  await app.register(twilioRoutes);
  await app.register(invoiceRoutes, { prefix: '/v1' });
  await app.register(paymentRoutes, { prefix: '/v1' });
  await app.register(debtorRoutes, { prefix: '/v1' });
  await app.register(worklistRoutes, { prefix: '/v1' });
  await app.register(policyRoutes, { prefix: '/v1' });
  await app.register(complianceRoutes, { prefix: '/v1' });
  await app.register(auditRoutes, { prefix: '/v1' });
  await app.register(webhookRoutes, { prefix: '/v1' });
  await app.ready();
  return app as unknown as DunmoreApp;
}

function installErrorHandling(app: FastifyInstance): void {
  // NUL characters and lone surrogates pass JSON schema checks but cannot be stored faithfully: 400 before any handler runs.
  app.addHook('preValidation', async (request) => {
    const problems = [...unstorableStrings(request.body, 'body'), ...unstorableStrings(request.query, 'querystring'), ...unstorableStrings(request.params, 'params')];
    if (problems.length > 0) throw new ApiProblem(400, 'invalid_request', problems.map((p) => `${p.field} ${p.message}`).join('; '), { errors: problems });
  });

  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ statusCode: 404, code: 'route_not_found', message: `no route ${request.method} ${request.url.split('?')[0]}; see /docs for the API`, requestId: request.id });
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ApiProblem) {
      return reply.status(error.statusCode).send({ statusCode: error.statusCode, code: error.code, message: error.message, requestId: request.id, ...error.extra });
    }
    const fastifyError = error as { validation?: Parameters<typeof fieldProblems>[0]; validationContext?: string; statusCode?: number; code?: string; message: string };
    if (fastifyError.validation) {
      const part = fastifyError.validationContext ?? 'body';
      const data = part === 'body' ? request.body : part === 'querystring' ? request.query : part === 'params' ? request.params : request.headers;
      const errors = fieldProblems(fastifyError.validation, part, data);
      return reply.status(400).send({ statusCode: 400, code: 'invalid_request', message: errors.map((e) => `${e.field} ${e.message}`).join('; '), requestId: request.id, errors });
    }
    if (isDatabaseUnavailable(error)) {
      request.log.error({ err: error }, 'PostgreSQL unavailable');
      return reply.status(503).header('retry-after', '5').send({ statusCode: 503, code: 'database_unavailable', message: 'the database is unavailable; retry later', requestId: request.id });
    }
    if (isTemporalUnavailable(error)) {
      request.log.error({ err: error }, 'Temporal unavailable');
      return reply.status(503).send({ statusCode: 503, code: 'temporal_unavailable', message: 'the workflow service is unavailable; retry later', requestId: request.id });
    }
    // Fastify's own client errors (malformed JSON, wrong content type, body too large) carry safe messages.
    const status = fastifyError.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.status(status).send({ statusCode: status, code: (fastifyError.code ?? 'bad_request').toLowerCase(), message: fastifyError.message, requestId: request.id });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ statusCode: 500, code: 'internal_error', message: `internal error; quote request id ${request.id} to support`, requestId: request.id });
  });
}
