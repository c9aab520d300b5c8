/**
 * A local stand-in for Twilio's Programmable Messaging REST API (2010-04-01), for the embedded defaults and
 * for tests. The real `twilio` SDK talks to it unchanged (only its base URL differs). It answers as Twilio
 * does: 201 with a Message resource, Twilio-shaped 400/401/404 errors, and signed status callbacks
 * (queued → sent → delivered, or failed/undelivered for numbers told to fail).
 *
 * Tests hang a validator on it that checks every request and response against Twilio's OpenAPI spec.
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import twilio from 'twilio';

export type TwilioOperation = 'createMessage' | 'listMessages' | 'fetchMessage';

export interface StandInMessage {
  sid: string;
  account_sid: string;
  api_version: '2010-04-01';
  to: string;
  from: string | null;
  messaging_service_sid: string | null;
  body: string;
  status: 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed';
  direction: 'outbound-api';
  num_segments: string;
  num_media: string;
  price: string | null;
  price_unit: string;
  error_code: number | null;
  error_message: string | null;
  date_created: string;
  date_sent: string | null;
  date_updated: string;
  uri: string;
  subresource_uris: { media: string };
  /** Not part of Twilio's resource: kept to deliver callbacks. */
  statusCallback?: string;
}

export interface TwilioStandInOptions {
  accountSid: string;
  authToken: string;
  port?: number;
  /** Extra checks on each request and response (tests: Twilio's OpenAPI spec). Return problems, or []. */
  validator?: {
    request(operation: TwilioOperation, input: { params: Record<string, string>; query: Record<string, unknown>; body: Record<string, unknown> }): string[];
    response(operation: TwilioOperation, status: number, body: unknown): string[];
  };
  /** Final delivery status per recipient; default delivered. */
  deliveryOutcome?: (to: string) => 'delivered' | 'undelivered' | 'failed';
  /** Delay between status callbacks, ms. */
  callbackDelayMs?: number;
}

export interface TwilioStandIn {
  baseUrl: string;
  messages(): StandInMessage[];
  /** Problems the validator found; tests assert this stays empty. */
  violations(): string[];
  /** Returns and forgets the problems found so far (after a test sent an invalid request on purpose). */
  takeViolations(): string[];
  /** Answer the next `count` create requests with this HTTP status (500, 429, …), as Twilio does under faults. */
  failNext(count: number, status: 429 | 500 | 503): void;
  /** Resolves when every status callback issued so far has been delivered (or given up). */
  callbacksSettled(): Promise<void>;
  close(): Promise<void>;
}

const e164 = /^\+[1-9]\d{6,14}$/;
const rfc2822 = (d: Date): string => d.toUTCString().replace('GMT', '+0000');

function twilioError(status: number, code: number, message: string): { code: number; message: string; more_info: string; status: number } {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/** GSM-7 vs UCS-2 segment count, as Twilio reports it in num_segments. */
function segmentCount(body: string): number {
  const gsm = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€]*$/.test(body);
  const units = gsm ? [...body].reduce((n, c) => n + ('^{}\\[~]|€'.includes(c) ? 2 : 1), 0) : [...body].length;
  const [single, multi] = gsm ? [160, 153] : [70, 67];
  return units <= single ? 1 : Math.ceil(units / multi);
}

