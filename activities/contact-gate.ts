/**
 * The compliance gate as the activities use it: the debtor's contact ledger and events, loaded from PostgreSQL,
 * become a compliance request (compliance/ is pure and knows nothing of databases), and the decision comes back
 * in the compact form the workflow records in its timeline.
 */
import { and, asc, eq, getTableColumns, gte, sql } from 'drizzle-orm';
import { evaluateContact, type CaseContext, type ContactAttempt, type ContactDecision, type ContactRequest, type DebtorEvent, type ProposedChannel } from '../compliance/index.js';
import type { Database } from '../db/client.js';
import { preparedQuery, type Runner } from '../db/prepared-statement.js';
import { contactAttempts, debtorEvents, debtors } from '../db/schema.js';
import { activityNow } from './activity-clock.js';
import type { ComplianceDecisionRecord } from './contracts.js';

/** The windowed limits look back at most 30 days (Massachusetts); 35 leaves room for zone differences. */
const ledgerLookbackDays = 35;

export interface GateQuestion {
  debtorId: string;
  /** The invoice the contact is about: the compliance engine's `debtId`. */
  debtId: string;
  channel: ProposedChannel;
  to?: string;
  at: Date;
  /** The policy's compliance profile decides which rulebook applies. */
  profile: string;
  /** What the message will contain (the renderer injects the Reg F notices for consumer-regF). */
  content?: ContactRequest['proposed']['content'];
}

/** The pool or a transaction. */
type Reader = Runner;

function contextForProfile(profile: string, stored: Record<string, unknown>): { segment: string; context: CaseContext } {
  const context = stored as CaseContext;
  switch (profile) {
    case 'consumer-regF':
      return { segment: 'consumer-US-federal', context: { collectorType: 'third-party', debtPurpose: 'consumer', debtorType: 'natural-person', ...context } };
    case 'first-party':
      // A creditor collecting its own consumer debts: Reg F by company policy (law in California).
      return { segment: 'consumer-US-federal', context: { collectorType: 'first-party', debtPurpose: 'consumer', debtorType: 'natural-person', ...context } };
    default:
      return { segment: 'B2B', context: { debtPurpose: 'commercial', debtorType: 'entity', ...context } };
  }
}

type DebtorRow = typeof debtors.$inferSelect;

/** What the debtor has been sent and told us: the ledger rows a contact decision reads. */
export interface ContactHistory {
  attempts: Array<typeof contactAttempts.$inferSelect>;
  events: Array<typeof debtorEvents.$inferSelect>;
}

const ledger = {
  attemptsSince: preparedQuery<{ debtorId: string; since: string }, ContactHistory['attempts'][number]>(
    (db) =>
      db
        .select()
        .from(contactAttempts)
        .where(and(eq(contactAttempts.debtorId, sql.placeholder('debtorId')), gte(contactAttempts.at, sql.placeholder('since'))))
        .orderBy(asc(contactAttempts.at)),
    getTableColumns(contactAttempts),
  ),
  events: preparedQuery<{ debtorId: string }, ContactHistory['events'][number]>(
    (db) => db.select().from(debtorEvents).where(eq(debtorEvents.debtorId, sql.placeholder('debtorId'))).orderBy(asc(debtorEvents.at)),
    getTableColumns(debtorEvents),
  ),
};

/** The debtor's contact ledger over the look-back window and their events; the two reads go out together. */
export async function loadContactHistory(db: Reader, debtorId: string, at: Date): Promise<ContactHistory> {
  const since = new Date(at.getTime() - ledgerLookbackDays * 86_400_000).toISOString();
  const [attempts, events] = await Promise.all([ledger.attemptsSince.run(db, { debtorId, since }), ledger.events.run(db, { debtorId })]);
  return { attempts, events };
}

export async function buildContactRequest(db: Reader, question: GateQuestion): Promise<ContactRequest> {
  const [[debtor], history] = await Promise.all([db.select().from(debtors).where(eq(debtors.id, question.debtorId)), loadContactHistory(db, question.debtorId, question.at)]);
  return contactRequestFrom(debtor, history, question);
}

/** The compliance engine's request from rows already read (the send activity reads them under the debtor's lock). */
export function contactRequestFrom(debtor: DebtorRow | undefined, { attempts, events }: ContactHistory, question: GateQuestion): ContactRequest {
  const { segment, context } = contextForProfile(question.profile, debtor?.complianceContext ?? {});
  return {
    id: `${question.debtId}:${question.channel}:${question.at.toISOString()}`,
    segment,
    tz: debtor?.timeZone ?? null,
    ...(debtor && debtor.candidateTimeZones.length > 0 ? { candidateTzs: [debtor.timeZone, ...debtor.candidateTimeZones] } : {}),
    context,
    priorAttempts: attempts.map(
      (a): ContactAttempt => ({
        id: a.id,
        at: a.at.toISOString(),
        channel: a.channel,
        debtId: a.debtId,
        outcome: a.outcome,
        direction: a.direction,
        connected: a.connected,
        ...(a.disposition ? { disposition: a.disposition } : {}),
        ...(a.toAddress ? { to: a.toAddress } : {}),
        ...(a.party ? { party: a.party } : {}),
        ...(a.callId ? { callId: a.callId } : {}),
        ...(a.purpose ? { purpose: a.purpose } : {}),
        prerecorded: a.prerecorded,
      }),
    ),
    events: events.map((e) => ({ ...e.payload, id: e.id, type: e.type, at: e.at.toISOString(), ...(e.debtId ? { debtId: e.debtId } : {}) }) as DebtorEvent),
    proposed: {
      at: question.at.toISOString(),
      channel: question.channel,
      debtId: question.debtId,
      ...(question.to ? { to: question.to } : {}),
      ...(question.content ? { content: question.content } : {}),
    },
  };
}

export function decisionRecord(decision: ContactDecision): ComplianceDecisionRecord {
  return {
    decision: decision.decision,
    ...(decision.until ? { until: decision.until } : {}),
    basis: decision.basis,
    rules: decision.rules,
    reasons: decision.reasons,
    ruleVersion: decision.ruleVersion,
    counted: decision.inputs.countedAttemptIds ?? [],
  };
}

export async function evaluateGate(db: Reader, question: GateQuestion): Promise<ComplianceDecisionRecord> {
  return decisionRecord(evaluateContact(await buildContactRequest(db, question)));
}

/** Activity: may we call (or message) this debtor now? For call tasks and the collector's pre-dial check. */
export function checkContactActivity(db: Database): (question: Omit<GateQuestion, 'at'> & { at?: string; requestedAt?: string }) => Promise<ComplianceDecisionRecord> {
  return async function checkContact({ requestedAt, ...question }) {
    return evaluateGate(db, { ...question, at: question.at ? new Date(question.at) : activityNow(undefined, requestedAt) });
  };
}
