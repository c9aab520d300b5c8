/**
 * `historyEventsPerLifecycle` and `historyEventsPerStep` from a real history of the shipped standard B2B
 * policy (b2b-net30-standard v3, rendered by the production renderer), on the time-skipping server.
 *
 * The life: an invoice due in ~3 weeks runs heads-up (email), due-today (email), overdue-7 (SMS), call (call
 * task), waits for approval of the final notice, is approved, sends it, and is then paid in full.
 *
 * Lifecycle = every event in that closed history. Per step = the events the dunning steps add, divided by the
 * steps carried out: the lifecycle without the invoice's opening turn (started, its first workflow task and that
 * task's commands) and its closing turn (the workflow task that takes the payment through completion), which
 * every invoice pays once however many steps its policy has. The approval of the final notice stays in the
 * steps' share. `details.history.lifecycleOverSteps` keeps the cruder ratio (lifecycle / steps) as well.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundle } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { catalogRenderer } from '../activities/catalog-renderer.js';
import { debtors } from '../db/schema.js';
import { PolicyCatalog } from '../dunning/catalog/policy-catalog.js';
import { projectRoot } from '../embedded/project-root.js';
import { registerSearchAttributes } from '../embedded/search-attribute-registration.js';
import { resolveTemporalBinary, sdkExecutable } from '../embedded/temporal-binaries.js';
import type { Stack } from '../test/harness/stack.js';
import { invoiceWorkflow } from '../workflows/invoice/invoice-workflow.js';
import { invoiceWorkflowId, recordPaymentUpdate, stateQuery, taskResolvedSignal, timelineQuery } from '../workflows/invoice/messages.js';
import { invoiceIndex } from '../workflows/search-attributes.js';
import { waitUntil, withTimeout } from './stats.js';
import { startBenchWorker } from './invoice-worker.js';

export interface HistoryResult {
  historyEventsPerLifecycle: number;
  historyEventsPerStep: number;
  /** Lifecycle / steps: the per-step figure with the invoice's fixed opening and closing costs spread over it. */
  lifecycleOverSteps: number;
  openingTurnEvents: number;
  closingTurnEvents: number;
  steps: string[];
  byType: Record<string, number>;
  /** Activities scheduled, by name, and the timeline's entries by kind: where the events come from. */
  activities: Record<string, number>;
  timeline: Record<string, number>;
  policy: string;
}

const day = 24 * 3600 * 1000;

