/**
 * TypeBox building blocks shared by the routes. Every request part is closed (`additionalProperties: false`)
 * so a misspelt field is a 400 naming it, never a silently ignored value.
 */
import { Type, type TSchema, type TObject, type TProperties, type ObjectOptions } from '@sinclair/typebox';

export const closed = <T extends TProperties>(properties: T, options: ObjectOptions = {}): TObject<T> =>
  Type.Object(properties, { additionalProperties: false, ...options });

/** External ids travel in URLs and workflow ids: printable, no slashes or whitespace. */
export const ExternalId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$', description: 'letters, digits and . _ : -' });
export const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. USD, EUR, JPY', examples: ['USD'] });
/** Minor units (cents); never floats. Bounded by Number.MAX_SAFE_INTEGER so sums stay exact. */
export const AmountMinor = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'integer minor units (cents), e.g. 125000 for 1250.00 USD' });
export const SignedAmountMinor = Type.Integer({ minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER });
export const LocalDate = Type.String({ format: 'date', description: 'YYYY-MM-DD', examples: ['2026-07-01'] });
export const Instant = Type.String({ format: 'date-time', description: 'ISO 8601 with offset, e.g. 2026-07-01T14:00:00Z' });
export const TimeZone = Type.String({ minLength: 1, maxLength: 64, description: 'IANA zone, e.g. America/New_York' });
export const Locale = Type.String({ pattern: '^[a-z]{2,3}(-[A-Z]{2})?$', description: 'BCP 47, e.g. en-US' });
export const E164 = Type.String({ pattern: '^\\+[1-9]\\d{6,14}$', description: 'E.164, e.g. +14155550142' });
export const Email = Type.String({ format: 'email', maxLength: 254 });
export const ShortText = Type.String({ minLength: 1, maxLength: 500 });
export const Reason = Type.String({ minLength: 1, maxLength: 1000, pattern: '\\S' });

export const Money = closed({ currency: Currency, amountMinor: Type.Integer() });

export const ErrorBody = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String(),
    message: Type.String(),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { additionalProperties: true, $id: undefined },
);

/** Any JSON: workflow state and timelines are documented by the workflow's TypeScript contract. */
export const Json = Type.Unknown();
export const JsonObject = Type.Object({}, { additionalProperties: true });

/** Error responses every authenticated route can give. */
export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
  503: ErrorBody,
} as const;

export const withErrors = <R extends Record<number, TSchema>>(responses: R): R & typeof errorResponses => ({ ...errorResponses, ...responses });

export const InvoiceParams = closed({ externalId: ExternalId });

/** A closed set of strings as a JSON Schema `enum` (one clear error, "must be one of …"), typed as the union. */
export const oneOf = <const T extends readonly string[]>(values: T, options: { description?: string; default?: T[number] } = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
