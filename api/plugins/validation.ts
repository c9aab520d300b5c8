/**
 * Request validation. Bodies are validated strictly (no type coercion: "100" is not an amount); query strings
 * and params are coerced, since everything in a URL is text. All errors are collected so one 400 names every
 * bad field.
 */
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsImport from 'ajv-formats';
import type { FastifyInstance, FastifySchemaValidationError } from 'fastify';
import type { FieldProblem } from '../errors.js';

// ajv-formats is CommonJS with a default export; under NodeNext its namespace is what arrives.
const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;

function makeAjv(coerceTypes: boolean | 'array'): Ajv {
  const ajv = new Ajv({ allErrors: true, removeAdditional: false, useDefaults: true, coerceTypes, strict: false, allowUnionTypes: true });
  addFormats(ajv);
  return ajv;
}

export function installValidation(app: FastifyInstance): void {
  const strict = makeAjv(false);
  const coercing = makeAjv('array');
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));
}

const describeValue = (value: unknown): string => {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/** Ajv's errors as `{ field, message }`, the field dotted from the request part (`body.debtor.email`). */
export function fieldProblems(errors: readonly (FastifySchemaValidationError | ErrorObject)[], part: string, data?: unknown): FieldProblem[] {
  const seen = new Set<string>();
  const out: FieldProblem[] = [];
  for (const error of errors) {
    const segments = error.instancePath.split('/').filter(Boolean).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const params = error.params as Record<string, unknown>;
    let message = error.message ?? 'is invalid';
    if (error.keyword === 'required') {
      segments.push(String(params.missingProperty));
      message = 'is required';
    } else if (error.keyword === 'additionalProperties') {
      segments.push(String(params.additionalProperty));
      message = 'is not a known field; remove it or check its spelling';
    } else if (error.keyword === 'enum') {
      message = `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    } else if (error.keyword === 'pattern' || error.keyword === 'format') {
      const schema = (error as { parentSchema?: { description?: string } }).parentSchema;
      message = `${message}${schema?.description ? ` (${schema.description})` : ''}`;
    }
    let value: unknown = data;
    for (const s of error.instancePath.split('/').filter(Boolean)) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[s] : undefined;
    if (value !== undefined && error.keyword !== 'required' && error.keyword !== 'additionalProperties' && typeof value !== 'object') message += `; got ${describeValue(value)}`;
    const field = [part, ...segments].join('.');
    const key = `${field}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ field, message });
  }
  return out;
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * PostgreSQL text cannot hold NUL, and lone UTF-16 surrogates would come back altered (breaking audit hashes):
 * reject both up front with the field that holds them.
 */
export function unstorableStrings(value: unknown, path: string, out: FieldProblem[] = []): FieldProblem[] {
  if (out.length >= 20) return out;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) out.push({ field: path, message: 'contains a NUL character (\\u0000), which cannot be stored; remove it' });
    else if (loneSurrogate.test(value)) out.push({ field: path, message: 'contains an unpaired UTF-16 surrogate; send valid Unicode text' });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => unstorableStrings(v, `${path}.${i}`, out));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      unstorableStrings(k, `${path}.${k}`, out);
      unstorableStrings(v, `${path}.${k}`, out);
    }
  }
  return out;
}
