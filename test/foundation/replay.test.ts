import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { bundlerOptions } from '../../worker/bundle.js';
import { historyFiles, replayHistories } from '../../worker/replay.js';
import { connectDevServer, uniqueName } from '../harness/temporal.js';
import { balanceLedger, balanceQuery, paymentSignal } from '../fixtures/harness-workflows.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const committedHistories = fileURLToPath(new URL('../histories', import.meta.url));

describe('replay harness', () => {
  it('replays every committed history under test/histories against the current workflows', async () => {
    const outcomes = await replayHistories(historyFiles(committedHistories));
    expect(outcomes.filter((o) => o.error)).toEqual([]);
  });

  /** The invoice workflows bundled with one patched() call replaced by a constant. */
  const withPatchForced = (patch: string, value: boolean): Parameters<typeof replayHistories>[2] => ({
    bundlerOptions: {
      webpackConfigHook: (config) => {
        const hooked = bundlerOptions.webpackConfigHook!(config);
        hooked.module?.rules?.push({
          test: /invoice-workflow\.ts$/,
          use: [{ loader: fixture('replace-source-loader.cjs'), options: { from: `patched('${patch}')`, to: String(value) } }],
        });
        return hooked;
      },
    },
  });

  it('needs the lean-history patch: without it the lean histories no longer replay, with it forced on the older ones fail', async () => {
    const files = historyFiles(committedHistories);
    const lean = files.filter((f) => path.basename(f).startsWith('lean-'));
    const older = files.filter((f) => !/^(lean|single-marker)-/.test(path.basename(f)));
    expect(lean.length).toBeGreaterThan(0);
    const withoutPatch = await replayHistories(lean, undefined, withPatchForced('lean-history', false));
    expect(withoutPatch.map((o) => o.error ?? 'replayed')).toEqual(lean.map(() => expect.stringMatching(/nondetermin/i)));
    const forcedOn = await replayHistories(older, undefined, withPatchForced('lean-history', true));
    expect(forcedOn.map((o) => o.error ?? 'replayed')).toEqual(older.map(() => expect.stringMatching(/nondetermin/i)));
  });

  it('guards the send-mirror change twice: by its patch, and by the send result recorded in the history', async () => {
    const files = historyFiles(committedHistories);
    const sendMirror = files.filter((f) => path.basename(f).startsWith('lean-send-mirror-'));
    const leanBefore = files.filter((f) => path.basename(f).startsWith('lean-') && !sendMirror.includes(f));
    expect(sendMirror.length).toBeGreaterThan(0);
    // Runs since the patch carry its marker: code without the patch call cannot replay them.
    const withoutPatch = await replayHistories(sendMirror, undefined, withPatchForced('send-mirror', false));
    expect(withoutPatch.map((o) => o.error ?? 'replayed')).toEqual(sendMirror.map(() => expect.stringMatching(/nondetermin/i)));
    // Runs before it replay even with the new path forced on: their recorded send results do not say
    // `mirrored`, so the workflow writes the mirror itself, as it did when they ran.
    const forcedOn = await replayHistories(leanBefore, undefined, withPatchForced('send-mirror', true));
    expect(forcedOn.map((o) => o.error ?? 'replayed')).toEqual(leanBefore.map(() => 'replayed'));
  });

  it('needs the single version marker: runs that recorded it in place of lean-history and send-mirror replay only with it', async () => {
    const files = historyFiles(committedHistories);
    const single = files.filter((f) => path.basename(f).startsWith('single-marker-'));
    expect(single.length).toBeGreaterThan(0);
    const withoutPatch = await replayHistories(single, undefined, withPatchForced('single-version-marker', false));
    expect(withoutPatch.map((o) => o.error ?? 'replayed')).toEqual(single.map(() => expect.stringMatching(/nondetermin/i)));
  });

  describe('on a freshly exported history', () => {
    let env: TestWorkflowEnvironment;
    let historyFile: string;

    beforeAll(async () => {
      env = await connectDevServer();
      const taskQueue = uniqueName('replay');
      const worker = await Worker.create({
        connection: env.nativeConnection,
        namespace: env.namespace,
        taskQueue,
        workflowsPath: fixture('harness-workflows.ts'),
        bundlerOptions,
      });
      const workflowId = uniqueName('ledger');
      await worker.runUntil(async () => {
        const handle = await env.client.workflow.start(balanceLedger, { args: [500], taskQueue, workflowId });
        await handle.query(balanceQuery);
        await handle.signal(paymentSignal, 500);
        await handle.result();
      });
      const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
      historyFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'dunmore-replay-')), `${workflowId}.json`);
      writeFileSync(historyFile, historyToJSON(history));
    });
    afterAll(async () => {
      await env?.teardown();
    });

    it('accepts the code that produced it', async () => {
      const [outcome] = await replayHistories([historyFile], fixture('harness-workflows.ts'));
      expect(outcome?.error).toBeUndefined();
    });

    it('rejects a change in command order that is not guarded by patched()', async () => {
      const [outcome] = await replayHistories([historyFile], fixture('harness-workflows-changed.ts'));
      expect(outcome?.error).toMatch(/nondetermin/i);
    });
  });
});
