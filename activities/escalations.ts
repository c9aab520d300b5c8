import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { escalations } from '../db/schema.js';
import type { EscalationInput } from './contracts.js';

/**
 * Creates a task for humans (escalation or call task). Idempotent by id: a retried attempt returns the task it
 * created before. Raising a higher tier supersedes the open lower tiers of the same step.
 */
export function createEscalationActivity(db: Database): (input: EscalationInput) => Promise<{ id: string; created: boolean }> {
  return async function createEscalation(input) {
    return db.transaction(async (tx) => {
      const inserted = await tx
        .insert(escalations)
        .values({
          id: input.id,
          kind: input.kind,
          workflowId: input.workflowId,
          invoiceExternalId: input.invoiceExternalId,
          debtorId: input.debtorId,
          stepId: input.stepId,
          queue: input.queue,
          tier: input.tier,
          priority: input.priority,
          reason: input.reason,
          dueBy: new Date(input.dueBy),
          allowedFrom: input.allowedFrom ? new Date(input.allowedFrom) : null,
          allowedUntil: input.allowedUntil ? new Date(input.allowedUntil) : null,
          status: 'open',
        })
        .onConflictDoNothing()
        .returning({ id: escalations.id });
      if (inserted.length > 0 && input.tier > 1) {
        await tx
          .update(escalations)
          .set({ status: 'superseded' })
          .where(
            sql`${escalations.workflowId} = ${input.workflowId} and ${escalations.stepId} = ${input.stepId} and ${escalations.tier} < ${input.tier} and ${escalations.status} in ('open', 'claimed')`,
          );
      }
      return { id: input.id, created: inserted.length > 0 };
    });
  };
}

/** Closes the open tasks of an invoice that no longer needs them (paid, cancelled, written off). */
export function closeEscalationsActivity(db: Database): (workflowId: string, outcome: string) => Promise<number> {
  return async function closeEscalations(workflowId, outcome) {
    const closed = await db
      .update(escalations)
      .set({ status: 'superseded', outcome, resolvedAt: new Date() })
      .where(sql`${escalations.workflowId} = ${workflowId} and ${escalations.status} in ('open', 'claimed')`)
      .returning({ id: escalations.id });
    return closed.length;
  };
}

export async function findEscalation(db: Database, id: string): Promise<typeof escalations.$inferSelect | undefined> {
  const [row] = await db.select().from(escalations).where(eq(escalations.id, id));
  return row;
}
