/**
 * Creating an invoice: validate what JSON Schema cannot (ISO currency, IANA zone, date order), choose and pin the
 * policy, start `invoice-<externalId>` with the policy's full content, and remember the request so a replay of the
 * same body answers the same, and a different body under the same id is refused naming what differs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/client';
import { DateTime, IANAZone } from 'luxon';
import type { Static } from '@sinclair/typebox';
import { canonicalJson } from '../../dunning/catalog/policy-catalog.js';
import { CatalogError, formatDiagnostic } from '../../dunning/catalog/diagnostics.js';
import { isIsoCurrency } from '../../dunning/money.js';
import { appliesToMismatch, routeInvoice, type CompiledRouter } from '../../dunning/router.js';
import type { InvoiceFacts } from '../../dunning/invoice-state.js';
import { debtors } from '../../db/schema.js';
import { invoiceRequests } from '../../db/api-schema.js';
import type { invoiceWorkflow } from '../../workflows/invoice/invoice-workflow.js';
import { invoiceWorkflowId, type PinnedPolicy } from '../../workflows/invoice/messages.js';
import { invoiceIndex } from '../../workflows/search-attributes.js';
import type { AppDeps } from '../deps.js';
import { ApiProblem, badRequest, conflict, type FieldProblem } from '../errors.js';
import { appendAudit, actorLabel, type Actor } from './audit.js';
import { sha256 } from './invoice-workflows.js';
import type { CreateInvoiceBody } from '../routes/invoice-schemas.js';

export type CreateInvoiceInput = Static<typeof CreateInvoiceBody>;

export interface CreatedInvoice {
  externalId: string;
  workflowId: string;
  runId: string;
  status: 'open';
  policy: { id: string; version: number; contentHash: string; routedBy: string };
  createdBy: string;
  createdAt: string;
}

/** Checks JSON Schema cannot express; each problem names the field, the value and the fix. */
export function semanticProblems(body: CreateInvoiceInput, prefix = 'body'): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!isIsoCurrency(body.currency)) problems.push({ field: `${prefix}.currency`, message: `${JSON.stringify(body.currency)} is not an ISO 4217 currency; use a code such as USD, EUR or JPY` });
  if (!IANAZone.isValidZone(body.debtor.timeZone)) {
    problems.push({ field: `${prefix}.debtor.timeZone`, message: `${JSON.stringify(body.debtor.timeZone)} is not an IANA time zone; use e.g. America/New_York` });
  }
  const issue = DateTime.fromISO(body.issueDate);
  const due = DateTime.fromISO(body.dueDate);
  if (issue.isValid && due.isValid && due < issue) problems.push({ field: `${prefix}.dueDate`, message: `${body.dueDate} is before issueDate ${body.issueDate}; a due date cannot precede the issue date` });
  if (body.debtor.locale) {
    try {
      new Intl.Locale(body.debtor.locale);
    } catch {
      problems.push({ field: `${prefix}.debtor.locale`, message: `${JSON.stringify(body.debtor.locale)} is not a BCP 47 locale; use e.g. en-US` });
    }
  }
  return problems;
}

/** The invoice as the workflow (and a simulation) sees it, from a create body; `defaultLocale` when none is given. */
export function invoiceFactsOf(body: Omit<CreateInvoiceInput, 'policy'>, defaultLocale: string): InvoiceFacts {
  return {
    invoiceId: body.externalId,
    number: body.number ?? body.externalId,
    currency: body.currency,
    amountMinor: body.amountMinor,
    issueDate: body.issueDate,
    dueDate: body.dueDate,
    ...(body.paymentUrl ? { paymentUrl: body.paymentUrl } : {}),
    debtor: { ...body.debtor, locale: body.debtor.locale ?? defaultLocale },
  };
}

/** Dotted paths whose values differ between two JSON documents. */
export function differingFields(a: unknown, b: unknown, prefix = ''): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => differingFields(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  return canonicalJson(a ?? null) === canonicalJson(b ?? null) ? [] : [prefix || '(body)'];
}

export class InvoiceCreator {
  private router?: CompiledRouter;

  constructor(private readonly deps: AppDeps) {}

  private compiledRouter(): CompiledRouter {
    if (this.router) return this.router;
    const { router, diagnostics } = this.deps.catalog.router();
    if (!router || diagnostics.length > 0) {
      throw new CatalogError(diagnostics.length > 0 ? diagnostics : [{ file: 'router.yaml', line: 1, col: 1, message: 'no router' }]);
    }
    // Published policies never change and the router changes by deployment: one compile per process.
    this.router = router;
    return router;
  }

  /** A published policy version with its source text, as a workflow pins it; CatalogError when unusable. */
  pinRef(ref: string): PinnedPolicy {
    const compiled = this.deps.catalog.resolve(ref);
    const source = readFileSync(path.join(this.deps.catalog.policiesRoot, compiled.id, `v${compiled.version}.yaml`), 'utf8');
    return { compiled, source };
  }

