#!/usr/bin/env node
// The `dunmore` command. Runs the TypeScript sources through tsx, so a clone works without a build step.
import { register } from 'tsx/esm/api';

register();
const { buildProgram } = await import('../cli/main.ts');
await buildProgram().parseAsync(process.argv);
