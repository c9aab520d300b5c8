/**
 * The invoice worker's activities, built from injected clients. The workflow types its proxies with
 * `ReturnType<typeof createActivities>`, so a renamed activity fails to compile rather than at run time.
 */
import type { Client } from '@temporalio/client';
import type { Database } from '../db/client.js';
import { archiveClosedInvoicesActivity } from './archive.js';
import { checkContactActivity } from './contact-gate.js';
import { closeEscalationsActivity, createEscalationActivity } from './escalations.js';
import { recordInvoiceActivity, syncInvoiceActivity } from './invoice-mirror.js';
import type { EmailSender, MessageRenderer, SmsSender } from './ports.js';
import { sendMessageActivity } from './send-message.js';
import { deliverWebhooksActivity } from './webhooks.js';

export interface ActivityDependencies {
  db: Database;
  render: MessageRenderer;
  email: EmailSender;
  sms: SmsSender;
  /** Tests only: a clock that is not the wall clock. */
  wallClock?: () => Date;
  /** For archiving closed invoices (histories and final states come from Temporal). */
  temporal?: Client;
}

export function createActivities(deps: ActivityDependencies) {
  return {
    sendMessage: sendMessageActivity(deps),
    createEscalation: createEscalationActivity(deps.db),
    closeEscalations: closeEscalationsActivity(deps.db),
    recordInvoice: recordInvoiceActivity(deps.db),
    syncInvoice: syncInvoiceActivity(deps.db),
    checkContact: checkContactActivity(deps.db),
    deliverWebhooks: deliverWebhooksActivity(deps.db),
    archiveClosedInvoices: archiveClosedInvoicesActivity(deps.temporal, deps.db),
  };
}

export type InvoiceActivities = ReturnType<typeof createActivities>;
