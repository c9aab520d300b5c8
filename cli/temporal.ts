import type { Command } from 'commander';
import { Connection } from '@temporalio/client';
import { registerSearchAttributes } from '../embedded/search-attribute-registration.js';

export function registerTemporalCommands(program: Command): void {
  const temporal = program.command('temporal').description('Prepare an external Temporal cluster for Dunmore');
  temporal
    .command('setup')
    .description("Register Dunmore's search attributes on the namespace (idempotent)")
    .option('--address <host:port>', 'Temporal frontend', process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233')
    .option('--namespace <name>', 'Temporal namespace', process.env.TEMPORAL_NAMESPACE ?? 'default')
    .action(async (options: { address: string; namespace: string }) => {
      const connection = await Connection.connect({ address: options.address });
      try {
        const { added, existing } = await registerSearchAttributes(connection, options.namespace);
        process.stdout.write(
          `namespace ${options.namespace} at ${options.address}: added ${added.length ? added.join(', ') : 'none'}; ` +
            `already present ${existing.length ? existing.join(', ') : 'none'}\n`,
        );
      } finally {
        await connection.close();
      }
    });
}
