/**
 * The audit trail: one row per mutating call, each holding the hash of the previous row, so an edited, inserted
 * or deleted row breaks the chain. Appends serialise on the single `audit_head` row (SELECT … FOR UPDATE), which
 * also makes `seq` gapless and lets verification notice a deleted tail.
 */
import { createHash } from 'node:crypto';
import { asc, eq, gt } from 'drizzle-orm';
import { canonicalJson } from '../../dunning/catalog/policy-catalog.js';
import type { Database } from '../../db/client.js';
import { auditEvents, auditHead } from '../../db/api-schema.js';

export const genesisHash = 'sha256:genesis';

export interface Actor {
  /** API key id, or `cli` / `system`. */
  id: string;
  name: string;
  role: string;
}

export const actorLabel = (actor: Actor): string => `${actor.name} (${actor.id})`;

export interface AuditEntry {
  at: Date;
  actor: Actor;
  action: string;
  targetType: string;
  targetId: string;
  detail: Record<string, unknown>;
  requestId?: string;
}

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
type Executor = Database | Tx;

interface HashedFields {
  seq: number;
  at: Date;
  actor: string;
  role: string;
  action: string;
  targetType: string;
  targetId: string;
  detail: unknown;
  requestId: string | null;
  prevHash: string;
}

/** The row's hash covers every column but itself; canonical JSON makes it independent of jsonb key order. */
export function auditHash(row: HashedFields): string {
  // Named fields only: a row read back carries its own `hash`, which must not hash itself.
  const body = canonicalJson({
    seq: row.seq,
    at: row.at.toISOString(),
    actor: row.actor,
    role: row.role,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    detail: row.detail,
    requestId: row.requestId,
    prevHash: row.prevHash,
  });
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

/** Appends inside the caller's transaction, so the audit row commits or rolls back with the change it records. */
export async function appendAudit(tx: Executor, entry: AuditEntry): Promise<{ seq: number; hash: string }> {
  const [head] = await tx.select().from(auditHead).where(eq(auditHead.id, 1)).for('update');
  const prev = head ?? { seq: 0, hash: genesisHash };
  if (!head) await tx.insert(auditHead).values({ id: 1, seq: 0, hash: genesisHash }).onConflictDoNothing();
  const row: HashedFields = {
    seq: prev.seq + 1,
    at: new Date(entry.at.getTime()),
    actor: actorLabel(entry.actor),
    role: entry.actor.role,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    // Round-trip through JSON so the hash covers exactly what jsonb will hand back (no undefined, no Dates).
    detail: JSON.parse(JSON.stringify(entry.detail)) as Record<string, unknown>,
    requestId: entry.requestId ?? null,
    prevHash: prev.hash,
  };
  const hash = auditHash(row);
  await tx.insert(auditEvents).values({ ...row, detail: row.detail as Record<string, unknown>, hash });
  await tx.update(auditHead).set({ seq: row.seq, hash }).where(eq(auditHead.id, 1));
  return { seq: row.seq, hash };
}

export interface AuditProblem {
  seq: number;
  problem: string;
}

export interface AuditVerification {
  ok: boolean;
  rows: number;
  headSeq: number;
  problems: AuditProblem[];
}

/** Walks the whole chain in pages; reports every broken link (edited, inserted, deleted or reordered rows). */
export async function verifyAuditChain(db: Database, pageSize = 1000): Promise<AuditVerification> {
  const problems: AuditProblem[] = [];
  let expectedSeq = 1;
  let prevHash = genesisHash;
  let rows = 0;
  let after = 0;
  for (;;) {
    const page = await db.select().from(auditEvents).where(gt(auditEvents.seq, after)).orderBy(asc(auditEvents.seq)).limit(pageSize);
    for (const row of page) {
      rows++;
      if (row.seq !== expectedSeq) {
        problems.push({ seq: row.seq, problem: `expected seq ${expectedSeq} next but found ${row.seq}: rows ${expectedSeq}..${row.seq - 1} were deleted` });
      }
      if (row.prevHash !== prevHash) {
        problems.push({ seq: row.seq, problem: `prev_hash ${row.prevHash} does not match the preceding row's hash ${prevHash}: a row before it was edited, inserted or deleted` });
      }
      const recomputed = auditHash({ ...row, detail: row.detail });
      if (recomputed !== row.hash) {
        problems.push({ seq: row.seq, problem: `row content does not match its hash (stored ${row.hash}, computed ${recomputed}): the row was edited` });
      }
      expectedSeq = row.seq + 1;
      prevHash = row.hash;
      after = row.seq;
    }
    if (page.length < pageSize) break;
  }
  const [head] = await db.select().from(auditHead).where(eq(auditHead.id, 1));
  const headSeq = head?.seq ?? 0;
  if (head && (head.seq !== expectedSeq - 1 || head.hash !== prevHash)) {
    problems.push({ seq: head.seq, problem: `the chain ends at seq ${expectedSeq - 1} but audit_head records seq ${head.seq} (${head.hash}): rows at the end were deleted or the head was edited` });
  }
  return { ok: problems.length === 0, rows, headSeq, problems };
}
