/**
 * How workflow code becomes the sandbox bundle. Sources use NodeNext `.js` specifiers for `.ts` files, which
 * webpack must be told to map back (sdk-typescript#1185).
 */
import path from 'node:path';
import type { BundleOptions } from '@temporalio/worker';
import { projectRoot } from '../embedded/project-root.js';

export const workflowsPath = path.join(projectRoot, 'workflows', 'index.ts');

export const bundlerOptions: Pick<BundleOptions, 'webpackConfigHook' | 'preloadModules'> = {
  /**
   * Evaluated once per workflow thread instead of once per run, and shared by every run (the SDK freezes their
   * exports). Each invoice run otherwise re-evaluated luxon and the dunning modules, and started with empty
   * caches: a time zone's validity and offsets, a currency's minor-unit exponent, a year's holidays, each built
   * from a fresh Intl object. Only modules whose module scope holds nothing but such caches of pure functions
   * belong here: no per-run state, or runs would see each other's (a replay would then diverge).
   */
  preloadModules: ['luxon', path.join(projectRoot, 'dunning', 'plan.ts'), path.join(projectRoot, 'dunning', 'invoice-state.ts')],
  webpackConfigHook: (config) => {
    config.resolve = {
      ...config.resolve,
      extensionAlias: { '.js': ['.ts', '.js'] },
    };
    return config;
  },
};
