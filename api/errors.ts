/**
 * Errors the API answers with on purpose. Anything else is an internal error: logged with its stack, answered
 * with a 500 that names only the request id (internals never leak to callers).
 */

export interface FieldProblem {
  /** Dotted path into the request part, e.g. `debtor.timeZone`, `items.3.amountMinor`. */
  field: string;
  message: string;
}

export class ApiProblem extends Error {
  constructor(
    readonly statusCode: number,
    /** Stable, machine-readable: `invoice_not_found`, `invoice_closed`, `idempotency_conflict`… */
    readonly code: string,
    message: string,
    /** Extra fields merged into the body (the invoice's final state, the differing fields…). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiProblem';
  }
}

export const badRequest = (message: string, errors: FieldProblem[]): ApiProblem => new ApiProblem(400, 'invalid_request', message, { errors });

export const notFound = (what: string, id: string, hint: string): ApiProblem =>
  new ApiProblem(404, `${what.replace(/\s+/g, '_')}_not_found`, `no ${what} ${JSON.stringify(id)}; ${hint}`);

export const conflict = (code: string, message: string, extra: Record<string, unknown> = {}): ApiProblem => new ApiProblem(409, code, message, extra);
