/**
 * Outbound webhooks: invoice events (message sent, escalated, paid, disputed, promise broken) POSTed as JSON to
 * each subscribed URL, signed with the subscription's secret. Events wait in the webhook outbox (written with the
 * invoice mirror) until the worker's dispatcher delivers them; a retry skips the subscriptions that already
 * acknowledged the event, so each receives it once.
 *
 * Signature (the scheme Stripe popularised): `Dunmore-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>" keyed by the secret>`. Receivers recompute it and reject stale timestamps.
 */
import { createHmac } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { webhookSubscriptions } from '../db/api-schema.js';
import { webhookDeliveries } from '../db/schema.js';
import { activityNow } from './activity-clock.js';
import type { WebhookEventRecord } from './contracts.js';

export type WebhookEvent = WebhookEventRecord;
export type WebhookEventType = WebhookEventRecord['type'];

export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * POSTs one event to every active subscription that wants it and has not acknowledged it yet. Throws when a
 * subscriber failed, naming each; the caller retries later and the served subscriptions are skipped.
 */
export async function deliverToSubscribers(db: Database, event: WebhookEvent, fetchImpl: typeof fetch = fetch): Promise<{ delivered: number; skipped: number }> {
  const subscriptions = (await db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.active, true))).filter(
    (s) => s.events.includes(event.type) || s.events.includes('*'),
  );
  const body = JSON.stringify({ id: event.deliveryId, type: event.type, invoiceId: event.invoiceId, occurredAt: event.occurredAt, data: event.data });
  const failures: string[] = [];
  let delivered = 0;
  let skipped = 0;
  for (const subscription of subscriptions) {
    const [done] = await db
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.subscriptionId, subscription.id), eq(webhookDeliveries.deliveryId, event.deliveryId)));
    if (done) {
      skipped++;
      continue;
    }
    const timestamp = Math.floor(activityNow().getTime() / 1000);
    try {
      const response = await fetchImpl(subscription.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'dunmore-event': event.type,
          'dunmore-delivery': event.deliveryId,
          'dunmore-signature': webhookSignature(subscription.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) {
        failures.push(`${subscription.url} answered ${response.status}`);
        continue;
      }
      await db
        .insert(webhookDeliveries)
        .values({ subscriptionId: subscription.id, deliveryId: event.deliveryId, eventType: event.type, statusCode: response.status })
        .onConflictDoNothing();
      delivered++;
    } catch (error) {
      failures.push(`${subscription.url}: ${(error as Error).message}`);
    }
  }
  if (failures.length > 0) throw new Error(`webhook ${event.type} ${event.deliveryId} not delivered to ${failures.length} subscriber(s): ${failures.join('; ')}`);
  return { delivered, skipped };
}

/**
 * The delivery activity of invoice runs started before the webhook outbox (patch `lean-history`): their
 * histories schedule it once per event, so it stays registered for as long as such runs may replay.
 * Throwing makes Temporal retry with backoff.
 */
export function deliverWebhooksActivity(db: Database, fetchImpl: typeof fetch = fetch): (event: WebhookEvent) => Promise<{ delivered: number; skipped: number }> {
  return async function deliverWebhooks(event) {
    return deliverToSubscribers(db, event, fetchImpl);
  };
}
