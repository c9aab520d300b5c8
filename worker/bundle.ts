/**
 * How workflow code becomes the sandbox bundle. Sources use NodeNext `.js` specifiers for `.ts` files, which
 * webpack must be told to map back (sdk-typescript#1185).
 */
import path from 'node:path';
import type { BundleOptions } from '@temporalio/worker';
import { projectRoot } from '../embedded/project-root.js';

export const workflowsPath = path.join(projectRoot, 'workflows', 'index.ts');

export const bundlerOptions: Pick<BundleOptions, 'webpackConfigHook'> = {
  webpackConfigHook: (config) => {
    config.resolve = {
      ...config.resolve,
      extensionAlias: { '.js': ['.ts', '.js'] },
    };
    return config;
  },
};
