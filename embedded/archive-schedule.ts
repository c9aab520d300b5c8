/**
 * The Temporal Schedule that archives closed invoices every hour (workflows/archive/archive-sweep.ts).
 * Registered by `dunmore temporal setup` and `dunmore start`; registering twice is a no-op.
 */
import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import { archiveSweep } from '../workflows/archive/archive-sweep.js';

export const archiveScheduleId = 'dunmore-archive-sweep';

export async function ensureArchiveSchedule(client: Client, taskQueue: string): Promise<'created' | 'existing'> {
  try {
    await client.schedule.create({
      scheduleId: archiveScheduleId,
      spec: { intervals: [{ every: '1 hour' }] },
      action: { type: 'startWorkflow', workflowType: archiveSweep, taskQueue, args: [{}] },
      // A sweep still running when the next is due makes the next one pointless.
      policies: { overlap: 'SKIP', catchupWindow: '1 day' },
    });
    return 'created';
  } catch (error) {
    if (error instanceof ScheduleAlreadyRunning) return 'existing';
    throw error;
  }
}
