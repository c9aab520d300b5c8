import nodemailer, { type Transporter } from 'nodemailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared/index.js';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { messageIdFor } from './send-message.js';
import type { EmailSender } from './ports.js';

export interface SmtpSettings {
  /** e.g. smtp://user:pass@mail.example.com:587 or smtps://… */
  url: string;
  /** The From header, e.g. "Acme Receivables <ar@acme.example>". */
  from: string;
}

export function createSmtpTransport(settings: SmtpSettings): Transporter {
  const defaults: SMTPPool.Options = {
    // Fail fast inside one activity attempt; Temporal owns retries and backoff.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
    // Reuse a few open connections instead of a TCP and SMTP handshake per message; a connection that breaks
    // is replaced on the next send.
    pool: true,
    maxConnections: 5,
    maxMessages: 100,
  };
  // Host, port, TLS and credentials; query parameters (`?pool=false`, `?connectionTimeout=…`) override the
  // defaults above. (Given a `url`, nodemailer would ignore every other option, hence the parse here.)
  return nodemailer.createTransport({ ...defaults, ...parseConnectionUrl(settings.url) } as SMTPPool.Options);
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
