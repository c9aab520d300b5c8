import nodemailer, { type Transporter } from 'nodemailer';
import { messageIdFor } from './send-message.js';
import type { EmailSender } from './ports.js';

export interface SmtpSettings {
  /** e.g. smtp://user:pass@mail.example.com:587 or smtps://… */
  url: string;
  /** The From header, e.g. "Acme Receivables <ar@acme.example>". */
  from: string;
}

export function createSmtpTransport(settings: SmtpSettings): Transporter {
  // Fail fast inside one activity attempt; Temporal owns retries and backoff.
  return nodemailer.createTransport(settings.url, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
}

export function smtpEmailSender(transport: Transporter, from: string): EmailSender {
  const fromAddress = /<([^>]+)>/.exec(from)?.[1] ?? from;
  return {
    async send({ to, message, idempotencyKey }) {
      const messageId = messageIdFor(idempotencyKey, fromAddress);
      await transport.sendMail({
        from,
        to,
        subject: message.subject ?? '',
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        messageId,
        headers: { 'X-Dunmore-Idempotency-Key': idempotencyKey },
      });
      return messageId;
    },
    isPermanentFailure(error) {
      // 5xx on a recipient or the message is final (RFC 5321 §4.2.1); 4xx and network errors are transient.
      const e = error as { responseCode?: number; code?: string };
      return typeof e.responseCode === 'number' && e.responseCode >= 500 && e.code !== 'ECONNECTION';
    },
  };
}
