import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveTemporalBinary, sdkExecutable } from '../../embedded/temporal-binaries.js';

function executable(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '#!/bin/sh\nexit 0\n');
  chmodSync(file, 0o755);
  return file;
}

describe('resolveTemporalBinary', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'dunmore-bin-'));
  const root = path.join(scratch, 'project');
  const onPath = path.join(scratch, 'path-bin');
  const projectCli = executable(path.join(root, '.tools/py/bin/temporal'));
  const pathCli = executable(path.join(onPath, 'temporal'));
  const envCli = executable(path.join(scratch, 'custom/temporal'));

  it('prefers TEMPORAL_CLI_PATH, then the project-local venv, then PATH', () => {
    expect(resolveTemporalBinary('cli', { TEMPORAL_CLI_PATH: envCli, PATH: onPath }, root)).toEqual({ source: 'env', path: envCli });
    expect(resolveTemporalBinary('cli', { PATH: onPath }, root)).toEqual({ source: 'project', path: projectCli });
    expect(resolveTemporalBinary('cli', { PATH: onPath }, path.join(scratch, 'elsewhere'))).toEqual({ source: 'path', path: pathCli });
  });

  it('falls back to the SDK download when nothing is installed', () => {
    const resolved = resolveTemporalBinary('test-server', { PATH: '' }, path.join(scratch, 'elsewhere'));
    expect(resolved).toEqual({ source: 'download' });
    expect(sdkExecutable(resolved)).toEqual({ type: 'cached-download' });
  });

  it('uses the Maven fallback wrapper when the native test server is absent', () => {
    const javaRoot = path.join(scratch, 'java-project');
    const wrapper = executable(path.join(javaRoot, '.tools/temporal-test-server-java'));
    expect(resolveTemporalBinary('test-server', { PATH: '' }, javaRoot)).toEqual({ source: 'project', path: wrapper });
    expect(sdkExecutable({ source: 'project', path: wrapper })).toEqual({ type: 'existing-path', path: wrapper });
  });

  it('names the variable and the fix when an explicit path is wrong', () => {
    expect(() => resolveTemporalBinary('test-server', { TEMPORAL_TEST_SERVER_PATH: '/nowhere/ts' }, root)).toThrow(
      'TEMPORAL_TEST_SERVER_PATH=/nowhere/ts: no executable file there. Fix the path or unset TEMPORAL_TEST_SERVER_PATH.',
    );
  });
});
