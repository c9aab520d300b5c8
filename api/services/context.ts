/**
 * Per-app services built from the injected dependencies, plus helpers every mutating route uses: the actor
 * (set by auth), and recording the call in the audit trail together with its own rows.
 */
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from '../../db/client.js';
import { invoiceRequests } from '../../db/api-schema.js';
import { badRequest } from '../errors.js';
import { appendAudit, type Actor } from './audit.js';
import { InvoiceCreator } from './invoice-create.js';
import { InvoiceWorkflows } from './invoice-workflows.js';

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

export interface Services {
  workflows: InvoiceWorkflows;
  creator: InvoiceCreator;
}

const cache = new WeakMap<object, Services>();

export function services(app: FastifyInstance): Services {
  let found = cache.get(app.deps);
  if (!found) {
    found = { workflows: new InvoiceWorkflows(app.deps.temporal, app.deps.database.db), creator: new InvoiceCreator(app.deps) };
    cache.set(app.deps, found);
  }
  return found;
}

export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new Error(`route ${request.routeOptions.url} ran without an authenticated actor`);
  return request.actor;
}

/** Records a mutation in the audit trail, with the rows it writes, in one transaction. */
export async function audited<T>(
  app: FastifyInstance,
  request: FastifyRequest,
  entry: { action: string; targetType: string; targetId: string; detail: Record<string, unknown> },
  write?: (tx: Tx) => Promise<T>,
): Promise<T | undefined> {
  return app.deps.database.db.transaction(async (tx) => {
    const result = write ? await write(tx) : undefined;
    await appendAudit(tx, { at: app.deps.clock(), actor: actorOf(request), requestId: request.id, ...entry });
    return result;
  });
}

/** The invoice's currency as created, to refuse money in another currency before the workflow sees it. */
export async function requireCurrency(app: FastifyInstance, externalId: string, given: string | undefined, field: string): Promise<string> {
  const [row] = await app.deps.database.db.select({ request: invoiceRequests.request }).from(invoiceRequests).where(eq(invoiceRequests.externalId, externalId));
  const currency = typeof row?.request.currency === 'string' ? row.request.currency : (await services(app).workflows.state(externalId)).state.currency;
  if (given !== undefined && given !== currency) {
    throw badRequest(`${field} ${given} does not match invoice ${externalId}'s currency ${currency}`, [
      { field, message: `is ${JSON.stringify(given)} but invoice ${externalId} is in ${currency}; convert the amount to ${currency}` },
    ]);
  }
  return currency;
}
