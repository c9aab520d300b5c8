/**
 * A real SMTP server that keeps what it receives: the embedded default's "captured messages" and the tests'
 * mail server. Messages are parsed with mailparser, so assertions see what a mail client would.
 * Fault injection (refuse sessions, hold the DATA reply) lets tests crash a sender mid-send.
 */
import { EventEmitter } from 'node:events';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  receivedAt: Date;
}

export interface MailSink {
  host: string;
  port: number;
  url: string;
  messages(): CapturedMail[];
  /** Resolves with the first captured mail (already received or arriving later) that matches. */
  waitFor(predicate: (mail: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
  /**
   * Answer new sessions, and new messages on sessions already open (senders pool their connections), with 421
   * (service not available) until called with false.
   */
  refuseSessions(refuse: boolean): void;
  /** Delay the reply to DATA, so a sender can be killed after transmitting but before the 250 OK. */
  holdDataReply(ms: number): void;
  /** Resolves when a message's DATA has been received and its reply is being held. */
  dataReceived(): Promise<void>;
  close(): Promise<void>;
}

function serviceUnavailable(): Error {
  const error = new Error('Service not available, try again later') as Error & { responseCode: number };
  error.responseCode = 421;
  return error;
}

export async function startMailSink(options: { port?: number; host?: string } = {}): Promise<MailSink> {
  const host = options.host ?? '127.0.0.1';
  const captured: CapturedMail[] = [];
  const events = new EventEmitter();
  let refusing = false;
  let holdMs = 0;

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    banner: 'Dunmore mail sink',
    onConnect(_session, callback) {
      if (refusing) return callback(serviceUnavailable());
      callback();
    },
    onMailFrom(_address, _session, callback) {
      if (refusing) return callback(serviceUnavailable());
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (parsed) => {
          events.emit('data');
          if (holdMs > 0) await new Promise((r) => setTimeout(r, holdMs));
          // A session the sender abandoned (killed) while we held the reply is not a delivered message.
          if ((session as { closed?: boolean }).closed) return callback(new Error('session closed'));
          const headers: Record<string, string> = {};
          for (const [key, value] of parsed.headers) headers[key] = typeof value === 'string' ? value : JSON.stringify(value);
          const mail: CapturedMail = {
            messageId: parsed.messageId ?? '',
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            headers,
            receivedAt: new Date(),
          };
          captured.push(mail);
          events.emit('mail', mail);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
    onClose(session) {
      (session as { closed?: boolean }).closed = true;
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.server.address() as { port: number }).port;

  return {
    host,
    port,
    url: `smtp://${host}:${port}`,
    messages: () => [...captured],
    waitFor(predicate, timeoutMs = 30_000) {
      const found = captured.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          events.off('mail', listener);
          reject(new Error(`no matching mail within ${timeoutMs} ms; received ${captured.length}: ${captured.map((m) => m.subject).join(' | ')}`));
        }, timeoutMs);
        const listener = (mail: CapturedMail): void => {
          if (!predicate(mail)) return;
          clearTimeout(timer);
          events.off('mail', listener);
          resolve(mail);
        };
        events.on('mail', listener);
      });
    },
    refuseSessions(refuse) {
      refusing = refuse;
    },
    holdDataReply(ms) {
      holdMs = ms;
    },
    dataReceived: () => new Promise((resolve) => events.once('data', () => resolve())),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
