/**
 * `dunmore`: the command line for operators, ops analysts and CI. Each concern registers its own commands.
 */
import { Command } from 'commander';
import { registerStartCommand } from './start.js';
import { registerComplianceCommands } from './compliance.js';
import { registerPolicyCommands } from './policy.js';
import { registerArchiveCommands, registerTemporalCommands } from './temporal.js';
import { registerApiCommands } from './api.js';
import { registerWorkerCommand } from './worker.js';
import { registerOperationsCommands } from './operations.js';
import { registerInvoiceCommands } from './invoices.js';

export function buildProgram(): Command {
  const program = new Command('dunmore')
    .description('Durable accounts-receivable collections on Temporal')
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) });
  registerStartCommand(program);
  registerComplianceCommands(program);
  registerPolicyCommands(program);
  registerTemporalCommands(program);
  registerArchiveCommands(program);
  registerApiCommands(program);
  registerWorkerCommand(program);
  registerOperationsCommands(program);
  registerInvoiceCommands(program);
  return program;
}
