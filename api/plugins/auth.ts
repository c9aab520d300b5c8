/**
 * Authentication and authorisation, before anything else runs: 401 without a valid key, 403 when the key's role
 * is not among the route's `config.roles` (admin may call everything). A route with neither `public` nor roles
 * is closed to all but admin, so forgetting to declare roles fails safe.
 */
import type { FastifyInstance } from 'fastify';
import { ApiProblem } from '../errors.js';
import { authenticateApiKey } from '../services/api-keys.js';

function presentedKey(authorization: string | undefined, apiKeyHeader: string | string[] | undefined): string | undefined {
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    return match?.[1];
  }
  return typeof apiKeyHeader === 'string' ? apiKeyHeader : undefined;
}

export function installAuth(app: FastifyInstance): void {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    // The OpenAPI document and its UI (registered by @fastify/swagger-ui under /docs) are public, like the API's shape.
    if (config.public || !request.routeOptions.url || request.routeOptions.url.startsWith('/docs')) return;
    const key = presentedKey(request.headers.authorization, request.headers['x-api-key']);
    if (!key) throw new ApiProblem(401, 'unauthenticated', 'missing API key: send "Authorization: Bearer dm_…" (create one with `dunmore apikey create --role …`)');
    const actor = await authenticateApiKey(app.deps.database.db, key);
    if (!actor) throw new ApiProblem(401, 'unauthenticated', 'API key not recognised, revoked or malformed; create a new one with `dunmore apikey create`');
    request.actor = actor;
    const allowed = config.roles ?? [];
    if (actor.role !== 'admin' && !allowed.some((r) => r === actor.role)) {
      throw new ApiProblem(403, 'forbidden', `role ${actor.role} may not ${request.method} ${request.routeOptions.url}; allowed: ${['admin', ...allowed].join(', ')}`);
    }
  });
}
