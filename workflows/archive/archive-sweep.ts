/**
 * Archives closed invoices (see activities/archive.ts). Started hourly by the `dunmore-archive-sweep` Temporal
 * Schedule, or on demand with `dunmore archive sweep`. Looks back 72 hours, so two missed runs lose nothing.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { InvoiceActivities } from '../../activities/index.js';
import type { ArchiveSweepResult } from '../../activities/archive.js';

const { archiveClosedInvoices } = proxyActivities<InvoiceActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '10 minutes',
  retry: { initialInterval: '30 seconds', maximumInterval: '10 minutes', maximumAttempts: 10 },
});

export async function archiveSweep(options: { closedWithinHours?: number } = {}): Promise<ArchiveSweepResult> {
  return archiveClosedInvoices({ closedWithinHours: options.closedWithinHours ?? 72 });
}
