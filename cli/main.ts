/**
 * `dunmore`: the command line for operators, ops analysts and CI. Each concern registers its own commands.
 */
import { Command } from 'commander';
import { registerStartCommand } from './start.js';
import { registerComplianceCommands } from './compliance.js';
import { registerTemporalCommands } from './temporal.js';

export function buildProgram(): Command {
  const program = new Command('dunmore')
    .description('Durable accounts-receivable collections on Temporal')
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) });
  registerStartCommand(program);
  registerComplianceCommands(program);
  registerTemporalCommands(program);
  return program;
}
