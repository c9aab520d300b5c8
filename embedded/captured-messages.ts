/**
 * A page listing what the embedded SMTP catcher and Twilio stand-in received, newest first: the "captured
 * messages" URL of `dunmore start`. JSON at /messages.json for scripts.
 */
import Fastify from 'fastify';
import type { MailSink } from './mail-sink.js';
import type { TwilioStandIn } from './twilio-stand-in.js';

export interface CapturedMessage {
  channel: 'email' | 'sms';
  at: string;
  to: string;
  subject: string;
  body: string;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export function capturedMessages(mail: MailSink, sms: TwilioStandIn): CapturedMessage[] {
  return [
    ...mail.messages().map((m) => ({ channel: 'email' as const, at: m.receivedAt.toISOString(), to: m.to.join(', '), subject: m.subject, body: m.text })),
    ...sms.messages().map((m) => ({ channel: 'sms' as const, at: new Date(m.date_created).toISOString(), to: m.to, subject: `SMS ${m.status}`, body: m.body })),
  ].sort((a, b) => b.at.localeCompare(a.at));
}

export async function startCapturedMessagesPage(mail: MailSink, sms: TwilioStandIn, port: number): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({ logger: false });
  app.get('/messages.json', async () => capturedMessages(mail, sms));
  app.get('/', async (_request, reply) => {
    const rows = capturedMessages(mail, sms)
      .map((m) => `<tr><td>${escapeHtml(m.at)}</td><td>${m.channel}</td><td>${escapeHtml(m.to)}</td><td><b>${escapeHtml(m.subject)}</b><pre>${escapeHtml(m.body)}</pre></td></tr>`)
      .join('\n');
    return reply.type('text/html; charset=utf-8').send(`<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>Dunmore: captured messages</title><style>body{font-family:system-ui,sans-serif;margin:2rem}td{vertical-align:top;padding:.4rem;border-bottom:1px solid #ddd}pre{white-space:pre-wrap;margin:.3rem 0 0}</style></head>
<body><h1>Captured messages</h1><p>Email received by the local SMTP catcher and SMS received by the local Twilio stand-in. Nothing here left this machine.</p>
<table><thead><tr><th>received (UTC)</th><th>channel</th><th>to</th><th>message</th></tr></thead><tbody>${rows}</tbody></table></body></html>`);
  });
  const url = await app.listen({ host: '127.0.0.1', port });
  return { url, close: () => app.close() };
}
