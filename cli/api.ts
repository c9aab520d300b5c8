/**
 * `dunmore api` (the HTTP API server), `dunmore apikey create --role …` (prints a new key once) and
 * `dunmore audit verify` (recomputes the audit hash chain; exit 1 when it is broken).
 */
import os from 'node:os';
import type { Command } from 'commander';
import { startApiServer } from '../api/server.js';
import { createApiKey } from '../api/services/api-keys.js';
import { verifyAuditChain } from '../api/services/audit.js';
import { apiRoles, type ApiRole } from '../db/api-schema.js';
import { connectDatabase } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';
import { onShutdown } from '../embedded/supervisor.js';
import { ConfigError, loadConfig, redactedSummary } from './config.js';

/** Runs a command body; a configuration problem prints its lines (naming variable, value and fix) and exits 2. */
async function withConfig(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
  }
}

const cliActor = () => ({ id: 'cli', name: `cli:${os.userInfo().username}`, role: 'admin' });

export function registerApiCommands(program: Command): void {
  program
    .command('api')
    .description('Run the HTTP API (Temporal and PostgreSQL from TEMPORAL_ADDRESS and DATABASE_URL)')
    .option('--policies <dir>', 'policies folder', 'policies')
    .action((flags: { policies: string }) => withConfig(async () => {
      const config = loadConfig(['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'DUNMORE_TASK_QUEUE', 'DATABASE_URL', 'API_HOST', 'API_PORT', 'LOG_LEVEL']);
      const twilio = process.env.TWILIO_AUTH_TOKEN ? loadConfig(['TWILIO_AUTH_TOKEN', 'PUBLIC_BASE_URL']) : {};
      process.stdout.write(`dunmore api\n${redactedSummary({ ...config, ...twilio })}\n`);
      const database = connectDatabase(config.DATABASE_URL, { max: 2 });
      await migrateDatabase(database.db);
      await database.close();
      const server = await startApiServer({ ...config, ...twilio, policiesRoot: flags.policies });
      onShutdown(server.close);
      process.stdout.write(`• API listening on ${server.url} (OpenAPI at ${server.url}/docs)\n`);
    }));

  program
    .command('apikey')
    .description('API keys')
    .command('create')
    .description('Create an API key; it is printed once, only its hash is stored')
    .requiredOption('--role <role>', `one of ${apiRoles.join(', ')}`)
    .requiredOption('--name <name>', 'who or what uses it, e.g. erp-sync, ana.collector')
    .action((flags: { role: string; name: string }) => withConfig(async () => {
      if (!(apiRoles as readonly string[]).includes(flags.role)) {
        process.stderr.write(`--role ${JSON.stringify(flags.role)} is not a role; use one of ${apiRoles.join(', ')}\n`);
        process.exitCode = 2;
        return;
      }
      const { DATABASE_URL } = loadConfig(['DATABASE_URL']);
      const database = connectDatabase(DATABASE_URL, { max: 1 });
      try {
        await migrateDatabase(database.db);
        const key = await createApiKey(database.db, { name: flags.name, role: flags.role as ApiRole, createdBy: cliActor(), at: new Date() });
        process.stdout.write(`${JSON.stringify(key, null, 2)}\n`);
        process.stderr.write('Store the key now: it cannot be shown again.\n');
      } finally {
        await database.close();
      }
    }));

  program
    .command('audit')
    .description('The audit trail')
    .command('verify')
    .description('Recompute the audit hash chain; exit 1 and list the rows when any was edited or deleted')
    .action(() => withConfig(async () => {
      const { DATABASE_URL } = loadConfig(['DATABASE_URL']);
      const database = connectDatabase(DATABASE_URL, { max: 1 });
      try {
        const result = await verifyAuditChain(database.db);
        for (const p of result.problems) process.stderr.write(`audit_events seq ${p.seq}: ${p.problem}\n`);
        if (result.ok) process.stdout.write(`ok: ${result.rows} audit events, chain intact\n`);
        else {
          process.stderr.write(`${result.problems.length} problem(s): the audit trail was altered\n`);
          process.exitCode = 1;
        }
      } finally {
        await database.close();
      }
    }));
}
