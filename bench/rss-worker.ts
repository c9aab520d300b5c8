/**
 * An invoice worker alone in its process, so `workerRssMbPer1kCached` sees only what caching workflows costs.
 * Run by bench/worker-memory.ts with `node --expose-gc --import tsx`; configured by the environment of
 * test/fixtures/env-invoice-worker.ts plus BUNDLE_PATH (a prebuilt workflow bundle, so this process never runs
 * webpack, whose memory would swamp the measurement) and MAX_CACHED_WORKFLOWS.
 * Answers `{ type: 'measure' }` on its IPC channel with its RSS and the worker's cache size after a full GC.
 */
import { invoiceWorkerFromEnv, requiredEnv } from '../test/fixtures/env-invoice-worker.js';

export interface RssSample {
  rssBytes: number;
  heapUsedBytes: number;
  cachedWorkflows: number;
  inFlightActivations: number;
}

const { worker, database } = await invoiceWorkerFromEnv({
  workflowBundle: { codePath: requiredEnv('BUNDLE_PATH') },
  onDecision: () => {},
  tuning: { maxCachedWorkflows: Number(requiredEnv('MAX_CACHED_WORKFLOWS')) },
  connections: 4,
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
