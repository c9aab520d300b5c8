/** Real delivery channels for tests: an SMTP server and the Twilio stand-in checked against the OpenAPI spec. */
import type { Transporter } from 'nodemailer';
import { createSmtpTransport, smtpEmailSender } from '../../activities/email-sender.js';
import { createTwilioClient, twilioSmsSender, type TwilioSettings } from '../../activities/sms-sender.js';
import type { EmailSender, SmsSender } from '../../activities/ports.js';
import { startMailSink, type MailSink } from '../../embedded/mail-sink.js';
import { startTwilioStandIn, type TwilioStandIn, type TwilioStandInOptions } from '../../embedded/twilio-stand-in.js';
import { twilioOpenApiValidator } from './twilio-openapi.js';

export interface TestChannels {
  mail: MailSink;
  twilio: TwilioStandIn;
  email: EmailSender;
  sms: SmsSender;
  twilioSettings: TwilioSettings;
  close(): Promise<void>;
}

export const testSender = 'Acme Receivables <ar@acme.example>';

export async function startTestChannels(options: Pick<TwilioStandInOptions, 'deliveryOutcome'> & { statusCallbackUrl?: string } = {}): Promise<TestChannels> {
  const accountSid = `AC${'2'.repeat(32)}`;
  const authToken = 'test-auth-token';
  const [mail, twilio] = await Promise.all([
    startMailSink(),
    startTwilioStandIn({ accountSid, authToken, validator: twilioOpenApiValidator(), ...(options.deliveryOutcome ? { deliveryOutcome: options.deliveryOutcome } : {}) }),
  ]);
  const transport: Transporter = createSmtpTransport({ url: mail.url, from: testSender });
  const twilioSettings: TwilioSettings = {
    accountSid,
    authToken,
    from: '+15005550006',
    apiBaseUrl: twilio.baseUrl,
    ...(options.statusCallbackUrl ? { statusCallbackUrl: options.statusCallbackUrl } : {}),
  };
  return {
    mail,
    twilio,
    email: smtpEmailSender(transport, testSender),
    sms: twilioSmsSender(createTwilioClient(twilioSettings), twilioSettings),
    twilioSettings,
    async close() {
      transport.close();
      await Promise.all([mail.close(), twilio.close()]);
    },
  };
}
