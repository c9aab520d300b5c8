/**
 * Outbound webhooks: invoice events (message sent, escalated, paid, disputed, promise broken) POSTed as JSON to
 * each subscribed URL, signed with the subscription's secret. Temporal retries the activity with backoff; a
 * retry skips the subscriptions that already acknowledged the event, so each receives it once.
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

export type WebhookEventType = 'message.sent' | 'invoice.escalated' | 'invoice.paid' | 'invoice.disputed' | 'promise.broken';

export interface WebhookEvent {
  /** Stable per event (workflow id + timeline position): the `Dunmore-Delivery` header, for receivers to dedupe. */
  deliveryId: string;
  type: WebhookEventType;
  invoiceId: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function deliverWebhooksActivity(db: Database, fetchImpl: typeof fetch = fetch): (event: WebhookEvent) => Promise<{ delivered: number; skipped: number }> {
  return async function deliverWebhooks(event) {
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
    // Throwing makes Temporal retry with backoff; the subscriptions served above are skipped next time.
    if (failures.length > 0) throw new Error(`webhook ${event.type} ${event.deliveryId} not delivered to ${failures.length} subscriber(s): ${failures.join('; ')}`);
    return { delivered, skipped };
  };
}
