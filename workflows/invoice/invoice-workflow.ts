/**
 * One invoice, from issue to paid (or written off): a long-lived workflow that follows the invoice's pinned
 * dunning policy. It decides with pure functions (the reducer and planner in dunning/) and acts through
 * activities. Every decision — sent, skipped, deferred, denied, held, escalated — goes into its timeline with
 * the reason and the rule, so compliance can read the history of any invoice.
 *
 * Determinism: this file is replayed. Any change to the order of commands it issues needs `patched()` and a
 * replay test against the histories in test/histories/.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  patched,
  proxyLocalActivities,
  proxySinks,
  setHandler,
  TemporalFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import { DateTime } from 'luxon';
import type { InvoiceActivities } from '../../activities/index.js';
import type { AcceptedNotRecorded, ProviderAcceptance, SendMessageInput, SendMessageResult, WebhookEventRecord } from '../../activities/contracts.js';
import { applyInvoiceEvent, checkInvoiceEvent, openInvoice, type InvoiceEvent, type InvoiceState } from '../../dunning/invoice-state.js';
import { debtorZone, nextWindowOpening, planNextAction, type NextAction, type PlannedStepAction } from '../../dunning/plan.js';
import type { CompiledPolicy, FallbackChannel, MessageChannel } from '../../dunning/policy.js';
import type { DecisionSinks } from './decision-sink.js';
import { DaysPastDue, DebtorId, InvoiceStatus, invoiceIndex, NextActionAt, PolicyId, Segment } from '../search-attributes.js';
import {
  adjustAmountUpdate,
  callOutcomeSignal,
  cancelUpdate,
  ceaseCommunicationSignal,
  changeDueDateUpdate,
  migratePolicyUpdate,
  openDisputeUpdate,
  optOutSignal,
  pauseUpdate,
  promiseToPayUpdate,
  recordPaymentUpdate,
  resolveDisputeUpdate,
  resumeUpdate,
  smsDeliverySignal,
  stateQuery,
  taskResolvedSignal,
  timelineQuery,
  writeOffUpdate,
  type InvoiceRunState,
  type InvoiceSummary,
  type InvoiceWorkflowInput,
  type TimelineEntry,
} from './messages.js';

const { sendMessage, createEscalation, closeEscalations, checkContact } = proxyActivities<InvoiceActivities>({
  // Above the SMTP and Twilio client timeouts, so a healthy attempt always finishes; a worker that died mid-send
  // is noticed within this and the attempt retried (the outbox makes the retry safe).
  startToCloseTimeout: '30 seconds',
  // Transient failures (SMTP down, Twilio 429/5xx, PostgreSQL restarting) are retried for as long as it takes;
  // permanent ones come back as results (`failed`), not exceptions.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

const { deliverWebhooks } = proxyActivities<InvoiceActivities>({
  startToCloseTimeout: '1 minute',
  // A subscriber that is down gets the event when it is back: retries back off to hourly, for about a day.
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '1 hour', maximumAttempts: 30 },
});

/**
 * Database-only steps run as local activities, inside the workflow task: one marker event each, where an
 * activity costs three events and a workflow task of its own. All of them are idempotent upserts or reads.
 */
const { recordInvoice, syncInvoice, checkContact: checkContactLocally, createEscalation: createEscalationLocally } = proxyLocalActivities<InvoiceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * The first attempt of a send also runs inside the workflow task (one marker, no extra task). It is guarded by
 * the same outbox as the durable activity; any failure hands the send over to `sendMessage` above, with its
 * heartbeats and day-long backoff.
 */
const { sendMessage: sendMessageFirstAttempt } = proxyLocalActivities<InvoiceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 1 },
});

/** The failure type of a send attempt whose provider accepted but whose outbox update failed (typed to match). */
const acceptedNotRecorded: AcceptedNotRecorded = 'ProviderAcceptedNotRecorded';

const { decisions } = proxySinks<DecisionSinks>();

/** How long people have to act on an escalation before it goes to the next tier. */
const escalationSlaMs = 2 * 24 * 3600 * 1000;
const maxEscalationTier = 3;

