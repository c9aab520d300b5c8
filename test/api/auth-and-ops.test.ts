/**
 * Every route's 401 and 403 (the role matrix, derived from the routes the app actually registered), the public
 * operational endpoints, and the audit chain's tamper detection.
 */
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoles } from '../../db/api-schema.js';
import { startApiTestEnv, type ApiTestEnv } from './harness.js';

let t: ApiTestEnv;

beforeAll(async () => {
  t = await startApiTestEnv();
});
afterAll(async () => {
  await t?.close();
});

const concrete = (url: string) => url.replace(/:(\w+)/g, (_m, name: string) => (name === 'version' ? '1' : `X-${name}`));

describe('role matrix', () => {
  it('declares every non-public route with roles, and every public route is deliberate', () => {
    const publicRoutes = t.app.routeTable.filter((r) => r.public).map((r) => `${r.method} ${r.url}`).sort();
    expect(publicRoutes).toEqual(['GET /health', 'GET /metrics', 'GET /ready', 'POST /v1/webhooks/twilio/status']);
    expect(t.app.routeTable.filter((r) => !r.public).length).toBeGreaterThan(30);
  });

  it('answers 401 without a key or with a wrong one, and 403 to every role the route does not allow', async () => {
    const matrix: string[] = [];
    for (const route of t.app.routeTable.filter((r) => !r.public)) {
      const url = concrete(route.url);
      const method = route.method as 'GET' | 'POST' | 'PUT';
      const none = await t.app.inject({ method, url });
      expect(none.statusCode, `${route.method} ${route.url} without a key`).toBe(401);
      const forged = await t.app.inject({ method, url, headers: { authorization: `Bearer dm_${'0'.repeat(16)}_${'A'.repeat(43)}` } });
      expect(forged.statusCode, `${route.method} ${route.url} with an unknown key`).toBe(401);
      for (const role of apiRoles) {
        const res = await t.app.inject({ method, url, headers: t.as(role) });
        const allowed = role === 'admin' || route.roles.includes(role);
        if (allowed) expect([401, 403], `${role} on ${route.method} ${route.url}`).not.toContain(res.statusCode);
        else {
          expect(res.statusCode, `${role} on ${route.method} ${route.url}`).toBe(403);
          expect(res.json().code).toBe('forbidden');
        }
        matrix.push(`${route.method} ${route.url} ${role}:${allowed ? 'allow' : 'deny'}`);
      }
    }
    expect(matrix.length).toBe(t.app.routeTable.filter((r) => !r.public).length * apiRoles.length);
  });

  it('accepts the key in X-API-Key too', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/policies', headers: { 'x-api-key': t.keys.collector } });
    expect(res.statusCode).toBe(200);
  });
});

describe('operations endpoints', () => {
  it('reports health, readiness of Temporal and PostgreSQL, Prometheus metrics and the OpenAPI document', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { temporal: { ok: true }, postgres: { ok: true } } });
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('dunmore_api_http_requests_total{method="GET",route="/ready",status="200"}');
    const docs = await t.app.inject({ method: 'GET', url: '/docs/json' });
    const spec = docs.json();
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toContain('/v1/invoices/{externalId}/payments');
  });

  it('answers 503 from /ready when PostgreSQL is unreachable', async () => {
    const { buildApp } = await import('../../api/app.js');
    const { connectDatabase } = await import('../../db/client.js');
    const dead = connectDatabase('postgres://nobody:secret@127.0.0.1:1/none', { max: 1 });
    const app = await buildApp({ ...t.app.deps, database: dead });
    const res = await app.inject({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'unavailable', checks: { postgres: { ok: false }, temporal: { ok: true } } });
    expect(res.body).not.toContain('secret');
    await app.close();
    await dead.close();
  });

  it('hides internals: unknown routes are 404 naming the route, malformed JSON is 400', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/v2/nothing' })).json()).toMatchObject({ statusCode: 404, code: 'route_not_found' });
    const bad = await t.app.inject({ method: 'POST', url: '/v1/invoices', headers: { ...t.as('ops'), 'content-type': 'application/json' }, payload: '{"externalId":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).not.toMatch(/at .*\.js:\d+/);
  });
});

describe('audit trail', () => {
  const audited = async () => {
    for (const name of ['a', 'b', 'c']) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/api-keys', headers: t.as('admin'), payload: { name: `audit-${name}`, role: 'collector' } });
      expect(res.statusCode).toBe(201);
    }
  };
  const verify = async () => (await t.app.inject({ method: 'GET', url: '/v1/audit/verify', headers: t.as('compliance') })).json();

  it('is intact after normal use, and refuses UPDATE and DELETE', async () => {
    await audited();
    expect(await verify()).toMatchObject({ ok: true, problems: [] });
    await expect(t.database.sql`update audit_events set actor = 'someone else' where seq = 1`).rejects.toThrow(/append-only/);
    await expect(t.database.sql`delete from audit_events where seq = 1`).rejects.toThrow(/append-only/);
  });

  it('detects an edited row, a deleted row and a deleted tail, even when the triggers were bypassed', async () => {
    await audited();
    const bypass = async (statement: (sql: postgres.TransactionSql) => Promise<unknown>) => {
      await t.database.sql.begin(async (sql) => {
        // A superuser can switch triggers off for a session; verification must not depend on them.
        await sql`set local session_replication_role = replica`;
        await statement(sql);
      });
    };
    const [{ max }] = (await t.database.sql`select max(seq)::int as max from audit_events`) as unknown as [{ max: number }];

    await bypass((sql) => sql`update audit_events set detail = jsonb_set(detail, '{role}', '"admin"') where seq = ${max - 1}`);
    const edited = await verify();
    expect(edited.ok).toBe(false);
    expect(edited.problems).toEqual([{ seq: max - 1, problem: expect.stringContaining('was edited') }]);

    await bypass((sql) => sql`delete from audit_events where seq = ${max - 2}`);
    const deleted = await verify();
    expect(deleted.problems.map((p: { problem: string }) => p.problem)).toEqual(expect.arrayContaining([expect.stringContaining('were deleted')]));

    await bypass((sql) => sql`delete from audit_events where seq = ${max}`);
    const tail = await verify();
    expect(tail.problems.map((p: { problem: string }) => p.problem)).toEqual(expect.arrayContaining([expect.stringContaining('audit_head records seq')]));
  });
});
