/**
 * An invoice worker for tests: the real workflow bundle and the real activities, wired to a test database,
 * the SMTP sink and the Twilio stand-in. Only the renderer is the test's choice.
 */
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities/index.js';
import type { MessageRenderer } from '../../activities/ports.js';
import { bundlerOptions, workflowsPath } from '../../worker/bundle.js';
import type { DatabaseHandle } from '../../db/client.js';
import type { TestChannels } from './channels.js';

/** Renders what a person reading the timeline needs to recognise each message: step, invoice, and others. */
export const plainRenderer: MessageRenderer = async ({ channel, template, invoiceState, otherInvoices }) => {
  const number = invoiceState.invoice.number;
  const others = otherInvoices.length ? ` Also due: ${otherInvoices.map((i) => i.externalId).join(', ')}.` : '';
  const text = `[${template}] Invoice ${number}: balance ${invoiceState.balanceMinor} ${invoiceState.invoice.currency}.${others}`;
  return channel === 'email' ? { subject: `[${template}] Invoice ${number}`, text } : { text };
};

/** Bundle once per test file; a Worker runs only once, so each test creates its own from this bundle. */
export function bundleInvoiceWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath, ...bundlerOptions, logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } });
}

export async function createTestInvoiceWorker(options: {
  env: TestWorkflowEnvironment;
  workflowBundle: WorkflowBundle;
  taskQueue: string;
  database: DatabaseHandle;
  channels: TestChannels;
  render?: MessageRenderer;
}): Promise<Worker> {
  return Worker.create({
    connection: options.env.nativeConnection,
    namespace: options.env.namespace ?? 'default',
    taskQueue: options.taskQueue,
    workflowBundle: options.workflowBundle,
    activities: createActivities({ db: options.database.db, render: options.render ?? plainRenderer, email: options.channels.email, sms: options.channels.sms, temporal: options.env.client }),
  });
}
