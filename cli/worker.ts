/**
 * `dunmore worker`: the invoice worker as a production process, against an external Temporal, PostgreSQL,
 * SMTP server and Twilio account. SIGTERM or Ctrl-C drains it: in-flight activities finish, then it exits.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { Client } from '@temporalio/client';
import { pino } from 'pino';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import { catalogRenderer } from '../activities/catalog-renderer.js';
import { createSmtpTransport, smtpEmailSender } from '../activities/email-sender.js';
import { createActivities } from '../activities/index.js';
import { createTwilioClient, twilioSmsSender } from '../activities/sms-sender.js';
import { connectDatabase, type DatabaseHandle } from '../db/client.js';
import { PolicyCatalog } from '../dunning/catalog/policy-catalog.js';
import { projectRoot } from '../embedded/project-root.js';
import { createInvoiceWorker, type InvoiceWorkerOptions } from '../worker/create-worker.js';
import { createWorkerMetrics, serveMetrics } from '../worker/metrics.js';
import { WebhookDispatcher, type WebhookDispatcherOptions } from '../worker/webhook-dispatcher.js';
import { ConfigError, loadConfig, redactedSummary, type DunmoreConfig } from './config.js';

export const workerConfigKeys = [
  'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'DUNMORE_TASK_QUEUE', 'DATABASE_URL', 'SMTP_URL', 'SMTP_FROM',
  'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM', 'TWILIO_API_BASE_URL', 'PUBLIC_BASE_URL',
  'WORKER_MAX_CACHED_WORKFLOWS', 'WORKER_MAX_CONCURRENT_ACTIVITIES', 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', 'LOG_LEVEL', 'WORKER_METRICS_PORT',
] as const;
export type WorkerConfig = Pick<DunmoreConfig, (typeof workerConfigKeys)[number]>;

export interface RunningWorker {
  worker: Worker;
  /** Delivers the webhook outbox; start it beside the worker, stop it before closing the database. */
  webhooks: WebhookDispatcher;
  database: DatabaseHandle;
  connection: NativeConnection;
  /** Closes the SMTP pool the activities use (the Temporal connection is closed by the owner, after the worker stops). */
  close(): Promise<void>;
}

/** Builds the worker and its clients from validated configuration; shared by `dunmore worker` and `dunmore start`. */
export async function buildWorker(
  config: Omit<WorkerConfig, 'WORKER_METRICS_PORT'>,
  options: {
    workflowBundle?: InvoiceWorkerOptions['workflowBundle'];
    policiesRoot?: string;
    onDecision?: InvoiceWorkerOptions['onDecision'];
    onWebhookFailure?: WebhookDispatcherOptions['onFailure'];
  } = {},
): Promise<RunningWorker> {
  const policiesRoot = options.policiesRoot ?? path.join(projectRoot, 'policies');
  const templatesRoot = path.join(path.dirname(policiesRoot), 'templates');
  const database = connectDatabase(config.DATABASE_URL);
  const twilio = {
    accountSid: config.TWILIO_ACCOUNT_SID,
    authToken: config.TWILIO_AUTH_TOKEN,
    from: config.TWILIO_FROM,
    ...(config.TWILIO_API_BASE_URL ? { apiBaseUrl: config.TWILIO_API_BASE_URL } : {}),
    ...(config.PUBLIC_BASE_URL ? { statusCallbackUrl: new URL('/v1/webhooks/twilio/status', config.PUBLIC_BASE_URL).href } : {}),
  };
  const smtp = createSmtpTransport({ url: config.SMTP_URL, from: config.SMTP_FROM });
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createInvoiceWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.DUNMORE_TASK_QUEUE,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : {}),
    ...(options.onDecision ? { onDecision: options.onDecision } : {}),
    activities: createActivities({
      db: database.db,
      render: catalogRenderer(new PolicyCatalog({ policiesRoot, templatesRoot }), templatesRoot),
      email: smtpEmailSender(smtp, config.SMTP_FROM),
      sms: twilioSmsSender(createTwilioClient(twilio), twilio),
      // A client for the archive activity, which reads closed invoices' histories and results.
      temporal: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }),
    }),
    tuning: {
      ...(config.WORKER_MAX_CACHED_WORKFLOWS !== undefined ? { maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS } : {}),
      ...(config.WORKER_MAX_CONCURRENT_ACTIVITIES !== undefined ? { maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES } : {}),
      ...(config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS !== undefined ? { maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS } : {}),
    },
  });
  const webhooks = new WebhookDispatcher({ database, ...(options.onWebhookFailure ? { onFailure: options.onWebhookFailure } : {}) });
  return {
    worker,
    webhooks,
    database,
    connection,
    close: async () => {
      smtp.close(); // the pooled SMTP connections
    },
  };
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('Run the invoice worker against external Temporal, PostgreSQL, SMTP and Twilio (configured by environment)')
    .option('--workflow-bundle <file>', 'a bundle prebuilt with `dunmore bundle` (faster start, the exact code you replayed)')
    .action(async (flags: { workflowBundle?: string }) => {
      let config: WorkerConfig;
      try {
        config = loadConfig(workerConfigKeys);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        process.stderr.write(`${error.message}\n`);
        process.exitCode = 2;
        return;
      }
      // The SDK's metrics (workflow-task latency, activity failures, poller state) on the port after ours.
      Runtime.install({
        logger: new DefaultLogger('WARN'),
        telemetryOptions: { metrics: { prometheus: { bindAddress: `0.0.0.0:${config.WORKER_METRICS_PORT + 1}` } } },
      });
      const log = pino({ level: config.LOG_LEVEL, base: { process: 'dunmore-worker' } });
      const metrics = createWorkerMetrics();
      const metricsServer = await serveMetrics(metrics.registry, '0.0.0.0', config.WORKER_METRICS_PORT);
      process.stdout.write(`dunmore worker starting with:\n${redactedSummary(config)}\n`);
      const { worker, webhooks, database, connection, close } = await buildWorker(config, {
        ...(flags.workflowBundle ? { workflowBundle: { codePath: path.resolve(flags.workflowBundle) } } : {}),
        // One structured line per decision, carrying the invoice and workflow ids.
        onDecision: (invoiceId, entry, workflowId) => {
          metrics.record(entry);
          log.info({ invoiceId, workflowId, decision: entry }, `${entry.kind}: ${entry.reason}`);
        },
        onWebhookFailure: (failure) => log.warn({ webhook: failure }, `webhook ${failure.type} ${failure.deliveryId} failed (attempt ${failure.attempts}${failure.final ? ', giving up' : ''}): ${failure.error}`),
      });
      await webhooks.start();
      // Drain on SIGTERM/SIGINT: the SDK stops polling and lets running activities finish.
      const running = worker.run();
      process.stdout.write(`dunmore worker polling task queue ${config.DUNMORE_TASK_QUEUE}\n`);
      await running;
      await webhooks.stop();
      await Promise.allSettled([database.close(), connection.close(), close(), new Promise((r) => metricsServer.close(r))]);
      process.stdout.write('dunmore worker drained and stopped\n');
    });
}
