import twilio from 'twilio';
import type { SmsSender } from './ports.js';

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  /** E.164 sender number, or a Messaging Service SID (MG…). */
  from: string;
  /** Where Twilio posts delivery reports (the API's /v1/webhooks/twilio/status). */
  statusCallbackUrl?: string;
  /** Only for the local stand-in; production talks to api.twilio.com. */
  apiBaseUrl?: string;
}

export type TwilioClient = ReturnType<typeof twilio>;

export function createTwilioClient(settings: TwilioSettings): TwilioClient {
  const client = twilio(settings.accountSid, settings.authToken, { autoRetry: false });
  if (settings.apiBaseUrl) client.api.baseUrl = settings.apiBaseUrl;
  return client;
}

/** Twilio errors that no retry can fix: invalid or unreachable 'To', not SMS-capable, blocked, opted out. */
const permanentTwilioCodes = new Set([21211, 21214, 21408, 21610, 21612, 21614, 21617]);

export function twilioSmsSender(client: TwilioClient, settings: TwilioSettings): SmsSender {
  const sender = settings.from.startsWith('MG') ? { messagingServiceSid: settings.from } : { from: settings.from };
  return {
    async send({ to, body }) {
      const message = await client.messages.create({
        to,
        body,
        ...sender,
        ...(settings.statusCallbackUrl ? { statusCallback: settings.statusCallbackUrl } : {}),
      });
      return message.sid;
    },
    async findSent({ to, body, since }) {
      const recent = await client.messages.list({ to, dateSentAfter: new Date(since.getTime() - 60_000), limit: 50 });
      return recent.find((m) => m.body === body && m.direction === 'outbound-api')?.sid;
    },
    isPermanentFailure(error) {
      const e = error as { status?: number; code?: number };
      return e.status === 400 && typeof e.code === 'number' && permanentTwilioCodes.has(e.code);
    },
  };
}
