/** The stand-in, driven by the real `twilio` SDK and checked against Twilio's OpenAPI spec. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import formbody from '@fastify/formbody';
import twilio from 'twilio';
import { startTwilioStandIn, type TwilioStandIn } from '../../embedded/twilio-stand-in.js';
import { twilioOpenApiValidator } from '../harness/twilio-openapi.js';

const accountSid = `AC${'1'.repeat(32)}`;
const authToken = 'stand-in-token';

describe('Twilio stand-in', () => {
  let standIn: TwilioStandIn;
  let client: ReturnType<typeof twilio>;
  const callbacks: Array<{ params: Record<string, string>; valid: boolean }> = [];
  const receiver = Fastify();

  beforeAll(async () => {
    standIn = await startTwilioStandIn({
      accountSid,
      authToken,
      validator: twilioOpenApiValidator(),
      deliveryOutcome: (to) => (to.endsWith('0000') ? 'undelivered' : 'delivered'),
    });
    await receiver.register(formbody);
    receiver.post<{ Body: Record<string, string> }>('/status', async (request) => {
      const url = `http://127.0.0.1:${(receiver.server.address() as { port: number }).port}/status`;
      callbacks.push({ params: request.body, valid: twilio.validateRequest(authToken, String(request.headers['x-twilio-signature']), url, request.body) });
      return {};
    });
    await receiver.listen({ host: '127.0.0.1', port: 0 });
    client = twilio(accountSid, authToken);
    client.api.baseUrl = standIn.baseUrl;
  });
  afterAll(async () => {
    await standIn?.close();
    await receiver.close();
  });

  it('accepts a message from the SDK and answers with a spec-conformant Message resource', async () => {
    const port = (receiver.server.address() as { port: number }).port;
    const message = await client.messages.create({
      to: '+14155550123',
      from: '+14155559999',
      body: 'Invoice INV-1 is due today.',
      statusCallback: `http://127.0.0.1:${port}/status`,
    });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message.status).toBe('queued');
    expect(message.numSegments).toBe('1');
    await standIn.callbacksSettled();
    expect(callbacks.filter((c) => c.params.MessageSid === message.sid).map((c) => [c.params.MessageStatus, c.valid])).toEqual([
      ['sent', true],
      ['delivered', true],
    ]);
    const fetched = await client.messages(message.sid).fetch();
    expect(fetched.status).toBe('delivered');
    expect(standIn.violations()).toEqual([]);
  });

  it('reports undelivered messages through the status callback', async () => {
    const port = (receiver.server.address() as { port: number }).port;
    const message = await client.messages.create({ to: '+14155550000', from: '+14155559999', body: 'x', statusCallback: `http://127.0.0.1:${port}/status` });
    await standIn.callbacksSettled();
    expect(callbacks.filter((c) => c.params.MessageSid === message.sid).map((c) => [c.params.MessageStatus, c.params.ErrorCode])).toEqual([
      ['sent', undefined],
      ['undelivered', '30003'],
    ]);
  });

  it('answers invalid requests and bad credentials the way Twilio does', async () => {
    await expect(client.messages.create({ to: '555', from: '+14155559999', body: 'x' })).rejects.toMatchObject({ status: 400, code: 21211 });
    expect(standIn.takeViolations()).toEqual(['createMessage request: form /To must match format "phone-number" {"format":"phone-number"}']);
    const wrong = twilio(accountSid, 'wrong-token');
    wrong.api.baseUrl = standIn.baseUrl;
    await expect(wrong.messages.create({ to: '+14155550123', from: '+14155559999', body: 'x' })).rejects.toMatchObject({ status: 401, code: 20003 });
  });

  it('injects 429 and 500 faults on demand', async () => {
    standIn.failNext(1, 429);
    await expect(client.messages.create({ to: '+14155550123', from: '+14155559999', body: 'x' })).rejects.toMatchObject({ status: 429 });
    standIn.failNext(1, 500);
    await expect(client.messages.create({ to: '+14155550123', from: '+14155559999', body: 'x' })).rejects.toMatchObject({ status: 500 });
    await expect(client.messages.create({ to: '+14155550123', from: '+14155559999', body: 'x' })).resolves.toMatchObject({ status: 'queued' });
  });

  it('lists messages by recipient, as reconciliation after a crash needs', async () => {
    const listed = await client.messages.list({ to: '+14155550123', limit: 20 });
    expect(listed.length).toBeGreaterThanOrEqual(2);
    expect(listed.every((m) => m.to === '+14155550123')).toBe(true);
    expect(standIn.violations()).toEqual([]);
  });

  it('flags requests the spec does not allow', () => {
    const validator = twilioOpenApiValidator();
    expect(validator.request('createMessage', { params: { AccountSid: 'nope' }, query: {}, body: { To: '+14155550123', Bogus: 'x' } })).toEqual(
      expect.arrayContaining([expect.stringMatching(/path parameter AccountSid/), 'unknown form field Bogus']),
    );
    expect(validator.response('fetchMessage', 200, { sid: 42 })).not.toEqual([]);
  });
});
