/** Liveness (`/health`: the process answers) and readiness (`/ready`: Temporal and PostgreSQL answer). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';

const checkTimeoutMs = 2_000;

async function probe(check: () => Promise<unknown>): Promise<{ ok: boolean; latencyMs: number; error?: string }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${checkTimeoutMs} ms`)), checkTimeoutMs);
      }),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    // The reason is for operators; it names the dependency, not credentials or hosts.
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: error instanceof Error ? error.message.split('\n')[0]?.slice(0, 200) : 'failed' };
  } finally {
    clearTimeout(timer);
  }
}

const Check = Type.Object({ ok: Type.Boolean(), latencyMs: Type.Integer(), error: Type.Optional(Type.String()) });
const Readiness = Type.Object({ status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]), checks: Type.Object({ temporal: Check, postgres: Check }) });

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/health', { config: { public: true }, schema: { tags: ['health'], summary: 'Liveness', security: [], response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({
    status: 'ok' as const,
  }));

  app.get(
    '/ready',
    { config: { public: true }, schema: { tags: ['health'], summary: 'Readiness: Temporal and PostgreSQL reachable', security: [], response: { 200: Readiness, 503: Readiness } } },
    async (_request, reply) => {
      const { temporal, database } = app.deps;
      const [temporalCheck, postgresCheck] = await Promise.all([
        probe(() => temporal.workflowService.getSystemInfo({})),
        probe(() => database.sql`select 1`),
      ]);
      const ready = temporalCheck.ok && postgresCheck.ok;
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks: { temporal: temporalCheck, postgres: postgresCheck } });
    },
  );
};