export async function measureHistory(options: { stack: Stack; invoiceBundle: WorkflowBundle; tag: string }): Promise<HistoryResult> {
  const policiesRoot = path.join(projectRoot, 'policies');
  const templatesRoot = path.join(projectRoot, 'templates');
  const catalog = new PolicyCatalog({ policiesRoot, templatesRoot });
  const policy = catalog.resolve('b2b-net30-standard@3');
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: sdkExecutable(resolveTemporalBinary('test-server')) } });
  let closeWorkerDatabase: (() => Promise<void>) | undefined;
  try {
    await registerSearchAttributes(env.connection, env.namespace ?? 'default');
    const zone = 'America/Chicago';
    const now = DateTime.fromMillis(await env.currentTimeMs(), { zone });
    const earliest = now.plus({ days: 20 }).startOf('day');
    const due = earliest.plus({ days: (3 - earliest.weekday + 7) % 7 }); // a Wednesday
    const id = `${options.tag}-life`;
    const debtorId = `debtor-${id}`;
    await options.stack.database.db.insert(debtors).values({ id: debtorId, name: 'Vandelay Industries', timeZone: zone, segment: 'midmarket', complianceContext: { tcpaConsent: { at: '2025-01-15T16:00:00Z' } } });
    const taskQueue = `${options.tag}-history`;
    const handle = await env.client.workflow.start(invoiceWorkflow, {
      taskQueue,
      workflowId: invoiceWorkflowId(id),
      // As the API starts invoices: the search attributes are set at start, not upserted by the first task.
      typedSearchAttributes: invoiceIndex({ status: 'open', debtorId, policyId: policy.id, segment: 'midmarket' }),
      args: [{
        invoice: {
          invoiceId: id, number: id, currency: 'USD', amountMinor: 420_000, issueDate: due.minus({ days: 30 }).toISODate()!, dueDate: due.toISODate()!,
          debtor: { id: debtorId, name: 'Vandelay Industries', email: 'ap@vandelay.example', phone: '+13125550147', locale: 'en-US', timeZone: zone, segment: 'midmarket' },
        },
        policy: { compiled: policy, source: readFileSync(path.join(policiesRoot, 'b2b-net30-standard', 'v3.yaml'), 'utf8') },
      }],
    });
    const { worker, close: closeWorker } = await startBenchWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle: options.invoiceBundle,
      databaseUrl: options.stack.databaseUrl,
      email: options.stack.email,
      sms: options.stack.sms,
      // The shipped templates, rendered as production renders them: their size is part of the history.
      render: catalogRenderer(catalog, templatesRoot),
    });
    closeWorkerDatabase = closeWorker;
    // Queries of a closed workflow replay it on a worker: read the timeline before the worker stops.
    const timeline = await worker.runUntil(withTimeout((async () => {
      await env.sleep(due.plus({ days: 31 }).toMillis() - (await env.currentTimeMs()));
      const approval = await waitUntil('the final notice approval task', async () => (await handle.query(stateQuery)).openTasks.find((t) => t.kind === 'approval' && t.stepId === 'final'), 30_000, 200);
      await handle.signal(taskResolvedSignal, { taskId: approval.id, outcome: 'approved', actor: 'bench' });
      // A weekend or a US holiday may lie between the approval and the next send window.
      await env.sleep(5 * day);
      await handle.executeUpdate(recordPaymentUpdate, { args: [{ reference: 'ACH-1', amountMinor: 420_000 }] });
      await handle.result();
      return handle.query(timelineQuery);
    })(), 240_000, 'the standard B2B life'));
    const steps = [...new Set(timeline.filter((e) => e.stepId && (e.kind === 'sent' || (e.kind === 'task' && e.channel === 'call_task'))).map((e) => e.stepId!))];
    const expected = ['heads-up', 'due-today', 'overdue-7', 'call', 'final'];
    if (steps.join() !== expected.join()) throw new Error(`the life ran steps ${steps.join(', ')}; expected ${expected.join(', ')}`);
    // The JSON export names event types (the proto objects carry enum numbers).
    type Event = { eventType?: string; activityTaskScheduledEventAttributes?: { activityType?: { name?: string } } };
    const events = (JSON.parse(historyToJSON(await handle.fetchHistory())) as { events: Event[] }).events;
    const tally = (into: Record<string, number>, key: string): void => void (into[key] = (into[key] ?? 0) + 1);
    const byType: Record<string, number> = {};
    const activities: Record<string, number> = {};
    const kinds: Record<string, number> = {};
    for (const e of events) {
      tally(byType, String(e.eventType ?? 'unknown').replace(/^EVENT_TYPE_/, ''));
      const activity = e.activityTaskScheduledEventAttributes?.activityType?.name;
      if (activity) tally(activities, activity);
    }
    for (const entry of timeline) tally(kinds, entry.kind);
    const { opening, closing } = openingAndClosingTurns(events.map((e) => String(e.eventType ?? '').replace(/^EVENT_TYPE_/, '')));
    return {
      historyEventsPerLifecycle: events.length,
      historyEventsPerStep: (events.length - opening - closing) / steps.length,
      lifecycleOverSteps: events.length / steps.length,
      openingTurnEvents: opening,
      closingTurnEvents: closing,
      steps,
      byType,
      activities,
      timeline: kinds,
      policy: `${policy.id}@${policy.version}`,
    };
  } finally {
    await closeWorkerDatabase?.();
    await env.teardown();
  }
}

/** Events that are commands of the workflow task just completed (written after WORKFLOW_TASK_COMPLETED). */
const commandEvents = new Set(['MARKER_RECORDED', 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES', 'TIMER_STARTED', 'TIMER_CANCELED', 'ACTIVITY_TASK_SCHEDULED', 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED', 'WORKFLOW_EXECUTION_UPDATE_COMPLETED', 'WORKFLOW_EXECUTION_COMPLETED']);

/**
 * The opening turn: from the start through the first workflow task's commands. The closing turn: the last
 * workflow task (scheduled, started, completed) and everything after it, i.e. the task that completes the run.
 */
export function openingAndClosingTurns(types: string[]): { opening: number; closing: number } {
  const firstCompleted = types.indexOf('WORKFLOW_TASK_COMPLETED');
  let opening = firstCompleted + 1;
  while (opening < types.length && commandEvents.has(types[opening]!)) opening++;
  const closing = types.length - types.lastIndexOf('WORKFLOW_TASK_SCHEDULED');
  return { opening, closing };
}
