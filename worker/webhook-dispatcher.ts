/**
 * Delivers the webhook outbox: invoice events that the workflows wrote beside their PostgreSQL mirror
 * (activities/invoice-mirror.ts) are POSTed to their subscribers here, outside the workflows, so a slow or
 * failing subscriber costs an invoice's history nothing.
 *
 * A NOTIFY from the writing transaction wakes the dispatcher at once; otherwise it sleeps until the earliest
 * scheduled retry (or a safety interval, in case a notification was missed while reconnecting). Rows are claimed
 * with `FOR UPDATE SKIP LOCKED` and a lease, so any number of workers may run a dispatcher, and one that dies
 * mid-delivery leaves the row to the next after the lease. Failed deliveries back off exponentially (10 s
 * doubling to hourly, as the delivery activity did) and are marked `failed` after the last attempt.
 */
import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../db/client.js';
import { webhookOutbox } from '../db/schema.js';
import { webhookOutboxChannel } from '../activities/invoice-mirror.js';
import { deliverToSubscribers, type WebhookEvent } from '../activities/webhooks.js';

export interface WebhookDispatcherOptions {
  database: DatabaseHandle;
  fetchImpl?: typeof fetch;
  /** Where failures are reported (pino in production). */
  onFailure?: (event: { deliveryId: string; type: string; attempts: number; final: boolean; error: string }) => void;
  /** First retry delay; doubles per attempt up to `maxRetryDelayMs`. */
  initialRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  maxAttempts?: number;
  /** How long a claimed row stays invisible to other dispatchers: longer than one delivery can take. */
  leaseMs?: number;
  batchSize?: number;
  /** The longest sleep without a notification. */
  idleCheckMs?: number;
}

interface ClaimedRow {
  delivery_id: string;
  event_type: string;
  payload: WebhookEvent & { id: string };
  attempts: number;
}

export class WebhookDispatcher {
  private readonly options: Required<Omit<WebhookDispatcherOptions, 'onFailure' | 'fetchImpl'>> & Pick<WebhookDispatcherOptions, 'onFailure' | 'fetchImpl'>;
  private stopped = true;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** A notification that arrived while no one slept: the next sleep returns at once. */
  private notified = false;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(options: WebhookDispatcherOptions) {
    this.options = {
      initialRetryDelayMs: 10_000,
      maxRetryDelayMs: 3_600_000,
      maxAttempts: 30,
      leaseMs: 120_000,
      batchSize: 20,
      idleCheckMs: 30_000,
      ...options,
    };
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    try {
      const listening = await this.options.database.sql.listen(webhookOutboxChannel, () => this.notify());
      this.unlisten = () => listening.unlisten();
    } catch (error) {
      // e.g. a transaction-mode connection pooler, which cannot LISTEN: deliveries still go out, found by the
      // periodic check instead of at once.
      this.options.onFailure?.({ deliveryId: '-', type: '-', attempts: 0, final: false, error: `LISTEN ${webhookOutboxChannel} failed, checking every ${this.options.idleCheckMs} ms instead: ${(error as Error).message}` });
    }
    this.loop = this.run();
  }

  /** Stops taking new rows and waits for the deliveries in flight. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.notify();
    await this.loop;
    await this.unlisten?.().catch(() => {});
  }

  /** Delivers every row due now, batch after batch; answers how many rows it handled. */
  async deliverDue(): Promise<number> {
    let handled = 0;
    for (;;) {
      const batch = await this.claim();
      if (batch.length === 0) return handled;
      await Promise.all(batch.map((row) => this.deliver(row)));
      handled += batch.length;
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        this.notified = false;
        await this.deliverDue();
        await this.sleep(await this.untilNextDue());
      } catch (error) {
        // PostgreSQL restarting: the rows wait in the outbox; try again shortly.
        this.options.onFailure?.({ deliveryId: '-', type: '-', attempts: 0, final: false, error: `dispatcher: ${(error as Error).message}` });
        await this.sleep(Math.min(5_000, this.options.idleCheckMs));
      }
    }
  }

  private async claim(): Promise<ClaimedRow[]> {
    const { db } = this.options.database;
    const rows = await db.execute<ClaimedRow & Record<string, unknown>>(sql`
      update ${webhookOutbox}
      set next_attempt_at = now() + ${`${this.options.leaseMs} milliseconds`}::interval, attempts = attempts + 1, updated_at = now()
      where delivery_id in (
        select delivery_id from ${webhookOutbox}
        where status = 'pending' and next_attempt_at <= now()
        order by next_attempt_at
        limit ${this.options.batchSize}
        for update skip locked
      )
      returning delivery_id, event_type, payload, attempts`);
    return [...rows];
  }

  private async deliver(row: ClaimedRow): Promise<void> {
    const { db } = this.options.database;
    const event: WebhookEvent = { deliveryId: row.payload.id, type: row.payload.type, invoiceId: row.payload.invoiceId, occurredAt: row.payload.occurredAt, data: row.payload.data };
    try {
      await deliverToSubscribers(db, event, this.options.fetchImpl);
      await db.execute(sql`update ${webhookOutbox} set status = 'delivered', last_error = null, updated_at = now() where delivery_id = ${row.delivery_id}`);
    } catch (error) {
      const message = (error as Error).message;
      const final = row.attempts >= this.options.maxAttempts;
      const delayMs = Math.min(this.options.maxRetryDelayMs, this.options.initialRetryDelayMs * 2 ** (row.attempts - 1));
      await db.execute(sql`
        update ${webhookOutbox}
        set status = ${final ? 'failed' : 'pending'}, last_error = ${message},
            next_attempt_at = now() + ${`${delayMs} milliseconds`}::interval, updated_at = now()
        where delivery_id = ${row.delivery_id}`);
      this.options.onFailure?.({ deliveryId: row.delivery_id, type: row.event_type, attempts: row.attempts, final, error: message });
    }
  }

  /** Milliseconds until the earliest pending row is due, at most the idle interval. */
  private async untilNextDue(): Promise<number> {
    const [next] = await this.options.database.db.execute<{ wait_ms: number | null } & Record<string, unknown>>(sql`
      select extract(epoch from (min(next_attempt_at) - now())) * 1000 as wait_ms from ${webhookOutbox} where status = 'pending'`);
    const waitMs = next?.wait_ms === null || next?.wait_ms === undefined ? this.options.idleCheckMs : Number(next.wait_ms);
    return Math.max(0, Math.min(this.options.idleCheckMs, waitMs));
  }

  private notify(): void {
    this.notified = true;
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped || this.notified || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }
}