export async function startTwilioStandIn(options: TwilioStandInOptions): Promise<TwilioStandIn> {
  const app: FastifyInstance = Fastify({ logger: false });
  await app.register(formbody);
  const store = new Map<string, StandInMessage>();
  const problems: string[] = [];
  const pendingCallbacks = new Set<Promise<void>>();
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  let baseUrl = '';

  const check = (operation: TwilioOperation, status: number, body: unknown): unknown => {
    for (const p of options.validator?.response(operation, status, body) ?? []) problems.push(`${operation} response ${status}: ${p}`);
    return body;
  };

  const authorised = (header: string | undefined, accountSid: string): boolean => {
    if (!header?.startsWith('Basic ')) return false;
    const [user, password] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
    return user === options.accountSid && password === options.authToken && accountSid === options.accountSid;
  };

  const sendCallback = (message: StandInMessage): void => {
    const url = message.statusCallback;
    if (!url) return;
    const params: Record<string, string> = {
      AccountSid: message.account_sid,
      ApiVersion: message.api_version,
      MessageSid: message.sid,
      SmsSid: message.sid,
      MessageStatus: message.status,
      SmsStatus: message.status,
      To: message.to,
      From: message.from ?? '',
      ...(message.error_code ? { ErrorCode: String(message.error_code) } : {}),
    };
    const signature = twilio.getExpectedTwilioSignature(options.authToken, url, params);
    const delivery = fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params).toString(),
    })
      .then(() => undefined)
      .catch(() => undefined) // Twilio gives up on unreachable callbacks too
      .finally(() => pendingCallbacks.delete(delivery));
    pendingCallbacks.add(delivery);
  };

  const progress = (message: StandInMessage): void => {
    const final = options.deliveryOutcome?.(message.to) ?? 'delivered';
    const steps: StandInMessage['status'][] = final === 'failed' ? ['failed'] : ['sent', final];
    let at = 0;
    for (const status of steps) {
      at += options.callbackDelayMs ?? 20;
      const timer = new Promise<void>((resolve) =>
        setTimeout(() => {
          const now = new Date();
          message.status = status;
          message.date_updated = rfc2822(now);
          if (status === 'sent') message.date_sent = rfc2822(now);
          if (status === 'failed' || status === 'undelivered') {
            message.error_code = status === 'failed' ? 30008 : 30003;
            message.error_message = status === 'failed' ? 'Unknown error' : 'Unreachable destination handset';
          }
          sendCallback(message);
          resolve();
        }, at),
      );
      pendingCallbacks.add(timer);
      void timer.finally(() => pendingCallbacks.delete(timer));
    }
  };

  app.post<{ Params: { AccountSid: string }; Body: Record<string, string> }>(
    '/2010-04-01/Accounts/:AccountSid/Messages.json',
    async (request, reply) => {
      const body = request.body ?? {};
      for (const p of options.validator?.request('createMessage', { params: request.params, query: {}, body }) ?? []) {
        problems.push(`createMessage request: ${p}`);
      }
      if (!authorised(request.headers.authorization, request.params.AccountSid)) {
        return reply.code(401).send(check('createMessage', 401, twilioError(401, 20003, 'Authenticate')));
      }
      if (failures.count > 0) {
        failures = { ...failures, count: failures.count - 1 };
        const status = failures.status;
        return reply.code(status).send(check('createMessage', status, twilioError(status, status === 429 ? 20429 : 20500, status === 429 ? 'Too Many Requests' : 'Internal Server Error')));
      }
      if (!body.To || !e164.test(body.To)) {
        return reply.code(400).send(check('createMessage', 400, twilioError(400, 21211, `Invalid 'To' Phone Number: ${body.To ?? ''}`)));
      }
      if (!body.From && !body.MessagingServiceSid) {
        return reply.code(400).send(check('createMessage', 400, twilioError(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message")));
      }
      if (!body.Body && !body.MediaUrl && !body.ContentSid) {
        return reply.code(400).send(check('createMessage', 400, twilioError(400, 21602, 'Message body is required.')));
      }
      const now = new Date();
      const sid = `SM${randomBytes(16).toString('hex')}`;
      const uri = `/2010-04-01/Accounts/${options.accountSid}/Messages/${sid}.json`;
      const message: StandInMessage = {
        sid,
        account_sid: options.accountSid,
        api_version: '2010-04-01',
        to: body.To,
        from: body.From ?? null,
        messaging_service_sid: body.MessagingServiceSid ?? null,
        body: body.Body ?? '',
        status: 'queued',
        direction: 'outbound-api',
        num_segments: String(segmentCount(body.Body ?? '')),
        num_media: '0',
        price: null,
        price_unit: 'USD',
        error_code: null,
        error_message: null,
        date_created: rfc2822(now),
        date_sent: null,
        date_updated: rfc2822(now),
        uri,
        subresource_uris: { media: uri.replace('.json', '/Media.json') },
        ...(body.StatusCallback ? { statusCallback: body.StatusCallback } : {}),
      };
      store.set(sid, message);
      progress(message);
      return reply.code(201).send(check('createMessage', 201, publicView(message)));
    },
  );

  app.get<{ Params: { AccountSid: string }; Querystring: Record<string, string> }>(
    '/2010-04-01/Accounts/:AccountSid/Messages.json',
    async (request, reply) => {
      for (const p of options.validator?.request('listMessages', { params: request.params, query: request.query, body: {} }) ?? []) {
        problems.push(`listMessages request: ${p}`);
      }
      if (!authorised(request.headers.authorization, request.params.AccountSid)) {
        return reply.code(401).send(check('listMessages', 401, twilioError(401, 20003, 'Authenticate')));
      }
      const { To, From } = request.query;
      const sentAfter = request.query['DateSent>'] ? new Date(request.query['DateSent>']) : undefined;
      const pageSize = Number(request.query.PageSize ?? 50);
      const matches = [...store.values()]
        .filter((m) => (!To || m.to === To) && (!From || m.from === From))
        .filter((m) => !sentAfter || new Date(m.date_created) >= sentAfter)
        .reverse()
        .slice(0, pageSize);
      const uri = `/2010-04-01/Accounts/${options.accountSid}/Messages.json?PageSize=${pageSize}&Page=0`;
      return reply.send(
        check('listMessages', 200, {
          messages: matches.map(publicView),
          end: Math.max(matches.length - 1, 0),
          first_page_uri: uri,
          next_page_uri: null,
          page: 0,
          page_size: pageSize,
          previous_page_uri: null,
          start: 0,
          uri,
        }),
      );
    },
  );

  app.get<{ Params: { AccountSid: string; Sid: string } }>('/2010-04-01/Accounts/:AccountSid/Messages/:Sid.json', async (request, reply) => {
    for (const p of options.validator?.request('fetchMessage', { params: request.params, query: {}, body: {} }) ?? []) {
      problems.push(`fetchMessage request: ${p}`);
    }
    if (!authorised(request.headers.authorization, request.params.AccountSid)) {
      return reply.code(401).send(check('fetchMessage', 401, twilioError(401, 20003, 'Authenticate')));
    }
    const message = store.get(request.params.Sid);
    if (!message) {
      return reply.code(404).send(check('fetchMessage', 404, twilioError(404, 20404, `The requested resource ${request.url} was not found`)));
    }
    return reply.send(check('fetchMessage', 200, publicView(message)));
  });

  baseUrl = await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  return {
    baseUrl,
    messages: () => [...store.values()],
    violations: () => [...problems],
    takeViolations: () => problems.splice(0),
    failNext: (count, status) => {
      failures = { count, status };
    },
    callbacksSettled: async () => {
      while (pendingCallbacks.size > 0) await Promise.allSettled([...pendingCallbacks]);
    },
    close: async () => {
      await Promise.allSettled([...pendingCallbacks]);
      await app.close();
    },
  };
}

function publicView(message: StandInMessage): Omit<StandInMessage, 'statusCallback'> {
  const { statusCallback: _omit, ...resource } = message;
  return resource;
}
