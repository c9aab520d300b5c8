/**
 * The invoice worker: polls the invoice task queue, runs the workflow bundle and the activities built from
 * injected clients. One factory for `dunmore worker`, `dunmore start` and the tests.
 */
import { Worker, type InjectedSinks, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { DecisionSinks } from '../workflows/invoice/decision-sink.js';
import type { TimelineEntry } from '../workflows/invoice/messages.js';
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
  /** Where the workflows' decisions go (logs, the live feed of `dunmore start`). */
  onDecision?: (invoiceId: string, entry: TimelineEntry, workflowId: string) => void;
}

export async function createInvoiceWorker(options: InvoiceWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? invoiceTaskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath, bundlerOptions }),
    ...(options.activities ? { activities: options.activities } : {}),
    ...(options.onDecision
      ? {
          sinks: {
            decisions: {
              record: { fn: (info, invoiceId, entry) => options.onDecision?.(invoiceId, entry, info.workflowId), callDuringReplay: false },
            },
          } satisfies InjectedSinks<DecisionSinks>,
        }
      : {}),
    ...options.tuning,
  });
}
