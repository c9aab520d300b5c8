/**
 * Operator commands around workflow code and histories:
 *   dunmore history export <invoiceId>   the invoice's full history (from Temporal, or the archive once closed)
 *   dunmore replay <dir>                 replay exported histories against this code: run before deploying
 *   dunmore bundle                       a prebuilt workflow bundle for production workers
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { InvoiceWorkflows } from '../api/services/invoice-workflows.js';
import { connectDatabase } from '../db/client.js';
import { bundlerOptions, workflowsPath } from '../worker/bundle.js';
import { historyFiles, replayHistories } from '../worker/replay.js';
import { ConfigError, loadConfig } from './config.js';

export const defaultBundlePath = path.join('dist', 'workflow-bundle.js');

export function registerOperationsCommands(program: Command): void {
  program
    .command('history')
    .description('Workflow histories')
    .command('export <invoiceId>')
    .description("Write an invoice's full workflow history as JSON (Temporal while it runs, the archive once closed)")
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (invoiceId: string, flags: { out?: string }) => {
      let config;
      try {
        config = loadConfig(['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'DATABASE_URL']);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        process.stderr.write(`${error.message}\n`);
        process.exitCode = 2;
        return;
      }
      const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
      const database = connectDatabase(config.DATABASE_URL, { max: 1 });
      try {
        const { historyJson, source, sha256 } = await new InvoiceWorkflows(new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }), database.db).history(invoiceId);
        if (flags.out) {
          writeFileSync(flags.out, historyJson);
          process.stderr.write(`wrote ${flags.out} (${source}, sha256 ${sha256})\n`);
        } else {
          process.stdout.write(`${historyJson}\n`);
        }
      } catch (error) {
        process.stderr.write(`cannot export invoice ${invoiceId}: ${(error as Error).message}\n`);
        process.exitCode = 1;
      } finally {
        await Promise.allSettled([connection.close(), database.close()]);
      }
    });

  program
    .command('replay <dir>')
    .description('Replay every exported history (*.json) in <dir> against the current workflow code; exit 1 on any nondeterminism')
    .action(async (dir: string) => {
      Runtime.install({ logger: new DefaultLogger('WARN') });
      const files = historyFiles(dir);
      if (files.length === 0) {
        process.stderr.write(`no *.json histories in ${dir}: export some with \`dunmore history export <invoiceId> --out ${dir}/<invoiceId>.json\`\n`);
        process.exitCode = 2;
        return;
      }
      const outcomes = await replayHistories(files);
      for (const o of outcomes) process.stdout.write(`${o.error ? 'FAIL' : 'ok  '}  ${path.relative(process.cwd(), o.file)}${o.error ? `\n      ${o.error}` : ''}\n`);
      const failed = outcomes.filter((o) => o.error).length;
      process.stdout.write(`${outcomes.length - failed} replayed, ${failed} failed\n`);
      if (failed > 0) process.exitCode = 1;
    });

  program
    .command('bundle')
    .description('Build the workflow bundle once, for production workers (`dunmore worker --workflow-bundle <file>`)')
    .option('--out <file>', 'where to write it', defaultBundlePath)
    .action(async (flags: { out: string }) => {
      Runtime.install({ logger: new DefaultLogger('WARN') });
      const { code } = await bundleWorkflowCode({ workflowsPath, ...bundlerOptions, logger: Runtime.instance().logger });
      mkdirSync(path.dirname(flags.out), { recursive: true });
      writeFileSync(flags.out, code);
      process.stdout.write(`wrote ${flags.out} (${(code.length / 1024).toFixed(0)} KiB)\n`);
    });
}
