/**
 * The baselines of the throughput phase.
 *
 * `bareWorkflow` does nothing: its rate is what the dev server and the SDK cost on this machine before any of
 * Dunmore's own work, the denominator of `throughputRatio`.
 *
 * `invoiceShapedWorkflow` issues the Temporal commands of an invoice life and does none of its work: started with
 * the invoice's search attributes and input, a patch marker (as runs record single-version-marker), a
 * local activity where the message is sent, a wait for the payment update, the status upsert, a local activity
 * where the mirror is written, completion. Its activities echo their input. Its rate over the bare rate is the
 * highest `throughputRatio` an invoice life with these commands can reach on this machine, before PostgreSQL,
 * SMTP, Twilio, compliance and the dunning logic cost anything.
 */
import { condition, defineUpdate, patched, proxyLocalActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { InvoiceStatus } from '../../workflows/search-attributes.js';

export async function bareWorkflow(): Promise<void> {}

export interface ShapeActivities {
  /** Returns what it was given; the load generator hears of the first call, as it hears of a sent message. */
  echo(payload: unknown): Promise<unknown>;
}

export const shapedPaymentUpdate = defineUpdate<void>('recordPayment');

const { echo } = proxyLocalActivities<ShapeActivities>({ startToCloseTimeout: '1 minute' });

export async function invoiceShapedWorkflow(input: unknown): Promise<void> {
  patched('shape-version-marker');
  let paid = false;
  setHandler(shapedPaymentUpdate, () => {
    paid = true;
  });
  await echo(input);
  await condition(() => paid);
  upsertSearchAttributes([{ key: InvoiceStatus, value: 'paid' }]);
  await echo({ status: 'paid' });
}
