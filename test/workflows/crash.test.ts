/**
 * The worker is SIGKILLed while an email is in flight (the SMTP server has the message but has not yet
 * answered 250): the attempt is lost, Temporal retries it on another worker, and exactly one email arrives.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { debtors, messages } from '../../db/schema.js';
import { invoiceWorkflow } from '../../workflows/invoice/invoice-workflow.js';
import { invoiceWorkflowId, recordPaymentUpdate, timelineQuery } from '../../workflows/invoice/messages.js';
import { lifecyclePolicy } from '../fixtures/compiled-policies.js';
import { startTestChannels, type TestChannels } from '../harness/channels.js';
import { createTestDatabase } from '../harness/database.js';
import { connectDevServer, uniqueName } from '../harness/temporal.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/invoice-worker-process.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('worker ready')) resolve(child);
    });
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}:\n${output}`)));
  });
}

/** A fixed-offset zone where it is about noon now, so an all-day send window is open whatever the hour. */
function zoneAtNoon(): string {
  const shift = 12 - new Date().getUTCHours();
  return shift >= 0 ? `Etc/GMT-${shift}` : `Etc/GMT+${-shift}`;
}

describe('a worker killed in the middle of a send', () => {
  let env: TestWorkflowEnvironment;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let channels: TestChannels;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    [env, database, channels] = await Promise.all([connectDevServer(), createTestDatabase(), startTestChannels()]);
  });
  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await Promise.all([env?.teardown(), database?.close(), channels?.close()]);
  });

  it('delivers exactly one message', async () => {
    const taskQueue = uniqueName('crash');
    const processEnv = {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      TASK_QUEUE: taskQueue,
      DATABASE_URL: database.url,
      SMTP_URL: channels.mail.url,
      TWILIO_ACCOUNT_SID: channels.twilioSettings.accountSid,
      TWILIO_AUTH_TOKEN: channels.twilioSettings.authToken,
      TWILIO_API_BASE_URL: channels.twilio.baseUrl,
    };
    const zone = zoneAtNoon();
    const today = DateTime.now().setZone(zone).toISODate()!;
    const id = uniqueName('INV');
    await database.db.insert(debtors).values({ id: `debtor-${id}`, name: 'Initech', timeZone: zone, segment: 'smb' });
    const policy = lifecyclePolicy({
      sendWindow: { from: '00:00', to: '23:59', businessDaysOnly: false, calendar: { id: 'none', weekend: [], holidays: [] }, jitterMinutes: 0 },
      steps: [{ id: 'due-today', at: { anchor: 'due', offset: { amount: 0, unit: 'd' } }, action: 'email', template: 'due-today', tone: 'neutral', requiresApproval: false, when: { noActivePromise: true, notDisputed: true }, final: false }],
    });

    // The SMTP server takes the message but holds its reply: the worker dies before it learns of success.
    channels.mail.holdDataReply(3_000);
    const dataArrived = channels.mail.dataReceived();
    workers.push(await startWorkerProcess(processEnv));
    const handle = await env.client.workflow.start(invoiceWorkflow, {
      taskQueue,
      workflowId: invoiceWorkflowId(id),
      args: [{
        invoice: { invoiceId: id, number: id, currency: 'USD', amountMinor: 99_00, issueDate: today, dueDate: today, debtor: { id: `debtor-${id}`, name: 'Initech', email: 'ap@initech.example', locale: 'en-US', timeZone: zone } },
        policy: { compiled: policy, source: 'test' },
      }],
    });
    await dataArrived;
    workers[0]!.kill('SIGKILL');
    channels.mail.holdDataReply(0);

    workers.push(await startWorkerProcess(processEnv));
    const mail = await channels.mail.waitFor((m) => m.subject === `[due-today] Invoice ${id}`, 90_000);
    // The email lands before the activity reports back; wait for the workflow to record the send.
    await vi.waitFor(async () => expect((await handle.query(timelineQuery)).filter((e) => e.kind === 'sent').map((e) => e.stepId)).toEqual(['due-today']), { timeout: 30_000, interval: 250 });
    expect(channels.mail.messages().filter((m) => m.subject === `[due-today] Invoice ${id}`)).toHaveLength(1);
    const rows = await database.db.select().from(messages).where(eq(messages.invoiceExternalId, id));
    expect(rows.map((r) => [r.status, r.providerMessageId])).toEqual([['sent', mail.messageId]]);
    await handle.executeUpdate(recordPaymentUpdate, { args: [{ reference: 'P', amountMinor: 99_00 }] });
    await handle.result();
  }, 180_000);
});
