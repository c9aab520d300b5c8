/**
 * A process whose children are supervised (the test run itself, `dunmore start`) keeps its exit code when it
 * ends by running out of work: a failed test run must fail CI. async-exit-hook alone would exit with 0.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../embedded/project-root.js';

describe('exit code with supervised children', () => {
  it.each([0, 1, 3])('exits with %i after running the shutdown steps', (code) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'test/fixtures/exit-code-process.ts', String(code)], { cwd: projectRoot, encoding: 'utf8', timeout: 60_000 });
    expect(result.stdout).toContain('shutdown step ran');
    expect(result.status).toBe(code);
  });
});