  /** The policy the invoice runs under, with its published source text, and how it was chosen. */
  pin(body: CreateInvoiceInput): { pinned: PinnedPolicy; routedBy: string } {
    const facts = { currency: body.currency, amountMinor: body.amountMinor, ...(body.debtor.segment ? { segment: body.debtor.segment } : {}), ...(body.debtor.country ? { country: body.debtor.country } : {}) };
    let ref: string;
    let routedBy: string;
    if (body.policy) {
      ref = body.policy;
      routedBy = 'request';
    } else {
      let router: CompiledRouter;
      try {
        router = this.compiledRouter();
      } catch (error) {
        if (error instanceof CatalogError) throw new ApiProblem(503, 'policy_catalog_invalid', `the policy router does not validate: ${error.diagnostics.map(formatDiagnostic).join('; ')}`);
        throw error;
      }
      const route = routeInvoice(router, facts);
      ref = `${route.policy}@${route.version}`;
      routedBy = route.rule < 0 ? 'router default' : `router rule ${route.rule}`;
    }
    let pinned: PinnedPolicy;
    try {
      pinned = this.pinRef(ref);
    } catch (error) {
      if (!(error instanceof CatalogError)) throw error;
      if (body.policy) throw badRequest(`body.policy ${JSON.stringify(ref)} cannot be used`, [{ field: 'body.policy', message: `${error.diagnostics.map((d) => d.message).join('; ')}` }]);
      throw new ApiProblem(503, 'policy_catalog_invalid', `routed policy ${ref} does not validate: ${error.diagnostics.map(formatDiagnostic).join('; ')}`);
    }
    const mismatch = appliesToMismatch(pinned.compiled, facts);
    if (mismatch) throw new ApiProblem(422, 'policy_not_applicable', `policy ${ref} does not apply to this invoice: ${mismatch}; choose another policy or fix the invoice`);
    return { pinned, routedBy };
  }

  /** 201 and the new invoice; 200 and the same answer for a replay; 409 naming the fields for a different body. */
  async create(body: CreateInvoiceInput, actor: Actor, requestId?: string): Promise<{ statusCode: 200 | 201; invoice: CreatedInvoice }> {
    const problems = semanticProblems(body);
    if (problems.length > 0) throw badRequest(problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);
    const { db } = this.deps.database;
    const requestHash = sha256(canonicalJson(body));

    const replay = async (): Promise<{ statusCode: 200; invoice: CreatedInvoice } | undefined> => {
      const [existing] = await db.select().from(invoiceRequests).where(eq(invoiceRequests.externalId, body.externalId));
      if (!existing) return undefined;
      if (existing.requestHash === requestHash) return { statusCode: 200, invoice: existing.response as unknown as CreatedInvoice };
      const fields = differingFields(existing.request, body);
      throw conflict('idempotency_conflict', `invoice ${body.externalId} already exists with a different body; differing fields: ${fields.join(', ')}. Send the original body to get the existing invoice, or use a new externalId`, {
        differingFields: fields,
        existing: existing.response,
      });
    };
    const earlier = await replay();
    if (earlier) return earlier;

    const { pinned, routedBy } = this.pin(body);
    const workflowId = invoiceWorkflowId(body.externalId);
    const createdAt = this.deps.clock();
    const facts = invoiceFactsOf(body, 'en-US');

    const outcome = await db.transaction(async (tx) => {
      // The primary key serialises concurrent creates of one id: the loser waits here, then replays.
      const claimed = await tx
        .insert(invoiceRequests)
        .values({ externalId: body.externalId, requestHash, request: body as unknown as Record<string, unknown>, response: {}, workflowId, runId: '', createdBy: actorLabel(actor), createdAt })
        .onConflictDoNothing()
        .returning({ externalId: invoiceRequests.externalId });
      if (claimed.length === 0) return undefined;
      // The debtor may already exist with compliance facts from PUT /v1/debtors: never overwrite those here.
      await tx
        .insert(debtors)
        .values({ id: body.debtor.id, name: body.debtor.name, timeZone: body.debtor.timeZone, locale: facts.debtor.locale, segment: body.debtor.segment ?? 'unassigned' })
        .onConflictDoNothing();
      let runId: string;
      try {
        const handle = await this.deps.temporal.workflow.start<typeof invoiceWorkflow>('invoiceWorkflow', {
          taskQueue: this.deps.taskQueue,
          workflowId,
          args: [{ invoice: facts, policy: pinned, createdBy: actorLabel(actor) }],
          // An externalId names one invoice for ever: a closed invoice's id is not reused.
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          typedSearchAttributes: invoiceIndex({ status: 'open', debtorId: body.debtor.id, policyId: pinned.compiled.id, segment: body.debtor.segment }),
        });
        runId = handle.firstExecutionRunId;
      } catch (error) {
        // A previous attempt started the workflow but its transaction did not commit: adopt that run.
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        runId = (await this.deps.temporal.workflow.getHandle(workflowId).describe()).runId;
      }
      const invoice: CreatedInvoice = {
        externalId: body.externalId,
        workflowId,
        runId,
        status: 'open',
        policy: { id: pinned.compiled.id, version: pinned.compiled.version, contentHash: pinned.compiled.contentHash, routedBy },
        createdBy: actorLabel(actor),
        createdAt: createdAt.toISOString(),
      };
      await tx
        .update(invoiceRequests)
        .set({ response: invoice as unknown as Record<string, unknown>, runId })
        .where(sql`${invoiceRequests.externalId} = ${body.externalId}`);
      await appendAudit(tx, { at: createdAt, actor, action: 'invoice.create', targetType: 'invoice', targetId: body.externalId, detail: { request: body, policy: invoice.policy, runId }, ...(requestId ? { requestId } : {}) });
      return invoice;
    });
    if (outcome) return { statusCode: 201, invoice: outcome };
    const raced = await replay();
    if (!raced) throw new Error(`invoice request ${body.externalId} conflicted but cannot be read back`);
    return raced;
  }
}
