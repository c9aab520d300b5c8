/** Policies: list the catalog, show a version, validate a draft, simulate a version over an invoice's life. */
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { DateTime } from 'luxon';
import { CatalogError } from '../../dunning/catalog/diagnostics.js';
import { calendarsDirName, PolicyCatalog, policyPathParts } from '../../dunning/catalog/policy-catalog.js';
import { simulatePolicy } from '../../dunning/catalog/simulation.js';
import type { InvoiceEvent } from '../../dunning/invoice-state.js';
import { badRequest, notFound } from '../errors.js';
import { oneOf, closed, Instant, JsonObject, LocalDate, SignedAmountMinor, withErrors } from '../schemas.js';
import { invoiceFactsOf, semanticProblems } from '../services/invoice-create.js';
import { CreateInvoiceBody, PolicyRef } from './invoice-schemas.js';

const PolicyId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' });
const Diagnostic = Type.Object({ file: Type.String(), line: Type.Integer(), col: Type.Integer(), message: Type.String() });

const SimulationEvent = closed({
  type: oneOf(['payment', 'promise-to-pay', 'dispute-opened', 'dispute-resolved', 'paused', 'resumed', 'due-date-changed', 'amount-adjusted']),
  at: Instant,
  reference: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  amountMinor: Type.Optional(SignedAmountMinor),
  promiseId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  payBy: Type.Optional(LocalDate),
  disputeId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  outcome: Type.Optional(Type.Union([Type.Literal('upheld'), Type.Literal('rejected'), Type.Literal('credit')])),
  creditMinor: Type.Optional(SignedAmountMinor),
  until: Type.Optional(Instant),
  reason: Type.Optional(Type.String({ maxLength: 500 })),
  dueDate: Type.Optional(LocalDate),
});

export const policyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { catalog } = app.deps;
  const readers = ['ops', 'collector', 'compliance', 'integrator'] as const;

  app.get(
    '/policies',
    {
      config: { roles: readers },
      schema: {
        tags: ['policies'],
        summary: 'Every policy version in the catalog with its status (published, draft, edited) and hash',
        response: withErrors({ 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), version: Type.Integer(), status: Type.String(), contentHash: Type.String(), description: Type.Union([Type.String(), Type.Null()]), valid: Type.Boolean(), problems: Type.Integer() })) }) }),
      },
    },
    async () => ({
      items: catalog.policyFiles().map((file) => {
        const entry = catalog.load(file);
        return { id: entry.id, version: entry.version, status: entry.status, contentHash: entry.contentHash, description: entry.compiled?.description ?? null, valid: Boolean(entry.compiled), problems: entry.diagnostics.length };
      }),
    }),
  );

  app.get(
    '/policies/:policyId/versions/:version',
    {
      config: { roles: readers },
      schema: {
        tags: ['policies'],
        summary: 'One policy version: compiled form, source and validation findings',
        params: closed({ policyId: PolicyId, version: Type.Integer({ minimum: 1, maximum: 999_999 }) }),
        response: withErrors({ 200: Type.Object({ id: Type.String(), version: Type.Integer(), status: Type.String(), contentHash: Type.String(), source: Type.String(), compiled: Type.Union([JsonObject, Type.Null()]), diagnostics: Type.Array(Diagnostic) }) }),
      },
    },
    async (request) => {
      const { policyId, version } = request.params;
      const file = path.join(catalog.policiesRoot, policyId, `v${version}.yaml`);
      if (!existsSync(file)) throw notFound('policy', `${policyId}@${version}`, 'list versions with GET /v1/policies');
      const entry = catalog.load(file);
      return { id: entry.id, version: entry.version, status: entry.status, contentHash: entry.contentHash, source: readFileSync(file, 'utf8'), compiled: (entry.compiled as unknown as Record<string, unknown>) ?? null, diagnostics: entry.diagnostics };
    },
  );

  app.post(
    '/policies/validate',
    {
      config: { roles: ['ops', 'compliance'] },
      schema: {
        tags: ['policies'],
        summary: 'Validate a draft policy file against the catalog’s templates and calendars (nothing is saved)',
        body: closed({ id: PolicyId, version: Type.Integer({ minimum: 1, maximum: 999_999 }), source: Type.String({ minLength: 1, maxLength: 256 * 1024 }) }),
        response: withErrors({ 200: Type.Object({ valid: Type.Boolean(), contentHash: Type.String(), diagnostics: Type.Array(Diagnostic) }) }),
      },
    },
    async (request) => {
      const { id, version, source } = request.body;
      // A throwaway catalog holding only the draft, sharing the real calendars and templates.
      const root = mkdtempSync(path.join(os.tmpdir(), 'dunmore-validate-'));
      try {
        const policies = path.join(root, 'policies');
        mkdirSync(path.join(policies, id), { recursive: true });
        const realCalendars = path.join(catalog.policiesRoot, calendarsDirName);
        if (existsSync(realCalendars)) symlinkSync(path.resolve(realCalendars), path.join(policies, calendarsDirName));
        const file = path.join(policies, id, `v${version}.yaml`);
        writeFileSync(file, source);
        const draft = new PolicyCatalog({ policiesRoot: policies, templatesRoot: catalog.templatesRoot });
        const entry = draft.load(file);
        const shown = `policies/${id}/v${version}.yaml`;
        return { valid: Boolean(entry.compiled) && entry.diagnostics.length === 0, contentHash: entry.contentHash, diagnostics: entry.diagnostics.map((d) => ({ ...d, file: policyPathParts(d.file) ? shown : path.basename(d.file) })) };
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  );

  app.post(
    '/policies/simulate',
    {
      config: { roles: ['ops', 'compliance', 'collector'] },
      schema: {
        tags: ['policies'],
        summary: 'What a policy version would do over an invoice’s life: local send times, channels, subjects, skips',
        body: closed({ policy: PolicyRef, invoice: Type.Omit(CreateInvoiceBody, ['policy']), events: Type.Optional(Type.Array(SimulationEvent, { maxItems: 200 })), until: Type.Optional(LocalDate) }),
        response: withErrors({ 200: JsonObject }),
      },
    },
    async (request) => {
      const { invoice, events, until } = request.body;
      const problems = semanticProblems({ ...invoice }, 'body.invoice');
      if (problems.length > 0) throw badRequest(problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);
      let policy;
      try {
        policy = catalog.resolve(request.body.policy);
      } catch (error) {
        if (!(error instanceof CatalogError)) throw error;
        throw badRequest(`body.policy ${request.body.policy} cannot be used`, [{ field: 'body.policy', message: error.diagnostics.map((d) => d.message).join('; ') }]);
      }
      const facts = invoiceFactsOf(invoice, policy.defaultLocale);
      const untilInstant = until ? (DateTime.fromISO(until, { zone: invoice.debtor.timeZone }).toUTC().toISO() ?? undefined) : undefined;
      const simulation = simulatePolicy({ policy, invoice: facts, events: (events ?? []) as unknown as InvoiceEvent[], templatesRoot: catalog.templatesRoot, ...(untilInstant ? { until: untilInstant } : {}) });
      return simulation as unknown as Record<string, unknown>;
    },
  );
};