export async function invoiceWorkflow(input: InvoiceWorkflowInput): Promise<InvoiceSummary> {
  /**
   * Runs started since this patch record this one marker where they recorded lean-history and send-mirror: it
   * stands for both. Each marker costs a run an event and an upsert of TemporalChangeVersion (a visibility write)
   * in its first workflow task. Runs started before replay the markers they recorded.
   */
  const current = patched('single-version-marker');
  /**
   * Runs started since this patch keep a lean history (7 events per message step instead of about 13): first
   * send attempts and database steps as local activities, webhooks through the PostgreSQL outbox instead of one
   * activity per event, and search attributes upserted only when they change. Runs started before replay the
   * original commands.
   */
  const lean = current || patched('lean-history');
  /**
   * Lean runs started since this patch let the send activity write the mirror of a sent message (projectSent):
   * one local activity per message step instead of two.
   */
  const sendMirror = current || (lean && patched('send-mirror'));
  const workflowId = workflowInfo().workflowId;
  const nowIso = (): string => new Date().toISOString();
  const run: InvoiceRunState = input.resume ?? {
    state: openInvoice(input.invoice, input.policy.compiled, nowIso()),
    policy: input.policy,
    status: 'open',
    timeline: [],
    contact: { ceased: null, optOuts: [] },
    openTasks: [],
    notBefore: {},
    pendingFallbacks: [],
    smsKeys: {},
  };
  const approvals: Record<string, 'approved' | 'rejected'> = {};
  const policy = (): CompiledPolicy => run.policy.compiled;
  let nextAction: NextAction | null = null;
  /** Bumped by every handler that changes state: the main loop re-plans when it moves. */
  let version = 0;

  /** A timeline entry as recorded: when, and under which policy version. */
  const stamped = (entry: Omit<TimelineEntry, 'at' | 'policy'>, at = nowIso()): TimelineEntry => ({ at, policy: { id: policy().id, version: policy().version }, ...entry });
  /** Appends to the timeline; in lean runs, returns the webhook event it queued for the next sync, if any. */
  const record = (entry: Omit<TimelineEntry, 'at' | 'policy'>): WebhookEventRecord | undefined => {
    const full = stamped(entry);
    run.timeline.push(full);
    decisions.record(run.state.invoice.invoiceId, full);
    const type = webhookEventType(full);
    if (type && lean) {
      // Written to the webhook outbox with the next sync of the mirror; the worker's dispatcher delivers it.
      const event = webhookEvent(type, full, `${workflowId}:${run.timeline.length - 1}`);
      unsyncedWebhooks.push(event);
      return event;
    }
    // Added after the first release: runs recorded before it replay without these activity calls.
    if (type && patched('outbound-webhooks')) {
      const delivery = notifySubscribers(type, full, `${workflowId}:${run.timeline.length - 1}`);
      pendingNotifications.add(delivery);
      void delivery.finally(() => pendingNotifications.delete(delivery));
    }
    return undefined;
  };
  /** Webhook deliveries in flight (runs before `lean-history`): a run does not end before they finish. */
  const pendingNotifications = new Set<Promise<void>>();
  /** Webhook events recorded since the last sync (lean runs): they go to the outbox with it. */
  const unsyncedWebhooks: WebhookEventRecord[] = [];

  const webhookEvent = (type: WebhookEventRecord['type'], entry: TimelineEntry, deliveryId: string): WebhookEventRecord => ({
    deliveryId,
    type,
    invoiceId: run.state.invoice.invoiceId,
    occurredAt: entry.at,
    data: { kind: entry.kind, reason: entry.reason, balanceMinor: run.state.balanceMinor, currency: run.state.invoice.currency, ...(entry.stepId ? { stepId: entry.stepId } : {}), ...(entry.channel ? { channel: entry.channel } : {}), ...(entry.detail ?? {}) },
  });

  /** Webhooks go out beside the process, never holding it up; a subscriber down for a day misses nothing. */
  const notifySubscribers = async (type: WebhookEventRecord['type'], entry: TimelineEntry, deliveryId: string): Promise<void> => {
    try {
      await deliverWebhooks(webhookEvent(type, entry, deliveryId));
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      record({ kind: 'failed', reason: `webhook ${type} not delivered after retries: ${error.cause?.message ?? error.message}`, rule: 'webhooks', detail: { deliveryId } });
    }
  };

  const apply = (event: InvoiceEvent): void => {
    const promisesBefore = run.state.promises.map((p) => p.status).join();
    run.state = applyInvoiceEvent(run.state, event, policy());
    if (run.status === 'open' && run.state.status !== 'open') run.status = run.state.status;
    const brokenNow = run.state.promises.filter((p) => p.status === 'broken' && !promisesBefore.includes('broken'));
    for (const p of brokenNow) {
      const goTo = policy().onPromiseToPay?.whenBroken.goTo;
      record({
        kind: 'event',
        reason: `promise ${p.promiseId} broken: not paid by ${p.payBy} plus ${policy().onPromiseToPay?.graceDays ?? 0} grace business days${goTo ? `; continuing at step ${goTo}` : ''}`,
        rule: 'policy.onPromiseToPay.whenBroken',
      });
    }
    version++;
  };

  /** What the state query answers, for the invoice as it is or as it will be (see projectSent). */
  const summaryOf = (state: InvoiceState, next: NextAction | null): InvoiceSummary => ({
    invoiceId: state.invoice.invoiceId,
    status: run.status,
    currency: state.invoice.currency,
    amountMinor: state.invoice.amountMinor,
    balanceMinor: state.balanceMinor,
    dueDate: state.invoice.dueDate,
    policy: { id: policy().id, version: policy().version, contentHash: policy().contentHash },
    nextAction: run.status === 'open' ? next : null,
    promise: state.promises.find((p) => p.status === 'active') ?? null,
    disputes: state.disputes,
    pause: state.pause,
    contact: run.contact,
    openTasks: run.openTasks,
  });
  const summary = (): InvoiceSummary => summaryOf(run.state, nextAction);

  // ---------------------------------------------------------------- messages
  const requireOpen = (): void => {
    if (run.status !== 'open') throw ApplicationFailure.nonRetryable(`invoice is ${run.status}; it accepts no further changes`, 'InvoiceClosed');
  };
  const validate = (event: InvoiceEvent, accept?: () => boolean): void => {
    requireOpen();
    if (accept?.()) return;
    const problem = checkInvoiceEvent(run.state, event, policy());
    if (problem) throw ApplicationFailure.nonRetryable(problem, 'InvalidInvoiceEvent');
  };
  const eventUpdate = <A extends { actor?: string }>(
    update: UpdateDefinition<InvoiceSummary, [A]>,
    toEvent: (args: A, at: string) => InvoiceEvent,
    describe: (args: A) => string,
    accept?: (args: A) => boolean,
  ): void => {
    setHandler(update, (args: A) => {
      const event = toEvent(args, nowIso());
      apply(event);
      record({ kind: 'event', reason: describe(args), rule: event.type, ...(args.actor ? { detail: { actor: args.actor } } : {}) });
      return summary();
    }, { validator: (args: A) => validate(toEvent(args, nowIso()), accept ? () => accept(args) : undefined) });
  };

  eventUpdate(promiseToPayUpdate, (a, at) => ({ type: 'promise-to-pay', at, promiseId: a.promiseId, payBy: a.payBy, ...(a.amountMinor !== undefined ? { amountMinor: a.amountMinor } : {}) }),
    (a) => `promise to pay ${a.amountMinor !== undefined ? `${a.amountMinor} minor units ` : ''}by ${a.payBy} recorded`);
  eventUpdate(recordPaymentUpdate, (a, at) => ({ type: 'payment', at, reference: a.reference, amountMinor: a.amountMinor }),
    (a) => `payment ${a.reference} of ${a.amountMinor} minor units recorded`,
    // Idempotent by reference: the same payment again is accepted and changes nothing.
    (a) => run.state.payments.some((p) => p.reference === a.reference && p.amountMinor === a.amountMinor));
  eventUpdate(openDisputeUpdate, (a, at) => ({ type: 'dispute-opened', at, disputeId: a.disputeId, ...(a.amountMinor !== undefined ? { amountMinor: a.amountMinor } : {}), ...(a.reason ? { reason: a.reason } : {}) }),
    (a) => `dispute ${a.disputeId} opened${a.reason ? `: ${a.reason}` : ''}; dunning paused per onDispute.pause=${policy().onDispute.pause}`);
  eventUpdate(resolveDisputeUpdate, (a, at) => ({ type: 'dispute-resolved', at, disputeId: a.disputeId, outcome: a.outcome, ...(a.creditMinor !== undefined ? { creditMinor: a.creditMinor } : {}) }),
    (a) => `dispute ${a.disputeId} resolved: ${a.outcome}${a.creditMinor ? ` (credit ${a.creditMinor} minor units)` : ''}`);
  eventUpdate(pauseUpdate, (a, at) => ({ type: 'paused', at, ...(a.until ? { until: a.until } : {}), ...(a.reason ? { reason: a.reason } : {}) }),
    (a) => `paused${a.until ? ` until ${a.until}` : ''}${a.reason ? `: ${a.reason}` : ''}`);
  eventUpdate(resumeUpdate, (_a, at) => ({ type: 'resumed', at }), () => 'resumed');
  eventUpdate(changeDueDateUpdate, (a, at) => ({ type: 'due-date-changed', at, dueDate: a.dueDate, ...(a.reason ? { reason: a.reason } : {}) }),
    (a) => `due date changed to ${a.dueDate}${a.reason ? `: ${a.reason}` : ''}; sequence re-planned`);
  eventUpdate(adjustAmountUpdate, (a, at) => ({ type: 'amount-adjusted', at, reference: a.reference, amountMinor: a.amountMinor, ...(a.reason ? { reason: a.reason } : {}) }),
    (a) => `${a.amountMinor < 0 ? 'credit' : 'debit'} memo ${a.reference} of ${Math.abs(a.amountMinor)} minor units applied`);

  for (const [update, status] of [[writeOffUpdate, 'written-off'], [cancelUpdate, 'cancelled']] as const) {
    setHandler(update, (args) => {
      run.status = status;
      record({ kind: 'event', reason: `${status}: ${args.reason}`, rule: status, ...(args.actor ? { detail: { actor: args.actor } } : {}) });
      version++;
      return summary();
    }, {
      validator: (args) => {
        requireOpen();
        if (!args.reason?.trim()) throw ApplicationFailure.nonRetryable('reason is required: say why the invoice is closed', 'InvalidArgument');
      },
    });
  }

  setHandler(migratePolicyUpdate, (args) => {
    const from = { id: policy().id, version: policy().version };
    const target = args.policy.compiled;
    const migrated = migrateState(run.state, target);
    const plan = planNextAction(migrated, target, nowIso());
    if (!args.dryRun) {
      run.policy = args.policy;
      run.state = migrated;
      run.notBefore = {};
      record({ kind: 'policy', reason: `policy migrated from ${from.id} v${from.version} to ${target.id} v${target.version}`, rule: 'migratePolicy', detail: { contentHash: target.contentHash, ...(args.actor ? { actor: args.actor } : {}) } });
      version++;
    }
    return { applied: !args.dryRun, from, to: { id: target.id, version: target.version }, nextAction: plan };
  }, {
    validator: (args) => {
      requireOpen();
      const target = args.policy.compiled;
      if (target.id === policy().id && target.version === policy().version && target.contentHash === policy().contentHash) {
        throw ApplicationFailure.nonRetryable(`invoice already runs ${target.id} v${target.version}`, 'InvalidArgument');
      }
    },
  });

  setHandler(ceaseCommunicationSignal, (args) => {
    if (run.contact.ceased) return;
    run.contact.ceased = { at: args.receivedAt ?? nowIso(), source: args.source };
    record({ kind: 'event', reason: `debtor asked to cease communication (${args.source}); no further contact`, rule: 'contact.cease' });
    version++;
  });
  setHandler(optOutSignal, (args) => {
    const key = args.address ? `${args.channel}:${args.address}` : args.channel;
    if (run.contact.optOuts.includes(key)) return;
    run.contact.optOuts.push(key);
    record({ kind: 'event', reason: `opt-out from ${key} (${args.source})`, rule: 'contact.optOut' });
    version++;
  });
  setHandler(callOutcomeSignal, (args) => {
    run.openTasks = run.openTasks.filter((t) => t.id !== args.taskId);
    record({ kind: 'task', reason: `call ${args.connected ? 'connected' : 'not connected'}: ${args.outcome}${args.note ? ` — ${args.note}` : ''}`, rule: 'callOutcome', detail: { taskId: args.taskId, connected: args.connected, ...(args.actor ? { actor: args.actor } : {}) } });
    version++;
  });
  setHandler(taskResolvedSignal, (args) => {
    const task = run.openTasks.find((t) => t.id === args.taskId);
    if (!task) return;
    run.openTasks = run.openTasks.filter((t) => t.id !== args.taskId);
    if (task.kind === 'approval') approvals[task.stepId] = args.outcome === 'approved' ? 'approved' : 'rejected';
    record({ kind: 'task', stepId: task.stepId, reason: `${task.kind} resolved: ${args.outcome}${args.note ? ` — ${args.note}` : ''}`, rule: 'taskResolved', detail: { taskId: args.taskId, ...(args.actor ? { actor: args.actor } : {}) } });
    version++;
  });
  setHandler(smsDeliverySignal, (args) => {
    const stepId = Object.keys(run.smsKeys).find((s) => run.smsKeys[s] === args.idempotencyKey);
    if (!stepId || args.status === 'delivered') return;
    delete run.smsKeys[stepId];
    record({ kind: 'failed', stepId, channel: 'sms', reason: `SMS ${args.status}${args.errorCode ? ` (error ${args.errorCode})` : ''}`, rule: 'provider.delivery', detail: { idempotencyKey: args.idempotencyKey } });
    const step = policy().steps.find((s) => s.id === stepId);
    if (step?.fallback && run.status === 'open') run.pendingFallbacks.push({ stepId, failedKey: args.idempotencyKey });
    version++;
  });

  setHandler(stateQuery, summary);
  setHandler(timelineQuery, () => run.timeline);

  // ---------------------------------------------------------------- publishing state
  let published = '';
  const publish = (closeOpenTasks?: string): Promise<void> => (lean ? syncState(closeOpenTasks) : publishToSearchAndMirror());

  const mirrorRowOf = (state: InvoiceState, next: NextAction | null) => {
    const invoice = state.invoice;
    return {
      externalId: invoice.invoiceId,
      debtor: { id: invoice.debtor.id, name: invoice.debtor.name, timeZone: invoice.debtor.timeZone, locale: invoice.debtor.locale, segment: invoice.debtor.segment ?? 'unassigned' },
      currency: invoice.currency,
      amountMinor: invoice.amountMinor,
      balanceMinor: state.balanceMinor,
      issuedOn: invoice.issueDate,
      dueOn: invoice.dueDate,
      status: run.status,
      policyId: policy().id,
      policyVersion: policy().version,
      nextActionAt: nextActionInstant(next),
    };
  };
  const mirrorRow = () => mirrorRowOf(run.state, nextAction);
  /** When the next action will really happen: a deferral (Reg F, the debtor's budget) moves it later. */
  const nextActionInstant = (next: NextAction | null): string | null => {
    if (!next || next.kind === 'none' || run.status !== 'open') return null;
    const deferredTo = next.kind === 'action' ? run.notBefore[next.stepId] : undefined;
    return deferredTo && Date.parse(deferredTo) > Date.parse(next.at) ? deferredTo : next.at;
  };

  /**
   * Lean runs: one local activity writes the mirror (with the summary the API serves), the new webhook events
   * and, on closing, the closing of open tasks; only when something changed. Search attributes are upserted
   * only when one of them changes (the API sets them at start).
   */
  let syncedSummary = '';
  const syncState = async (closeOpenTasks?: string): Promise<void> => {
    const indexed = workflowInfo().typedSearchAttributes;
    const changed = invoiceIndex({ status: run.status, debtorId: run.state.invoice.debtor.id, policyId: policy().id, segment: run.state.invoice.debtor.segment }).filter(
      (pair) => indexed.get(pair.key) !== pair.value,
    );
    if (changed.length > 0) upsertSearchAttributes(changed);
    const current = summary();
    const fingerprint = JSON.stringify(current);
    if (fingerprint === syncedSummary && unsyncedWebhooks.length === 0 && !closeOpenTasks) return;
    const webhookEvents = unsyncedWebhooks.splice(0);
    await syncInvoice({
      ...mirrorRow(),
      workflowId,
      seq: run.timeline.length,
      summary: current as unknown as Record<string, unknown>,
      webhookEvents,
      ...(closeOpenTasks ? { closeOpenTasks } : {}),
    });
    syncedSummary = fingerprint;
  };

  /**
   * The mirror write a send of this step leads to if the message goes out: the step done, the next action
   * re-planned, the `message.sent` event (the activity adds the provider's id and the content hash), and the
   * events still waiting for a sync. The send activity makes it (SendMessageInput.mirrorIfSent), so a message
   * step costs one local activity instead of a send and a sync. The activity may decline (the message covered
   * other invoices, or the write failed): its result says whether it wrote (`mirrored`), and the workflow syncs
   * itself when it did not.
   */
  const projectSent = (stepId: string, channel: MessageChannel, address: string, key: string) => {
    if (run.state.nextStepId !== stepId) return undefined;
    const at = nowIso();
    const state = applyInvoiceEvent(run.state, { type: 'step-completed', at, stepId, channel }, policy());
    if (state.status !== run.state.status) return undefined;
    const next = planNextAction(state, policy(), at);
    const entry = stamped({ kind: 'sent', stepId, channel, reason: sentReason(channel, address, [run.state.invoice.invoiceId], 'step'), rule: `policy.steps.${stepId}`, detail: { idempotencyKey: key } }, at);
    const projected = summaryOf(state, next);
    const carried = [...unsyncedWebhooks];
    return {
      fingerprint: JSON.stringify(projected),
      carried,
      sync: {
        ...mirrorRowOf(state, next),
        workflowId,
        seq: run.timeline.length + 1,
        summary: projected as unknown as Record<string, unknown>,
        webhookEvents: [...carried, webhookEvent('message.sent', entry, `${workflowId}:${run.timeline.length}`)],
      },
    };
  };
  /** The send activity wrote the projection: the next sync writes only what differs from it. */
  const settleMirroredSend = (projection: NonNullable<ReturnType<typeof projectSent>>, sentEvent: WebhookEventRecord | undefined): void => {
    // The activity wrote its own message.sent event (same delivery id unless the timeline moved meanwhile).
    const written = new Set<WebhookEventRecord | undefined>([...projection.carried, sentEvent]);
    const left = unsyncedWebhooks.filter((event) => !written.has(event));
    unsyncedWebhooks.splice(0, unsyncedWebhooks.length, ...left);
    syncedSummary = projection.fingerprint;
  };

  const publishToSearchAndMirror = async (): Promise<void> => {
    const zone = debtorZone(run.state, policy());
    const today = DateTime.fromMillis(Date.now(), { zone }).toISODate() ?? run.state.invoice.dueDate;
    const daysPastDue = Math.max(0, Math.round(DateTime.fromISO(today).diff(DateTime.fromISO(run.state.invoice.dueDate), 'days').days));
    const nextAt = nextAction && nextAction.kind !== 'none' && run.status === 'open' ? nextAction.at : null;
    const snapshot = JSON.stringify([run.status, run.state.balanceMinor, nextAt, daysPastDue, run.state.invoice.dueDate, policy().version]);
    if (snapshot === published) return;
    published = snapshot;
    const invoice = run.state.invoice;
    upsertSearchAttributes([
      { key: InvoiceStatus, value: run.status },
      { key: DebtorId, value: invoice.debtor.id },
      { key: PolicyId, value: policy().id },
      { key: Segment, value: invoice.debtor.segment ?? 'unassigned' },
      { key: DaysPastDue, value: daysPastDue },
      { key: NextActionAt, value: nextAt ? new Date(nextAt) : null },
    ]);
    await recordInvoice(mirrorRow());
  };

  // ---------------------------------------------------------------- activities, lean or as first released
  const send = async (request: SendMessageInput): Promise<SendMessageResult> => {
    if (!lean) return sendMessage(request);
    try {
      return await sendMessageFirstAttempt({ ...request, requestedAt: nowIso() });
    } catch (error) {
      // A local activity's failure arrives as itself (ApplicationFailure, TimeoutFailure), not wrapped in an
      // ActivityFailure. Any failure, permanent ones included, goes to the durable activity: it retries what is
      // transient, and what is permanent fails there as an ActivityFailure, which the caller records.
      const cause = error instanceof ActivityFailure ? error.cause : error;
      if (!(cause instanceof TemporalFailure)) throw error;
      const acceptedBefore = cause instanceof ApplicationFailure && cause.type === acceptedNotRecorded ? (cause.details?.[0] as ProviderAcceptance | undefined) : undefined;
      return sendMessage({ ...request, requestedAt: nowIso(), ...(acceptedBefore ? { acceptedBefore } : {}) });
    }
  };
  const gateContact: InvoiceActivities['checkContact'] = (question) => (lean ? checkContactLocally({ ...question, requestedAt: nowIso() }) : checkContact(question));
  const openTask: InvoiceActivities['createEscalation'] = (...args) => (lean ? createEscalationLocally(...args) : createEscalation(...args));

  // ---------------------------------------------------------------- carrying out steps
  const contactBlock = (channel: MessageChannel, address: string | undefined): { rule: string; reason: string } | null => {
    if (run.contact.ceased) return { rule: 'contact.cease', reason: `the debtor asked to cease communication on ${run.contact.ceased.at} (${run.contact.ceased.source})` };
    if (!address) return { rule: 'contact.address', reason: `no ${channel === 'email' ? 'email address' : 'mobile number'} on file for the debtor` };
    if (run.contact.optOuts.includes(channel)) return { rule: 'contact.optOut', reason: `the debtor opted out of ${channel}` };
    if (run.contact.optOuts.includes(`${channel}:${address}`)) return { rule: 'contact.optOut', reason: `the debtor opted out of ${channel} at ${address}` };
    return null;
  };

  const completeStep = (stepId: string, channel: string): void => {
    if (run.state.nextStepId === stepId) apply({ type: 'step-completed', at: nowIso(), stepId, channel: channel as FallbackChannel });
  };
  const skipStep = (stepId: string, reason: string, rule: string): void => {
    if (run.state.nextStepId === stepId) apply({ type: 'step-skipped', at: nowIso(), stepId, reason });
    record({ kind: 'skipped', stepId, reason, rule });
  };

  /**
   * Sends one message of a step; `mode` fallback-after-delivery-failure leaves the step's progress alone.
   * Returns when to try again if the message was held or deferred.
   */
  const sendStepMessage = async (
    plan: Pick<PlannedStepAction, 'stepId' | 'template' | 'fallback'>,
    channel: MessageChannel,
    mode: 'step' | 'fallback' | 'fallback-after-delivery-failure',
  ): Promise<{ retryAt?: string }> => {
    const debtor = run.state.invoice.debtor;
    const address = channel === 'email' ? debtor.email : debtor.phone;
    const blocked = contactBlock(channel, address);
    if (blocked) {
      record({ kind: 'denied', stepId: plan.stepId, channel, reason: blocked.reason, rule: blocked.rule });
      await afterUndeliverable(plan, channel, mode, blocked.reason);
      return {};
    }
    const zone = debtorZone(run.state, policy());
    const window = nextWindowOpening(DateTime.fromMillis(Date.now(), { zone: 'utc' }), policy(), zone);
    const windowDate = window.at.setZone(zone).toISODate() ?? '';
    const key = `${workflowId}:${plan.stepId}:${channel}:${windowDate}`;
    const projection = sendMirror && mode === 'step' && address ? projectSent(plan.stepId, channel, address, key) : undefined;
    let result: SendMessageResult;
    try {
      result = await send({
        idempotencyKey: key,
        workflowId,
        invoiceExternalId: run.state.invoice.invoiceId,
        debtorId: debtor.id,
        stepId: plan.stepId,
        channel,
        recipient: address as string,
        template: plan.template ?? plan.stepId,
        locale: debtor.locale,
        invoiceState: run.state,
        policy: { id: policy().id, version: policy().version, contentHash: policy().contentHash, profile: policy().compliance.profile, maxSmsSegments: policy().compliance.maxSmsSegments },
        budget: {
          consolidate: true,
          ...(policy().compliance.maxMessagesPerDebtorPerDay !== undefined ? { maxPerDay: policy().compliance.maxMessagesPerDebtorPerDay } : {}),
          ...(policy().compliance.maxMessagesPerDebtorPerWeek !== undefined ? { maxPerWeek: policy().compliance.maxMessagesPerDebtorPerWeek } : {}),
        },
        window: { notBefore: window.at.toUTC().toISO() ?? '', notAfter: window.closes.toUTC().toISO() ?? '', timeZone: zone },
        ...(projection ? { mirrorIfSent: projection.sync } : {}),
      });
    } catch (error) {
      // Retries are unlimited for transient faults, so a failure here is permanent (a template that cannot
      // render, a policy file that no longer matches its hash): record it and treat the message as undeliverable.
      if (!(error instanceof ActivityFailure)) throw error;
      const reason = error.cause?.message ?? error.message;
      record({ kind: 'failed', stepId: plan.stepId, channel, reason: `${channel} not sent: ${reason}`, rule: 'activity.sendMessage', detail: { errorType: (error.cause as ApplicationFailure | undefined)?.type ?? 'unknown' } });
      await afterUndeliverable(plan, channel, mode, reason);
      return {};
    }
    switch (result.outcome) {
      case 'sent': {
        const sentEvent = record({
          kind: 'sent', stepId: plan.stepId, channel,
          reason: sentReason(channel, address as string, result.coversInvoices, mode),
          rule: `policy.steps.${plan.stepId}`,
          detail: { idempotencyKey: key, providerMessageId: result.providerMessageId, contentHash: result.contentHash },
          ...(result.compliance ? { compliance: result.compliance } : {}),
        });
        if (channel === 'sms') run.smsKeys[plan.stepId] = key;
        if (mode !== 'fallback-after-delivery-failure') completeStep(plan.stepId, channel);
        if (projection && result.mirrored) settleMirroredSend(projection, sentEvent);
        return {};
      }
      case 'covered':
        record({ kind: 'sent', stepId: plan.stepId, channel, reason: `covered by the debtor's consolidated ${channel} sent at ${result.sentAt}`, rule: 'policy.consolidation', detail: { idempotencyKey: result.byIdempotencyKey } });
        if (mode !== 'fallback-after-delivery-failure') completeStep(plan.stepId, channel);
        return {};
      case 'deferred':
        if (mode !== 'fallback-after-delivery-failure') run.notBefore[plan.stepId] = result.until;
        record({ kind: 'deferred', stepId: plan.stepId, channel, reason: `${result.reason}; deferred until ${result.until}`, rule: result.rule, ...(result.compliance ? { compliance: result.compliance } : {}) });
        return { retryAt: result.until };
      case 'denied':
        record({ kind: 'denied', stepId: plan.stepId, channel, reason: result.reason, rule: result.rule, compliance: result.compliance });
        await afterUndeliverable(plan, channel, mode, `compliance: ${result.reason}`);
        return {};
      case 'held': {
        // The window closed while the send was queued: wait a minute and let the planner find the next opening.
        const retryAt = new Date(Date.now() + 60_000).toISOString();
        if (mode !== 'fallback-after-delivery-failure') run.notBefore[plan.stepId] = retryAt;
        record({ kind: 'held', stepId: plan.stepId, channel, reason: result.reason, rule: result.rule });
        return { retryAt };
      }
      case 'failed':
        record({ kind: 'failed', stepId: plan.stepId, channel, reason: `${channel} to ${address} refused by the provider: ${result.reason}`, rule: 'provider.refused', detail: { errorCode: result.errorCode } });
        await afterUndeliverable(plan, channel, mode, result.reason);
        return {};
    }
  };

  const afterUndeliverable = async (
    plan: Pick<PlannedStepAction, 'stepId' | 'template' | 'fallback'>,
    channel: MessageChannel,
    mode: 'step' | 'fallback' | 'fallback-after-delivery-failure',
    reason: string,
  ): Promise<void> => {
    const fallback = mode === 'step' ? plan.fallback : undefined;
    if (fallback && fallback !== channel && !run.contact.ceased) {
      if (fallback === 'call_task') return createCallTask(plan.stepId, `${channel} undeliverable: ${reason}`);
      await sendStepMessage(plan, fallback, 'fallback');
      return;
    }
    if (mode !== 'fallback-after-delivery-failure') skipStep(plan.stepId, `not sent: ${reason}`, 'policy.steps.fallback');
  };

  const createCallTask = async (stepId: string, reason: string): Promise<void> => {
    if (run.contact.ceased) {
      record({ kind: 'denied', stepId, channel: 'call_task', reason: 'the debtor asked to cease communication: no call task', rule: 'contact.cease' });
      return skipStep(stepId, 'cease communication', 'contact.cease');
    }
    const debtor = run.state.invoice.debtor;
    const gate = await gateContact({ debtorId: debtor.id, debtId: run.state.invoice.invoiceId, channel: 'call', ...(debtor.phone ? { to: debtor.phone } : {}), profile: policy().compliance.profile });
    if (gate.decision === 'deny') {
      record({ kind: 'denied', stepId, channel: 'call_task', reason: gate.reasons.join('; '), rule: gate.rules.join(', '), compliance: gate });
      return skipStep(stepId, `call not allowed: ${gate.reasons.join('; ')}`, 'compliance');
    }
    // The call may be placed from when the gate allows it until the policy's window closes that day.
    const zone = debtorZone(run.state, policy());
    const from = gate.until ? DateTime.fromISO(gate.until, { zone: 'utc' }) : DateTime.fromMillis(Date.now(), { zone: 'utc' });
    const window = nextWindowOpening(from, policy(), zone);
    const task = { id: `${workflowId}:${stepId}:call`, kind: 'call_task' as const, stepId, tier: 1, queue: policy().steps.find((s) => s.id === stepId)?.queue ?? 'collections', dueBy: window.closes.toUTC().toISO() ?? nowIso() };
    await openTask({
      ...task, workflowId, invoiceExternalId: run.state.invoice.invoiceId, debtorId: debtor.id, priority: 2, reason,
      allowedFrom: window.at.toUTC().toISO() ?? nowIso(), allowedUntil: window.closes.toUTC().toISO() ?? nowIso(),
    });
    run.openTasks.push(task);
    record({
      kind: 'task', stepId, channel: 'call_task',
      reason: `call task in queue ${task.queue}: ${reason}; call allowed ${window.at.setZone(zone).toFormat('yyyy-MM-dd HH:mm')}–${window.closes.setZone(zone).toFormat('HH:mm ZZZZ')}`,
      rule: `policy.steps.${stepId}`, detail: { taskId: task.id }, compliance: gate,
    });
    completeStep(stepId, 'call_task');
  };

  const escalate = async (stepId: string, queue: string, reason: string, kind: 'escalation' | 'approval'): Promise<void> => {
    const task = { id: `${workflowId}:${stepId}:${kind}:1`, kind, stepId, tier: 1, queue, dueBy: new Date(Date.now() + escalationSlaMs).toISOString() };
    await openTask({ ...task, kind: 'escalation', workflowId, invoiceExternalId: run.state.invoice.invoiceId, debtorId: run.state.invoice.debtor.id, priority: 1, reason });
    run.openTasks.push(task);
    record({ kind: 'escalated', stepId, reason: `${reason} (queue ${queue}, tier 1, due by ${task.dueBy})`, rule: `policy.steps.${stepId}`, detail: { taskId: task.id } });
    void superviseTask(task);
  };

  /** Re-escalates to the next tier when people do not act within the SLA. */
  const superviseTask = async (first: InvoiceRunState['openTasks'][number]): Promise<void> => {
    let task = first;
    while (task.tier < maxEscalationTier) {
      const current = task;
      const handled = await condition(() => run.status !== 'open' || !run.openTasks.some((t) => t.id === current.id), Math.max(1, Date.parse(current.dueBy) - Date.now()));
      if (handled) return;
      const next = { ...current, id: current.id.replace(/:\d+$/, `:${current.tier + 1}`), tier: current.tier + 1, dueBy: new Date(Date.now() + escalationSlaMs).toISOString() };
      await openTask({
        ...next, kind: 'escalation', workflowId, invoiceExternalId: run.state.invoice.invoiceId, debtorId: run.state.invoice.debtor.id, priority: 1,
        reason: `SLA breached: tier ${current.tier} did not act by ${current.dueBy}`,
      });
      run.openTasks = [...run.openTasks.filter((t) => t.id !== current.id), next];
      record({ kind: 'escalated', stepId: next.stepId, reason: `SLA breached at tier ${current.tier} (due by ${current.dueBy}): escalated to tier ${next.tier}`, rule: 'escalation.sla', detail: { taskId: next.id } });
      version++;
      task = next;
    }
  };

  const carryOut = async (plan: NextAction): Promise<void> => {
    if (plan.kind === 'none') return;
    if (plan.kind === 'wake') return apply({ type: 'clock', at: nowIso() });
    if (plan.kind === 'skip') return skipStep(plan.stepId, plan.reason, `policy.steps.${plan.stepId}.when`);
    for (const skipped of plan.skipped) skipStep(skipped.stepId, skipped.reason, `policy.steps.${skipped.stepId}`);
    if (plan.requiresApproval && approvals[plan.stepId] !== 'approved') {
      if (approvals[plan.stepId] === 'rejected') return skipStep(plan.stepId, 'rejected by the approver', `policy.steps.${plan.stepId}.requiresApproval`);
      if (!run.openTasks.some((t) => t.kind === 'approval' && t.stepId === plan.stepId)) {
        await escalate(plan.stepId, 'approvals', `step ${plan.stepId} requires approval before it runs`, 'approval');
      }
      if (!lean) {
        await condition(() => approvals[plan.stepId] !== undefined || run.status !== 'open');
        return;
      }
      // The wait may be long: the mirror and the outbox learn of the approval task (and of anything that happens
      // meanwhile) now, not when the approver acts.
      while (approvals[plan.stepId] === undefined && run.status === 'open') {
        await publish();
        const seen = version;
        await condition(() => version !== seen);
      }
      return;
    }
    switch (plan.channel) {
      case 'email':
      case 'sms':
        await sendStepMessage(plan, plan.channel, 'step');
        return;
      case 'call_task':
        return createCallTask(plan.stepId, plan.reason);
      case 'webhook':
        record({ kind: 'task', stepId: plan.stepId, channel: 'webhook', reason: `webhook to ${plan.url ?? '(no url)'}`, rule: `policy.steps.${plan.stepId}` });
        return completeStep(plan.stepId, 'webhook');
      default: {
        const what = { escalate: 'escalated to collections', hand_to_agency: 'hand to a collection agency', write_off_review: 'review for write-off' }[plan.channel];
        await escalate(plan.stepId, plan.queue ?? (plan.channel === 'escalate' ? 'collections' : plan.channel), `final action: ${what}`, 'escalation');
        return completeStep(plan.stepId, plan.channel);
      }
    }
  };

  // ---------------------------------------------------------------- the process
  for (const task of run.openTasks) if (task.kind === 'escalation') void superviseTask(task);
  if (!input.resume) record({ kind: 'policy', reason: `dunning under ${policy().id} v${policy().version}`, rule: 'policy.pinned', detail: { contentHash: policy().contentHash } });

  /** When the oldest owed fallback (after an SMS delivery failure) may go: in the send window, after any deferral. */
  const fallbackDueAt = (): number | undefined => {
    const owed = run.pendingFallbacks[0];
    if (!owed) return undefined;
    const opening = nextWindowOpening(DateTime.fromMillis(Date.now(), { zone: 'utc' }), policy(), debtorZone(run.state, policy())).at.toMillis();
    return Math.max(opening, owed.notBefore ? Date.parse(owed.notBefore) : 0);
  };

  while (run.status === 'open') {
    const fallbackAt = fallbackDueAt();
    if (fallbackAt !== undefined && fallbackAt <= Date.now()) {
      const owed = run.pendingFallbacks.shift()!;
      const step = policy().steps.find((s) => s.id === owed.stepId);
      if (step?.fallback === 'call_task') await createCallTask(step.id, 'SMS not delivered');
      else if (step?.fallback) {
        const { retryAt } = await sendStepMessage({ stepId: step.id, template: step.template, fallback: undefined }, step.fallback, 'fallback-after-delivery-failure');
        if (retryAt) run.pendingFallbacks.unshift({ ...owed, notBefore: retryAt });
      }
      continue;
    }
    nextAction = planNextAction(run.state, policy(), nowIso());
    const notBefore = nextAction.kind === 'action' ? run.notBefore[nextAction.stepId] : undefined;
    const dueAt = nextAction.kind === 'none' ? Infinity : Math.max(Date.parse(nextAction.at), notBefore ? Date.parse(notBefore) : 0);
    // Lean runs publish before they wait, not before acting: the action's own outcome is published next turn.
    const actsNow = dueAt <= Date.now() && !(fallbackAt !== undefined && fallbackAt < dueAt);
    if (!lean || !actsNow) await publish();
    const seen = version;
    if (nextAction.kind === 'none') {
      if (fallbackAt === undefined) await condition(() => version !== seen);
      else await condition(() => version !== seen, fallbackAt - Date.now());
      continue;
    }
    if (fallbackAt !== undefined && fallbackAt < dueAt) {
      await condition(() => version !== seen, fallbackAt - Date.now());
      continue; // an owed fallback goes first
    }
    if (dueAt > Date.now() && (await condition(() => version !== seen, dueAt - Date.now()))) continue;
    if (notBefore && nextAction.kind === 'action' && Date.parse(notBefore) > Date.parse(nextAction.at)) {
      delete run.notBefore[nextAction.stepId];
      continue; // the deferral is over: re-plan from now so the send lands in an open window
    }
    await carryOut(nextAction);
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      if (lean) await publish(); // the next run starts with nothing left to sync
      await Promise.all([...pendingNotifications]);
      await continueAsNew<typeof invoiceWorkflow>({ ...input, resume: run });
    }
  }

  // Closed: paid, credited, written off or cancelled. Nobody needs to chase it any more.
  nextAction = null;
  record({ kind: 'event', reason: `invoice closed: ${run.status}; balance ${run.state.balanceMinor} minor units`, rule: `closed.${run.status}` });
  if (lean) {
    // The open tasks close in the same transaction as the mirror's final state.
    const closeOpenTasks = run.openTasks.length > 0 ? `invoice ${run.status}` : undefined;
    run.openTasks = [];
    await publish(closeOpenTasks);
    await condition(allHandlersFinished);
    await publish(); // anything a late handler recorded
    return summary();
  }
  if (run.openTasks.length > 0) {
    await closeEscalations(workflowId, `invoice ${run.status}`);
    run.openTasks = [];
  }
  await publish();
  await condition(allHandlersFinished);
  await Promise.all([...pendingNotifications]);
  return summary();
}

