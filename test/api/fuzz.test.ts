/**
 * Property-based fuzzing over the request schemas: whatever the body (garbage, near-valid with one field
 * mutated, NUL bytes, lone surrogates, huge numbers), the API never answers 5xx, and a refused request writes
 * nothing (no invoice request, debtor, event or audit row).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { invoiceBody, startApiTestEnv, type ApiTestEnv } from './harness.js';

let t: ApiTestEnv;
beforeAll(async () => {
  t = await startApiTestEnv();
  await t.app.inject({ method: 'PUT', url: '/v1/debtors/FUZZ-DEBTOR', headers: t.as('ops'), payload: { name: 'Fuzz', timeZone: 'America/New_York' } });
});
afterAll(async () => {
  await t?.close();
});

const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom('\u0000', '\ud800', '\udfff', 'a', '"', "'", '\\'), maxLength: 6 }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -1, 0, 1.5, 1e308, '', 'USD', '2026-02-30', 'America/New_York', null, true, [], {}),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A valid body with one field replaced by something nasty, or removed, or an extra field added. */
function mutated(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const paths: string[][] = [];
  const walk = (value: unknown, path: string[]) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    if (path.length) paths.push(path);
  };
  walk(valid, []);
  return fc.tuple(fc.constantFrom(...paths), fc.constantFrom('replace', 'delete', 'extra'), nasty).map(([path, how, value]) => {
    const copy = structuredClone(valid);
    let target = copy as Record<string, unknown>;
    for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
    const last = path.at(-1) as string;
    if (how === 'delete') delete target[last];
    else if (how === 'extra') target[`${last}X`] = value;
    else target[last] = value;
    return copy;
  });
}

async function counts(): Promise<string> {
  const [row] = await t.database.sql`select (select count(*) from invoice_requests) as r, (select count(*) from audit_events) as a, (select count(*) from debtors) as d, (select count(*) from debtor_events) as e, (select count(*) from payments) as p`;
  return JSON.stringify(row);
}

const targets: Array<{ name: string; method: 'POST' | 'PUT'; url: string; valid: () => Record<string, unknown> }> = [
  { name: 'create invoice', method: 'POST', url: '/v1/invoices', valid: () => invoiceBody() },
  { name: 'debtor profile', method: 'PUT', url: '/v1/debtors/FUZZ-DEBTOR', valid: () => ({ name: 'Fuzz', timeZone: 'America/New_York', contactPoints: [{ type: 'mobile', address: '+14155550100' }], consents: { tcpa: { at: '2026-01-01T00:00:00Z' } } }) },
  { name: 'debtor event', method: 'POST', url: '/v1/debtors/FUZZ-DEBTOR/events', valid: () => ({ type: 'inconvenient_time', days: ['Mon'], from: '12:00', to: '13:00', receivedVia: 'phone' }) },
  { name: 'payment', method: 'POST', url: '/v1/invoices/FUZZ-NONE/payments', valid: () => ({ reference: 'R1', currency: 'USD', amountMinor: 100 }) },
  { name: 'simulate', method: 'POST', url: '/v1/policies/simulate', valid: () => ({ policy: 'b2b-net30-standard@3', invoice: (({ policy: _p, ...rest }) => rest)(invoiceBody()), until: '2030-01-01' }) },
];

describe('fuzzing the request schemas', () => {
  for (const target of targets) {
    it(`${target.name}: never 5xx, and a refused request writes nothing`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof({ weight: 4, arbitrary: mutated(target.valid()) }, { weight: 1, arbitrary: nasty }), async (body) => {
          const before = await counts();
          const res = await t.app.inject({ method: target.method, url: target.url, headers: { ...t.as('admin'), 'content-type': 'application/json' }, payload: JSON.stringify(body) ?? 'null' });
          expect(res.statusCode, res.body).toBeLessThan(500);
          if (res.statusCode >= 400) {
            expect(await counts(), `${res.statusCode} ${res.body}`).toBe(before);
            if (res.statusCode === 400) expect(res.json().message.length).toBeGreaterThan(0);
          }
        }),
        { numRuns: 60 },
      );
    });
  }
});
