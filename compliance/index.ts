/**
 * The compliance engine: pure, deterministic, safe to import from Temporal workflow code (no I/O, no
 * Node built-ins, no zod; host time zone never read). Validating untrusted case files lives in
 * `./case-schema.ts`, which workflow code should not import.
 */
export { evaluateContact, toCaseResult, ruleVersion } from './engine.js';
export { ComplianceInputError } from './input-error.js';
export { assumedReceiptDay, isLegalPublicHoliday, validationPeriodEndDay } from './federal-holidays.js';
export { dayNumberOf, formatDay } from './civil-date.js';
export { unknownLocationZones } from './evaluation.js';
export type * from './types.js';