/** The timeline's (and the message.sent webhook's) wording of a sent message. */
function sentReason(channel: MessageChannel, address: string, coversInvoices: readonly string[], mode: 'step' | 'fallback' | 'fallback-after-delivery-failure'): string {
  return `${channel} sent to ${address}${coversInvoices.length > 1 ? `, covering invoices ${coversInvoices.join(', ')}` : ''}${mode !== 'step' ? ' (fallback channel)' : ''}`;
}

/** Which outbound webhook, if any, a timeline entry is. */
function webhookEventType(entry: TimelineEntry): WebhookEventRecord['type'] | undefined {
  if (entry.kind === 'sent') return 'message.sent';
  if (entry.kind === 'escalated') return 'invoice.escalated';
  if (entry.rule === 'closed.paid') return 'invoice.paid';
  if (entry.rule === 'dispute-opened') return 'invoice.disputed';
  if (entry.rule === 'policy.onPromiseToPay.whenBroken') return 'promise.broken';
  return undefined;
}

/** The invoice's state under another policy version: progress carries over by step id. */
function migrateState(state: InvoiceState, target: CompiledPolicy): InvoiceState {
  const done = new Set(state.steps.map((s) => s.stepId));
  const keep = state.nextStepId !== null && target.steps.some((s) => s.id === state.nextStepId);
  const nextStepId = keep ? state.nextStepId : (target.steps.find((s) => !done.has(s.id))?.id ?? null);
  return {
    ...state,
    policy: { id: target.id, version: target.version, contentHash: target.contentHash },
    nextStepId,
    sequence: nextStepId === null ? 'finished' : 'running',
  };
}
