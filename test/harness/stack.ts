/**
 * The whole embedded stack in one call, for the benchmarks and the chaos tests: a file-backed Temporal dev
 * server, a persistent embedded PostgreSQL (migrated), the SMTP sink and the Twilio stand-in. Unlike the test
 * run's shared servers (global-setup.ts), each stack is private to its owner, so a chaos test can stop and
 * restart Temporal or PostgreSQL without disturbing anyone else: both come back on the same port with their
 * state, as they would after a real outage.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import getPort from 'get-port';
import type { Transporter } from 'nodemailer';
import { createSmtpTransport, smtpEmailSender } from '../../activities/email-sender.js';
import type { EmailSender, SmsSender } from '../../activities/ports.js';
import { createTwilioClient, twilioSmsSender, type TwilioSettings } from '../../activities/sms-sender.js';
import { connectDatabase, type DatabaseHandle } from '../../db/client.js';
import { migrateDatabase } from '../../db/migrate.js';
import { startMailSink, type MailSink } from '../../embedded/mail-sink.js';
import { startEmbeddedPostgres, type RunningPostgres } from '../../embedded/postgres.js';
import { dataDir } from '../../embedded/project-root.js';
import { startTemporalDevServer, type RunningDevServer } from '../../embedded/temporal-dev-server.js';
import { startTwilioStandIn, type TwilioStandIn } from '../../embedded/twilio-stand-in.js';

export const stackSender = 'Acme Receivables <ar@acme.example>';

export interface StackOptions {
  /** Names the pid directory (.data/pids/<name>), so a SIGKILLed earlier run's children are reaped. */
  name: string;
  /** SQLite file for Temporal (default); false runs it in memory. */
  temporalFile?: boolean;
  namespace?: string;
  /** Use this Temporal frontend (host:port) instead of starting one; stop/startTemporal then do nothing. */
  temporalAddress?: string;
}

export interface Stack {
  dir: string;
  /** Where the Temporal and PostgreSQL pid files are (bench/cpu.ts reads them). */
  pidDir: string;
  temporalAddress: string;
  namespace: string;
  databaseUrl: string;
  /** A pool for the owner's own reads and writes (the workers get their own). */
  database: DatabaseHandle;
  mail: MailSink;
  twilio: TwilioStandIn;
  twilioSettings: TwilioSettings;
  email: EmailSender;
  sms: SmsSender;
  /** Environment for a worker in a child process (test/fixtures/invoice-worker-process.ts, bench/rss-worker.ts). */
  workerEnv(taskQueue: string): Record<string, string>;
  stopTemporal(): Promise<void>;
  /** Same port, same SQLite file: every workflow, timer and pending activity is still there. */
  startTemporal(): Promise<void>;
  stopPostgres(): Promise<void>;
  startPostgres(): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const namespace = options.namespace ?? 'default';
  const pidDir = path.join(dataDir(), 'pids', options.name);
  const dir = mkdtempSync(path.join(os.tmpdir(), `dunmore-${options.name}-`));
  // As root, PostgreSQL runs as `postgres`, which must be able to enter the parent of its data directory.
  chmodSync(dir, 0o755);
  const temporalFile = options.temporalFile === false ? undefined : path.join(dir, 'temporal.sqlite');
  const [temporalPort, pgPort] = [await getPort({ host: '127.0.0.1' }), await getPort({ host: '127.0.0.1' })];
  const accountSid = `AC${'3'.repeat(32)}`;
  const authToken = 'stack-auth-token';

  const stops: Array<() => Promise<void>> = [];
  let temporal: RunningDevServer | undefined;
  let pg: RunningPostgres | undefined;
  const startTemporal = async (): Promise<void> => {
    if (options.temporalAddress) return;
    temporal = await startTemporalDevServer({ pidDir, port: temporalPort, namespace, ...(temporalFile ? { dbFile: temporalFile } : {}) });
  };
  const startPostgres = async (): Promise<void> => {
    pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: pgPort, persistent: true, pidDir });
  };
  try {
    await Promise.all([startTemporal(), startPostgres()]);
    stops.push(async () => temporal?.stop(), async () => pg?.stop());
    const database = connectDatabase(pg!.url, { max: 4 });
    stops.unshift(() => database.close());
    await migrateDatabase(database.db);
    const [mail, twilio] = await Promise.all([startMailSink(), startTwilioStandIn({ accountSid, authToken, callbackDelayMs: 5 })]);
    stops.unshift(() => mail.close(), () => twilio.close());
    const transport: Transporter = createSmtpTransport({ url: mail.url, from: stackSender });
    stops.unshift(async () => transport.close());
    const twilioSettings: TwilioSettings = { accountSid, authToken, from: '+15005550006', apiBaseUrl: twilio.baseUrl };
    const databaseUrl = pg!.url;
    const temporalAddress = options.temporalAddress ?? `127.0.0.1:${temporalPort}`;
    return {
      dir,
      pidDir,
      temporalAddress,
      namespace,
      databaseUrl,
      database,
      mail,
      twilio,
      twilioSettings,
      email: smtpEmailSender(transport, stackSender),
      sms: twilioSmsSender(createTwilioClient(twilioSettings), twilioSettings),
      workerEnv: (taskQueue) => ({
        TEMPORAL_ADDRESS: temporalAddress,
        TEMPORAL_NAMESPACE: namespace,
        TASK_QUEUE: taskQueue,
        DATABASE_URL: databaseUrl,
        SMTP_URL: mail.url,
        TWILIO_ACCOUNT_SID: accountSid,
        TWILIO_AUTH_TOKEN: authToken,
        TWILIO_API_BASE_URL: twilio.baseUrl,
      }),
      stopTemporal: async () => temporal?.stop(),
      startTemporal,
      stopPostgres: async () => pg?.stop(),
      startPostgres,
      close: async () => {
        for (const stop of stops) await stop().catch(() => {});
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.allSettled([temporal?.stop(), pg?.stop()]);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
