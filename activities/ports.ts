/**
 * The outside world as the activities see it. The factory receives implementations; tests and the embedded
 * defaults use real servers (SMTP sink, Twilio stand-in) behind the same adapters as production.
 */
import type { InvoiceState } from '../dunning/invoice-state.js';
import type { MessageChannel } from '../dunning/policy.js';

export interface RenderedMessage {
  subject?: string;
  text: string;
  html?: string;
}

/** Another open invoice of the same debtor that a consolidated message lists. */
export interface CoincidingInvoice {
  externalId: string;
  currency: string;
  balanceMinor: number;
  dueOn: string;
}

export type MessageRenderer = (request: {
  channel: MessageChannel;
  template: string;
  locale: string;
  stepId: string;
  invoiceState: InvoiceState;
  policy: { id: string; version: number; contentHash: string };
  otherInvoices: CoincidingInvoice[];
  now: Date;
}) => Promise<RenderedMessage>;

export interface EmailSender {
  /** Returns the Message-ID. */
  send(request: { to: string; message: RenderedMessage; idempotencyKey: string }): Promise<string>;
  /** A hard bounce or rejected recipient: retrying cannot help. */
  isPermanentFailure(error: unknown): boolean;
}

export interface SmsSender {
  /** Returns the provider's message id (Twilio SID). */
  send(request: { to: string; body: string }): Promise<string>;
  /** After a crash mid-send: the id of an identical message already accepted since `since`, if any. */
  findSent(request: { to: string; body: string; since: Date }): Promise<string | undefined>;
  isPermanentFailure(error: unknown): boolean;
}
