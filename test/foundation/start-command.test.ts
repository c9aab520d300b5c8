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
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive, waitForExit } from '../../embedded/supervisor.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Started {
  child: ChildProcess;
  output: () => string;
  childPids: () => number[];
}

async function startDunmore(dataDir: string, ports: number[]): Promise<Started> {
  const [temporalPort, uiPort, pgPort, smtpPort, twilioPort, messagesPort, apiPort] = ports.map(String);
  const child = spawn(
    process.execPath,
    [
      'bin/dunmore.js', 'start', '--temporal-port', temporalPort!, '--temporal-ui-port', uiPort!, '--postgres-port', pgPort!,
      '--smtp-port', smtpPort!, '--twilio-port', twilioPort!, '--messages-port', messagesPort!, '--api-port', apiPort!,
    ],
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
  child.once('exit', () => {});
  spawned.push(child.pid!);
  const childPids = (): number[] => {
    const temporal = path.join(dataDir, 'pids', 'temporal.pid');
    const postmaster = path.join(dataDir, 'postgres', 'postmaster.pid');
    const pids = [
      ...(existsSync(temporal) ? [(JSON.parse(readFileSync(temporal, 'utf8')) as { pid: number }).pid] : []),
      ...(existsSync(postmaster) ? [Number(readFileSync(postmaster, 'utf8').split('\n')[0])] : []),
    ];
    spawned.push(...pids);
    return pids;
  };
  return { child, output: () => output, childPids };
}

/** Resolves when `check` passes, re-checking whenever the process prints (the feed is event-driven). */
function whenOutput(started: Started, check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    const attempt = async (): Promise<void> => {
      if (done || !(await check())) return;
      done = true;
      clearTimeout(timer);
      started.child.stdout?.off('data', listener);
      resolve();
    };
    const listener = (): void => void attempt();
    const timer = setTimeout(() => {
      done = true;
      started.child.stdout?.off('data', listener);
      reject(new Error(`${what} not seen within ${timeoutMs} ms:\n${started.output().slice(-4000)}`));
    }, timeoutMs);
    started.child.stdout?.on('data', listener);
    void attempt();
  });
}

/** Every process a start in this file spawned: killed after the test even if it failed half-way. */
const spawned: number[] = [];
afterAll(() => {
  for (const pid of spawned) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
});

describe('dunmore start', () => {
  it('runs the product on embedded defaults with the demo, stops everything on Ctrl-C, and reaps orphans of a SIGKILLed run', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dunmore-start-'));
    chmodSync(dataDir, 0o755); // PostgreSQL runs as `postgres` when tests run as root
    const ports: number[] = [];
    for (let i = 0; i < 7; i++) ports.push(await getPort());

    const first = await startDunmore(dataDir, ports);
    expect(first.output()).toMatch(/Temporal UI\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(first.output()).toMatch(/API docs\s+http:\/\/127\.0\.0\.1:\d+\/docs/);
    expect(first.output()).toMatch(/PostgreSQL\s+postgres:\/\/postgres:\*\*\*@127\.0\.0\.1/);
    expect(first.output()).toContain('Demo portfolio seeded: 40 debtors, 150 invoices');
    const firstChildren = first.childPids();
    expect(firstChildren).toHaveLength(2);

    // The demo at work: captured email and SMS, and a Regulation F deferral with its citation in the feed.
    const messagesUrl = `http://127.0.0.1:${ports[5]}/messages.json`;
    const captured = async (): Promise<Array<{ channel: string }>> => (await fetch(messagesUrl)).json() as Promise<Array<{ channel: string }>>;
    await whenOutput(first, async () => {
      const messages = await captured();
      return messages.some((m) => m.channel === 'email') && messages.some((m) => m.channel === 'sms') && /deferred .*\[12 CFR 1006\.6\(b\)\(1\)\(i\)\]/.test(first.output());
    }, 120_000, 'captured email and SMS and a Reg F deferral');
    const docs = await fetch(`http://127.0.0.1:${ports[6]}/docs/json`);
    expect(docs.status).toBe(200);

    first.child.kill('SIGINT');
    const firstExit = await new Promise((r) => first.child.once('exit', r));
    expect(firstExit, first.output().slice(-3000)).toBe(130); // 128 + SIGINT, as shells expect
    for (const pid of firstChildren) expect(await waitForExit(pid, 10_000), `child ${pid} of the first start`).toBe(true);

    // A second start reuses the data; SIGKILL gives it no chance to stop its children.
    const second = await startDunmore(dataDir, ports);
    expect(second.output()).not.toContain('initdb');
    expect(second.output()).toContain('Demo portfolio already there (40 debtors): resuming');
    const orphans = second.childPids();
    second.child.kill('SIGKILL');
    await new Promise((r) => second.child.once('exit', r));
    expect(orphans.map(isAlive), 'children of the SIGKILLed start are orphaned').toEqual([true, true]);

    const third = await startDunmore(dataDir, ports);
    for (const pid of orphans) expect(isAlive(pid), `orphan ${pid} reaped by the next start`).toBe(false);
    const thirdChildren = third.childPids();
    third.child.kill('SIGTERM');
    await new Promise((r) => third.child.once('exit', r));
    for (const pid of thirdChildren) expect(await waitForExit(pid, 10_000), `child ${pid} of the third start`).toBe(true);
  }, 300_000);
});
