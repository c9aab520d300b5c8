/**
 * Sending one dunning message, exactly once.
 *
 * 1. The send window is re-checked at the instant of sending: a message queued at 20:58 and picked up at
 *    21:02 local is held, not sent.
 * 2. Under a lock on the debtor's row, the activity checks the per-debtor budget across all of the debtor's
 *    invoices, folds coinciding steps of other invoices into one consolidated message, and writes the outbox
 *    row (status `sending`) before anything leaves the building.
 * 3. It sends, then marks the row `sent`. A retry finds the row: `sent` → nothing is sent again; `sending`
 *    (the previous attempt died mid-send) → SMS is reconciled against the provider before any resend, and an
 *    email is resent with the same Message-ID, which receiving systems use to collapse duplicates.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { and, eq, getTableColumns, gt, gte, inArray, lte, ne, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Database } from '../db/client.js';
import { preparedQuery } from '../db/prepared-statement.js';
import { contactAttempts, debtors, invoices, messages } from '../db/schema.js';
import { evaluateContact } from '../compliance/index.js';
import { contactRequestFrom, decisionRecord, loadContactHistory } from './contact-gate.js';
import { activityNow } from './activity-clock.js';
import { acceptedNotRecorded, type ComplianceDecisionRecord, type InvoiceSyncInput, type ProviderAcceptance, type SendMessageInput, type SendMessageResult } from './contracts.js';
import { writeInvoiceSync } from './invoice-mirror.js';
import type { EmailSender, RenderedMessage, MessageRenderer, SmsSender } from './ports.js';

export interface SendMessageDependencies {
  db: Database;
  render: MessageRenderer;
  email: EmailSender;
  sms: SmsSender;
  wallClock?: () => Date;
}

type OutboxRow = typeof messages.$inferSelect;
const countedStatuses = ['sending', 'sent', 'delivered', 'undelivered'] as const;

export function contentHash(message: RenderedMessage): string {
  return `sha256:${createHash('sha256').update(JSON.stringify([message.subject ?? null, message.text, message.html ?? null])).digest('hex')}`;
}

/** Stable per idempotency key, so every attempt of one send carries the same Message-ID. */
export function messageIdFor(idempotencyKey: string, fromAddress: string): string {
  const domain = fromAddress.split('@')[1]?.replace(/[>\s]/g, '') || 'dunmore.invalid';
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}@${domain}>`;
}

const value = sql.placeholder;
const coincidingFields = { externalId: invoices.externalId, currency: invoices.currency, balanceMinor: invoices.balanceMinor, dueOn: invoices.dueOn };

/**
 * The send's statements, built once (db/prepared-statement.ts): every send runs them, and drizzle would otherwise
 * rebuild each text on every call. Instants compared in SQL are passed as ISO text.
 */
const statements = {
  lockDebtor: preparedQuery<{ debtorId: string }, DebtorRow>((db) => db.select().from(debtors).where(eq(debtors.id, value('debtorId'))).for('update'), getTableColumns(debtors)),
  outboxRow: preparedQuery<{ idempotencyKey: string }, OutboxRow>(
    (db) => db.select().from(messages).where(eq(messages.idempotencyKey, value('idempotencyKey'))),
    getTableColumns(messages),
  ),
  /** A consolidated message sent today by another invoice's step that already named this invoice. */
  coveringMessage: preparedQuery<{ debtorId: string; channel: string; since: string; invoiceExternalId: string }, OutboxRow>(
    (db) =>
      db
        .select()
        .from(messages)
        .where(
          and(
            eq(messages.debtorId, value('debtorId')),
            eq(messages.channel, value('channel')),
            inArray(messages.status, [...countedStatuses]),
            gte(messages.createdAt, value('since')),
            ne(messages.invoiceExternalId, value('invoiceExternalId')),
            sql`${value('invoiceExternalId')} = any(${messages.coversInvoices})`,
          ),
        ),
    getTableColumns(messages),
  ),
  recentMessages: preparedQuery<{ debtorId: string; since: string }, { createdAt: Date }>(
    (db) =>
      db
        .select({ createdAt: messages.createdAt })
        .from(messages)
        .where(and(eq(messages.debtorId, value('debtorId')), inArray(messages.status, [...countedStatuses]), gte(messages.createdAt, value('since'))))
        .orderBy(messages.createdAt),
    { createdAt: messages.createdAt },
  ),
  coincidingInvoices: preparedQuery<{ debtorId: string; invoiceExternalId: string; notAfter: string }, CoincidingInvoice>(
    (db) =>
      db
        .select(coincidingFields)
        .from(invoices)
        .where(
          and(
            eq(invoices.debtorId, value('debtorId')),
            ne(invoices.externalId, value('invoiceExternalId')),
            eq(invoices.status, 'open'),
            gt(invoices.balanceMinor, 0),
            lte(invoices.nextActionAt, value('notAfter')),
          ),
        )
        .orderBy(invoices.dueOn),
    coincidingFields,
  ),
  insertOutboxRow: preparedQuery<NewOutboxRow, OutboxRow>(
    (db) =>
      db
        .insert(messages)
        .values({
          idempotencyKey: value('idempotencyKey'),
          workflowId: value('workflowId'),
          invoiceExternalId: value('invoiceExternalId'),
          debtorId: value('debtorId'),
          stepId: value('stepId'),
          channel: value('channel'),
          recipient: value('recipient'),
          status: 'sending',
          subject: value('subject'),
          bodyText: value('bodyText'),
          bodyHtml: value('bodyHtml'),
          contentHash: value('contentHash'),
          coversInvoices: value('coversInvoices'),
          policyId: value('policyId'),
          policyVersion: value('policyVersion'),
          createdAt: value('now'),
          updatedAt: value('now'),
        })
        .returning(),
    getTableColumns(messages),
  ),
  /** The contact ledger row, written with the outbox row: the next decision for this debtor counts it. */
  insertContactAttempt: preparedQuery<NewContactAttempt>(
    (db) =>
      db.insert(contactAttempts).values({
        id: value('id'),
        debtorId: value('debtorId'),
        debtId: value('debtId'),
        at: value('at'),
        channel: value('channel'),
        outcome: value('outcome'),
        toAddress: value('toAddress'),
        purpose: value('purpose'),
        recordedBy: value('recordedBy'),
      }),
  ),
  markSent: preparedQuery<{ idempotencyKey: string; providerMessageId: string; sentAt: string }>(
    (db) =>
      db
        .update(messages)
        .set({ status: 'sent', providerMessageId: sql`${value('providerMessageId')}`, sentAt: sql`${value('sentAt')}::timestamptz`, updatedAt: sql`${value('sentAt')}::timestamptz` })
        .where(and(eq(messages.idempotencyKey, value('idempotencyKey')), eq(messages.status, 'sending'))),
  ),
};

type DebtorRow = typeof debtors.$inferSelect;
type CoincidingInvoice = { externalId: string; currency: string; balanceMinor: number; dueOn: string };
type NewOutboxRow = Omit<typeof messages.$inferInsert, 'status' | 'providerMessageId' | 'errorCode' | 'errorMessage' | 'sentAt' | 'createdAt' | 'updatedAt'> & {
  subject: string | null;
  bodyHtml: string | null;
  now: Date;
};
type NewContactAttempt = Pick<typeof contactAttempts.$inferInsert, 'id' | 'debtorId' | 'at' | 'channel' | 'outcome' | 'recordedBy'> & { debtId: string; toAddress: string; purpose: string };

type Reservation =
  | { kind: 'send'; row: OutboxRow; resumed: boolean; compliance?: ComplianceDecisionRecord }
  | { kind: 'done'; result: SendMessageResult };

/**
 * Round trips matter here: every send pays them. The debtor's lock comes first, alone, so that everything read
 * after it is what the previous holder committed; the reads then go out together (postgres.js pipelines queries
 * issued at once on the transaction's connection), and the two rows are written together.
 */
async function reserve(deps: SendMessageDependencies, input: SendMessageInput, now: Date): Promise<Reservation> {
  return deps.db.transaction(async (tx) => {
    // Serialises every send to this debtor, whichever invoice workflow it comes from.
    const [debtor] = await statements.lockDebtor.run(tx, { debtorId: input.debtorId });

    const localNow = DateTime.fromJSDate(now, { zone: input.window.timeZone });
    const dayStart = localNow.startOf('day');
    const weekAgo = localNow.minus({ days: 7 });
    const consolidate = input.budget.consolidate;
    const [[existing], [covering], recent, history, coinciding] = await Promise.all([
      statements.outboxRow.run(tx, { idempotencyKey: input.idempotencyKey }),
      consolidate
        ? statements.coveringMessage.run(tx, { debtorId: input.debtorId, channel: input.channel, since: dayStart.toUTC().toISO()!, invoiceExternalId: input.invoiceExternalId })
        : [],
      statements.recentMessages.run(tx, { debtorId: input.debtorId, since: weekAgo.toUTC().toISO()! }),
      // The compliance gate's ledger, read under the same lock: it cannot change before our row is written.
      loadContactHistory(tx, input.debtorId, now),
      // Other invoices of this debtor whose next step falls in this same window ride along in one message.
      consolidate ? statements.coincidingInvoices.run(tx, { debtorId: input.debtorId, invoiceExternalId: input.invoiceExternalId, notAfter: input.window.notAfter }) : [],
    ]);

    if (existing) {
      if (existing.status === 'sending') return { kind: 'send', row: existing, resumed: true };
      if (existing.status === 'failed') {
        return { kind: 'done', result: { outcome: 'failed', reason: existing.errorMessage ?? 'provider refused', errorCode: existing.errorCode ?? 'unknown' } };
      }
      return {
        kind: 'done',
        result: {
          outcome: 'sent',
          idempotencyKey: existing.idempotencyKey,
          providerMessageId: existing.providerMessageId ?? '',
          sentAt: (existing.sentAt ?? existing.createdAt).toISOString(),
          coversInvoices: existing.coversInvoices,
          contentHash: existing.contentHash,
          duplicateSuppressed: true,
        },
      };
    }

    if (covering) {
      return { kind: 'done', result: { outcome: 'covered', byIdempotencyKey: covering.idempotencyKey, sentAt: (covering.sentAt ?? covering.createdAt).toISOString() } };
    }

    const today = recent.filter((m) => m.createdAt >= dayStart.toJSDate());
    if (input.budget.maxPerDay !== undefined && today.length >= input.budget.maxPerDay) {
      return {
        kind: 'done',
        result: {
          outcome: 'deferred',
          until: dayStart.plus({ days: 1 }).toUTC().toISO()!,
          reason: `${today.length} message(s) already sent to debtor ${input.debtorId} today (${input.window.timeZone}); the policy allows ${input.budget.maxPerDay} per day`,
          rule: 'policy.compliance.maxMessagesPerDebtorPerDay',
        },
      };
    }
    if (input.budget.maxPerWeek !== undefined && recent.length >= input.budget.maxPerWeek) {
      const oldest = recent[recent.length - input.budget.maxPerWeek]!.createdAt;
      return {
        kind: 'done',
        result: {
          outcome: 'deferred',
          until: DateTime.fromJSDate(oldest).plus({ days: 7 }).toUTC().toISO()!,
          reason: `${recent.length} message(s) sent to debtor ${input.debtorId} in the last 7 days; the policy allows ${input.budget.maxPerWeek} per week`,
          rule: 'policy.compliance.maxMessagesPerDebtorPerWeek',
        },
      };
    }

    const consumerProfile = input.policy.profile === 'consumer-regF';
    const compliance = decisionRecord(
      evaluateContact(
        contactRequestFrom(debtor, history, {
          debtorId: input.debtorId,
          debtId: input.invoiceExternalId,
          channel: input.channel,
          to: input.recipient,
          at: now,
          profile: input.policy.profile,
          // The renderer injects the debt-collector disclosure and the opt-out notice for consumer-regF.
          content: { debtCollectorDisclosure: consumerProfile, optOutNotice: consumerProfile },
        }),
      ),
    );
    if (compliance.decision === 'deny') {
      return { kind: 'done', result: { outcome: 'denied', reason: compliance.reasons.join('; '), rule: compliance.rules.join(', '), compliance } };
    }
    if (compliance.decision === 'defer' && compliance.until) {
      return { kind: 'done', result: { outcome: 'deferred', until: compliance.until, reason: compliance.reasons.join('; '), rule: compliance.rules.join(', '), compliance } };
    }

    const rendered = await deps.render({
      channel: input.channel,
      template: input.template,
      locale: input.locale,
      stepId: input.stepId,
      invoiceState: input.invoiceState,
      policy: { id: input.policy.id, version: input.policy.version, contentHash: input.policy.contentHash },
      otherInvoices: coinciding,
      now,
    });
    const [[row]] = await Promise.all([
      statements.insertOutboxRow.run(tx, {
        idempotencyKey: input.idempotencyKey,
        workflowId: input.workflowId,
        invoiceExternalId: input.invoiceExternalId,
        debtorId: input.debtorId,
        stepId: input.stepId,
        channel: input.channel,
        recipient: input.recipient,
        subject: rendered.subject ?? null,
        bodyText: rendered.text,
        bodyHtml: rendered.html ?? null,
        contentHash: contentHash(rendered),
        coversInvoices: [input.invoiceExternalId, ...coinciding.map((i) => i.externalId)],
        policyId: input.policy.id,
        policyVersion: input.policy.version,
        now,
      }),
      statements.insertContactAttempt.run(tx, {
        id: input.idempotencyKey,
        debtorId: input.debtorId,
        debtId: input.invoiceExternalId,
        at: now,
        channel: input.channel,
        outcome: input.channel === 'email' ? 'email_sent' : 'sms_sent',
        toAddress: input.recipient,
        purpose: `dunning:${input.stepId}`,
        recordedBy: input.workflowId,
      }),
    ]);
    return { kind: 'send', row: row!, resumed: false, compliance };
  });
}

export function sendMessageActivity(deps: SendMessageDependencies): (input: SendMessageInput) => Promise<SendMessageResult> {
  return async function sendMessage(input) {
    const result = await sendOnce(deps, input);
    if (result.outcome !== 'sent' || !input.mirrorIfSent) return result;
    return { ...result, mirrored: await mirrorSentState(deps.db, input.mirrorIfSent, result) };
  };
}

/**
 * Writes the mirror the workflow projected for "this message went out" (SendMessageInput.mirrorIfSent), with
 * the `message.sent` event completed from the provider's answer. False when the projection does not fit (the
 * message covered other invoices) or the write failed: the workflow then writes the mirror itself, and a
 * failure here never turns a sent message into a failed attempt.
 */
async function mirrorSentState(db: Database, mirror: InvoiceSyncInput, sent: Extract<SendMessageResult, { outcome: 'sent' }>): Promise<boolean> {
  if (sent.coversInvoices.length !== 1) return false;
  const webhookEvents = mirror.webhookEvents.map((event) =>
    event.type === 'message.sent' && event.data.idempotencyKey === sent.idempotencyKey
      ? { ...event, data: { ...event.data, providerMessageId: sent.providerMessageId, contentHash: sent.contentHash } }
      : event,
  );
  try {
    await writeInvoiceSync(db, { ...mirror, webhookEvents });
    return true;
  } catch (error) {
    // Nothing is lost (the workflow writes the mirror itself), but an operator should see why it had to.
    // drizzle's error carries the whole statement and its values; the driver's cause says what went wrong.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    activityLog('warn', 'the mirror write after a sent message failed; the workflow writes it instead', { idempotencyKey: sent.idempotencyKey, error: String((cause as Error).message ?? cause) });
    return false;
  }
}

function activityLog(level: 'warn', message: string, attributes: Record<string, unknown>): void {
  try {
    Context.current().log[level](message, attributes);
  } catch {
    // outside an activity (unit tests of the building blocks)
  }
}

async function sendOnce(deps: SendMessageDependencies, input: SendMessageInput): Promise<SendMessageResult> {
  const now = activityNow(deps.wallClock, input.requestedAt);
  if (now < new Date(input.window.notBefore) || now >= new Date(input.window.notAfter)) {
    const local = DateTime.fromJSDate(now, { zone: input.window.timeZone }).toFormat('yyyy-MM-dd HH:mm ZZZZ');
    return {
      outcome: 'held',
      reason: `the send window (${input.window.notBefore} – ${input.window.notAfter}) is not open at ${local}; the message was not sent`,
      rule: 'policy.sendWindow',
    };
  }

  const reservation = await reserve(deps, input, now);
  if (reservation.kind === 'done') return reservation.result;
  const { row, resumed, compliance } = reservation;
  const rendered: RenderedMessage = { text: row.bodyText, ...(row.subject ? { subject: row.subject } : {}), ...(row.bodyHtml ? { html: row.bodyHtml } : {}) };

  let providerMessageId: string;
  try {
    const accepted = resumed ? previousAcceptance(input) : undefined;
    if (accepted) {
      providerMessageId = accepted; // sent by the previous attempt, which could not record it
    } else if (input.channel === 'email') {
      providerMessageId = await deps.email.send({ to: input.recipient, message: rendered, idempotencyKey: input.idempotencyKey });
    } else {
      const already = resumed ? await deps.sms.findSent({ to: input.recipient, body: rendered.text, since: row.createdAt }) : undefined;
      providerMessageId = already ?? (await deps.sms.send({ to: input.recipient, body: rendered.text }));
    }
    rememberAcceptance({ idempotencyKey: input.idempotencyKey, providerMessageId });
  } catch (error) {
    const permanent = deps.email.isPermanentFailure(error) || deps.sms.isPermanentFailure(error);
    if (!permanent) throw error; // transient (connection refused, 4xx, 429, 5xx): Temporal retries with backoff
    const { code, message } = describeFailure(error);
    await deps.db.transaction(async (tx) => {
      await tx
        .update(messages)
        .set({ status: 'failed', errorCode: code, errorMessage: message, updatedAt: activityNow(deps.wallClock, input.requestedAt) })
        .where(eq(messages.idempotencyKey, input.idempotencyKey));
      // Nothing reached the debtor: the attempt must not count against them.
      await tx.delete(contactAttempts).where(eq(contactAttempts.id, input.idempotencyKey));
    });
    return { outcome: 'failed', reason: message, errorCode: code };
  }

  const sentAt = activityNow(deps.wallClock, input.requestedAt);
  try {
    await statements.markSent.run(deps.db, { idempotencyKey: input.idempotencyKey, providerMessageId, sentAt: sentAt.toISOString() });
  } catch (error) {
    // A local attempt has no heartbeat to carry the acceptance: it travels in the failure instead, and the
    // workflow hands it to the durable attempt (input.acceptedBefore), which records it without sending.
    if (isLocalAttempt()) {
      throw ApplicationFailure.create({
        message: `the provider accepted ${input.idempotencyKey} as ${providerMessageId}, but the outbox could not be updated: ${(error as Error).message}`,
        type: acceptedNotRecorded,
        details: [{ idempotencyKey: input.idempotencyKey, providerMessageId } satisfies ProviderAcceptance],
      });
    }
    throw error;
  }
  return {
    outcome: 'sent',
    idempotencyKey: input.idempotencyKey,
    providerMessageId,
    sentAt: sentAt.toISOString(),
    coversInvoices: row.coversInvoices,
    contentHash: row.contentHash,
    duplicateSuppressed: false,
    ...(compliance ? { compliance } : {}),
  };
}

/**
 * What a previous attempt of this send learned from the provider before it failed. The provider's id is
 * recorded as heartbeat details the moment it accepts the message, before the outbox row is updated; Temporal
 * hands the last details to the next attempt, so a send whose database update failed is not sent again. A
 * local attempt cannot heartbeat: its acceptance comes back in `input.acceptedBefore`.
 */
function previousAcceptance(input: SendMessageInput): string | undefined {
  if (input.acceptedBefore?.idempotencyKey === input.idempotencyKey) return input.acceptedBefore.providerMessageId;
  try {
    const details = Context.current().info.heartbeatDetails as ProviderAcceptance | undefined;
    return details?.idempotencyKey === input.idempotencyKey ? details.providerMessageId : undefined;
  } catch {
    return undefined; // outside an activity (unit tests of the building blocks)
  }
}

function isLocalAttempt(): boolean {
  try {
    return Context.current().info.isLocal;
  } catch {
    return false;
  }
}

function rememberAcceptance(acceptance: ProviderAcceptance): void {
  if (isLocalAttempt()) return;
  try {
    Context.current().heartbeat(acceptance);
  } catch {
    // outside an activity
  }
}

function describeFailure(error: unknown): { code: string; message: string } {
  const e = error as { code?: unknown; responseCode?: unknown; message?: unknown };
  const code = String(e.code ?? e.responseCode ?? 'unknown');
  return { code, message: String(e.message ?? error) };
}

/** For errors the workflow must not retry, e.g. a template that cannot render. */
export function nonRetryable(message: string, type: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, type);
}
