import type { Command } from 'commander';
import { Client, Connection } from '@temporalio/client';
import { archiveScheduleId, ensureArchiveSchedule } from '../embedded/archive-schedule.js';
import { archiveSweep } from '../workflows/archive/archive-sweep.js';
import { invoiceTaskQueue } from '../workflows/task-queues.js';
import { registerSearchAttributes } from '../embedded/search-attribute-registration.js';

export function registerTemporalCommands(program: Command): void {
  const temporal = program.command('temporal').description('Prepare an external Temporal cluster for Dunmore');
  temporal
    .command('setup')
    .description("Register Dunmore's search attributes on the namespace (idempotent)")
    .option('--address <host:port>', 'Temporal frontend', process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233')
    .option('--namespace <name>', 'Temporal namespace', process.env.TEMPORAL_NAMESPACE ?? 'default')
    .option('--task-queue <name>', 'task queue of the invoice workers', process.env.DUNMORE_TASK_QUEUE ?? invoiceTaskQueue)
    .action(async (options: { address: string; namespace: string; taskQueue: string }) => {
      const connection = await Connection.connect({ address: options.address });
      try {
        const { added, existing } = await registerSearchAttributes(connection, options.namespace);
        process.stdout.write(
          `namespace ${options.namespace} at ${options.address}: added ${added.length ? added.join(', ') : 'none'}; ` +
            `already present ${existing.length ? existing.join(', ') : 'none'}\n`,
        );
        const schedule = await ensureArchiveSchedule(new Client({ connection, namespace: options.namespace }), options.taskQueue);
        process.stdout.write(`schedule ${archiveScheduleId} (hourly archive of closed invoices): ${schedule}\n`);
      } finally {
        await connection.close();
      }
    });
}

export function registerArchiveCommands(program: Command): void {
  program
    .command('archive')
    .description('Archive of closed invoices')
    .command('sweep')
    .description('Archive every invoice closed in the last --hours that is not archived yet (the hourly schedule does this too)')
    .option('--address <host:port>', 'Temporal frontend', process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233')
    .option('--namespace <name>', 'Temporal namespace', process.env.TEMPORAL_NAMESPACE ?? 'default')
    .option('--task-queue <name>', 'task queue of the invoice workers', process.env.DUNMORE_TASK_QUEUE ?? invoiceTaskQueue)
    .option('--hours <n>', 'look back this many hours', '72')
    .action(async (options: { address: string; namespace: string; taskQueue: string; hours: string }) => {
      const hours = Number(options.hours);
      if (!Number.isFinite(hours) || hours <= 0) {
        process.stderr.write(`--hours ${JSON.stringify(options.hours)}: expected a positive number of hours, e.g. 72\n`);
        process.exitCode = 2;
        return;
      }
      const connection = await Connection.connect({ address: options.address });
      try {
        const client = new Client({ connection, namespace: options.namespace });
        // Runs as a workflow on the workers, which hold the database and Temporal clients the archive needs.
        const result = await client.workflow.execute(archiveSweep, { taskQueue: options.taskQueue, workflowId: `archive-sweep-${Date.now()}`, args: [{ closedWithinHours: hours }] });
        process.stdout.write(`examined ${result.examined}, archived ${result.archived.length}, already archived ${result.alreadyArchived}, failed ${result.failed.length}\n`);
        for (const f of result.failed) process.stdout.write(`  ${f.invoiceId}: ${f.error}\n`);
        if (result.failed.length > 0) process.exitCode = 1;
      } finally {
        await connection.close();
      }
    });
}
