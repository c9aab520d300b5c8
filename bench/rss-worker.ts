/**
 * An invoice worker alone in its process, so `workerRssMbPer1kCached` sees only what caching workflows costs.
 * Run by bench/worker-memory.ts with `node --expose-gc --import tsx`; configured by the same environment as
 * test/fixtures/invoice-worker-process.ts plus BUNDLE_PATH (a prebuilt workflow bundle, so this process never
 * runs webpack, whose memory would swamp the measurement) and MAX_CACHED_WORKFLOWS.
 * Answers `{ type: 'measure' }` on its IPC channel with its RSS and the worker's cache size after a full GC.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { createSmtpTransport, smtpEmailSender } from '../activities/email-sender.js';
import { createTwilioClient, twilioSmsSender, type TwilioSettings } from '../activities/sms-sender.js';
import { connectDatabase } from '../db/client.js';
import { plainRenderer } from '../test/harness/invoice-worker.js';
import { createInvoiceWorker } from '../worker/create-worker.js';

export interface RssSample {
  rssBytes: number;
  heapUsedBytes: number;
  cachedWorkflows: number;
  inFlightActivations: number;
}

const env = (key: string): string => {
  const value = process.env[key];
  if (!value) throw new Error(`${key} is required`);
  return value;
};

Runtime.install({ logger: new DefaultLogger('WARN') });
const database = connectDatabase(env('DATABASE_URL'), { max: 4 });
const from = 'Acme Receivables <ar@acme.example>';
const twilio: TwilioSettings = { accountSid: env('TWILIO_ACCOUNT_SID'), authToken: env('TWILIO_AUTH_TOKEN'), from: '+15005550006', apiBaseUrl: env('TWILIO_API_BASE_URL') };
const worker = await createInvoiceWorker({
  connection: await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') }),
  namespace: env('TEMPORAL_NAMESPACE'),
  taskQueue: env('TASK_QUEUE'),
  workflowBundle: { codePath: env('BUNDLE_PATH') },
  onDecision: () => {},
  tuning: { maxCachedWorkflows: Number(env('MAX_CACHED_WORKFLOWS')) },
  activities: createActivities({
    db: database.db,
    render: plainRenderer,
    email: smtpEmailSender(createSmtpTransport({ url: env('SMTP_URL'), from }), from),
    sms: twilioSmsSender(createTwilioClient(twilio), twilio),
  }),
});

const gc = (globalThis as { gc?: () => void }).gc;
process.on('message', (message: { type?: string }) => {
  if (message.type !== 'measure') return;
  // Twice: the first pass can leave objects that only become unreachable through finalizers.
  gc?.();
  gc?.();
  const status = worker.getStatus();
  const sample: RssSample = {
    rssBytes: process.memoryUsage().rss,
    heapUsedBytes: process.memoryUsage().heapUsed,
    cachedWorkflows: status.numCachedWorkflows,
    inFlightActivations: status.numInFlightWorkflowActivations,
  };
  process.send?.(sample);
});
// The parent going away (even by SIGKILL) closes the IPC channel: never outlive it.
process.on('disconnect', () => worker.shutdown());
process.send?.({ type: 'ready' });
await worker.run();
await database.close();
process.exit(0);
