/**
 * Replays exported workflow histories against the current workflow code: the gate to pass before deploying a
 * workflow change (`dunmore replay <dir>`, and the replay test over test/histories/). A change that alters
 * command order without a patched() guard fails here, before it can fail on a month-old invoice in production.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { bundlerOptions, workflowsPath as defaultWorkflowsPath } from './bundle.js';

export interface ReplayOutcome {
  file: string;
  workflowId: string;
  error?: string;
}

export function historyFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dir, f));
}

export async function replayHistories(
  files: string[],
  workflowsPath: string = defaultWorkflowsPath,
  /** Tests only: bundle the workflows differently (e.g. with a patch forced off, to prove it is needed). */
  bundling: Pick<ReplayWorkerOptions, 'bundlerOptions'> = { bundlerOptions },
): Promise<ReplayOutcome[]> {
  if (files.length === 0) return [];
  const options: ReplayWorkerOptions = {
    workflowsPath,
    ...bundling,
    replayName: 'dunmore-replay',
    // The live decision feed is not called during replay; registering it keeps the worker from warning.
    sinks: { decisions: { record: { fn: () => {}, callDuringReplay: false } } },
  };
  const byWorkflowId = new Map<string, string>();
  const histories = files.map((file) => {
    const workflowId = path.basename(file, '.json');
    byWorkflowId.set(workflowId, file);
    return { workflowId, history: JSON.parse(readFileSync(file, 'utf8')) as unknown };
  });
  const outcomes: ReplayOutcome[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK accepts the JSON export as-is
  for await (const result of Worker.runReplayHistories(options, histories as any)) {
    outcomes.push({
      file: byWorkflowId.get(result.workflowId) ?? result.workflowId,
      workflowId: result.workflowId,
      ...(result.error ? { error: String(result.error.message ?? result.error) } : {}),
    });
  }
  return outcomes;
}
