/**
 * `dunmore start` as a user runs it: a real process tree (node → temporal, postgres). Ctrl-C must leave no
 * process behind; a start after a SIGKILLed one must reap the orphans and reuse the data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import getPort from 'get-port';
import { describe, expect, it } from 'vitest';
import { isAlive, waitForExit } from '../../embedded/supervisor.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Started {
  child: ChildProcess;
  output: () => string;
  childPids: () => number[];
}

async function startDunmore(dataDir: string, ports: number[]): Promise<Started> {
  const [temporalPort, uiPort, pgPort] = ports.map(String);
  const child = spawn(
    process.execPath,
    ['bin/dunmore.js', 'start', '--temporal-port', temporalPort!, '--temporal-ui-port', uiPort!, '--postgres-port', pgPort!],
    { cwd: root, env: { ...process.env, DUNMORE_DATA_DIR: dataDir, TEMPORAL_ADDRESS: '', DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dunmore start not ready after 90 s:\n${output}`)), 90_000);
    const check = (): void => {
      if (output.includes('Dunmore is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dunmore start exited with ${code}:\n${output}`));
    });
  });
  const childPids = (): number[] => {
    const temporal = path.join(dataDir, 'pids', 'temporal.pid');
    const postmaster = path.join(dataDir, 'postgres', 'postmaster.pid');
    return [
      ...(existsSync(temporal) ? [(JSON.parse(readFileSync(temporal, 'utf8')) as { pid: number }).pid] : []),
      ...(existsSync(postmaster) ? [Number(readFileSync(postmaster, 'utf8').split('\n')[0])] : []),
    ];
  };
  return { child, output: () => output, childPids };
}

describe('dunmore start', () => {
  it('runs on embedded defaults, stops everything on Ctrl-C, and reaps orphans of a SIGKILLed run', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dunmore-start-'));
    chmodSync(dataDir, 0o755); // PostgreSQL runs as `postgres` when tests run as root
    const ports = [await getPort(), await getPort(), await getPort()];

    const first = await startDunmore(dataDir, ports);
    expect(first.output()).toMatch(/Temporal UI\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(first.output()).toMatch(/PostgreSQL\s+postgres:\/\/postgres:\*\*\*@127\.0\.0\.1/);
    const firstChildren = first.childPids();
    expect(firstChildren).toHaveLength(2);

    first.child.kill('SIGINT');
    expect(await new Promise((r) => first.child.once('exit', r))).toBe(130); // 128 + SIGINT, as shells expect
    for (const pid of firstChildren) expect(await waitForExit(pid, 10_000)).toBe(true);

    // A second start reuses the data; SIGKILL gives it no chance to stop its children.
    const second = await startDunmore(dataDir, ports);
    expect(second.output()).not.toContain('initdb');
    const orphans = second.childPids();
    second.child.kill('SIGKILL');
    await new Promise((r) => second.child.once('exit', r));
    expect(orphans.every(isAlive)).toBe(true);

    const third = await startDunmore(dataDir, ports);
    for (const pid of orphans) expect(isAlive(pid)).toBe(false);
    const thirdChildren = third.childPids();
    third.child.kill('SIGTERM');
    await new Promise((r) => third.child.once('exit', r));
    for (const pid of thirdChildren) expect(await waitForExit(pid, 10_000)).toBe(true);
  }, 300_000);
});
