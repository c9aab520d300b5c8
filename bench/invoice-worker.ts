/**
 * The invoice worker every timed phase runs: the production factory (`createInvoiceWorker`) and production
 * activities on a PostgreSQL pool of its own, with the decisions sink registered as production workers do
 * (`dunmore start`'s live feed; an empty one costs the same). Phases differ only in senders and renderer.
 */
import type { NativeConnection, Worker, WorkflowBundle } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import type { EmailSender, MessageRenderer, SmsSender } from '../activities/ports.js';
import { connectDatabase } from '../db/client.js';
import { plainRenderer } from '../test/harness/invoice-worker.js';
import { createInvoiceWorker } from '../worker/create-worker.js';

export interface BenchWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  workflowBundle: WorkflowBundle;
  databaseUrl: string;
  email: EmailSender;
  sms: SmsSender;
  /** Defaults to the plain renderer (no template files): the phases measure the engine, not Handlebars. */
  render?: MessageRenderer;
  /** PostgreSQL connections for the activities. */
  connections?: number;
}

export interface BenchWorker {
  worker: Worker;
  /** Closes the activities' PostgreSQL pool; call after the worker has stopped. */
  close(): Promise<void>;
}

export async function startBenchWorker(options: BenchWorkerOptions): Promise<BenchWorker> {
  const database = connectDatabase(options.databaseUrl, { max: options.connections ?? 4 });
  try {
    const worker = await createInvoiceWorker({
      connection: options.connection,
      namespace: options.namespace,
      taskQueue: options.taskQueue,
      workflowBundle: options.workflowBundle,
      onDecision: () => {},
      activities: createActivities({ db: database.db, render: options.render ?? plainRenderer, email: options.email, sms: options.sms }),
    });
    return { worker, close: () => database.close() };
  } catch (error) {
    await database.close();
    throw error;
  }
}
