/**
 * The invoice worker: polls the invoice task queue, runs the workflow bundle and the activities built from
 * injected clients. One factory for `dunmore worker`, `dunmore start` and the tests.
 */
import type { NativeConnection} from '@temporalio/worker';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { invoiceTaskQueue } from '../workflows/task-queues.js';
import { bundlerOptions, workflowsPath } from './bundle.js';

export interface InvoiceWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue?: string;
  activities?: WorkerOptions['activities'];
  /** A prebuilt bundle (production); when omitted, workflows/ is bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  tuning?: Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions'>;
}

export async function createInvoiceWorker(options: InvoiceWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? invoiceTaskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath, bundlerOptions }),
    ...(options.activities ? { activities: options.activities } : {}),
    ...options.tuning,
  });
}
