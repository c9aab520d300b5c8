/**
 * Child processes of the embedded defaults (Temporal dev server, Postgres), and the guarantee that none of
 * them outlives us: every child is stopped on normal exit, Ctrl-C, SIGTERM and uncaught errors, and a pid file
 * records (child, owner) so that the next start reaps a child whose owner died by SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import exitHook from 'async-exit-hook';

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (or null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Recent output, for error messages when the process dies early. */
  outputTail(): string;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  /** Run as this user (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
  /** Directory for the pid file used to reap orphans of a previous run. */
  pidDir: string;
  stopSignal?: NodeJS.Signals;
  stopTimeoutMs?: number;
  onOutput?: (line: string) => void;
}

interface PidRecord {
  pid: number;
  ownerPid: number;
  command: string;
}

const running = new Set<ManagedProcess>();
const shutdownSteps: Array<() => Promise<void>> = [];
let hookInstalled = false;

function installExitHook(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  // async-exit-hook waits for this callback before exiting (130 on SIGINT, 143 on SIGTERM, as shells expect),
  // but by default for 10 s only; our ordered shutdown (worker drain, then Temporal up to 10 s, PostgreSQL up
  // to 20 s) may need more on a busy machine, and exiting early would abandon children in their own groups.
  exitHook.forceExitTimeout(90_000);
  exitHook((done) => {
    void shutDown().finally(done);
  });
  // async-exit-hook turns `beforeExit` (the event loop ran dry) into exit code 0, discarding a code set before,
  // e.g. vitest's 1 for failed tests, which CI must see. On that path: stop the children, keep the code.
  exitHook.unhookEvent('beforeExit');
  process.once('beforeExit', () => void shutDown().finally(() => process.exit()));
}

/**
 * Registers work to finish before the children are stopped, e.g. draining the worker so in-flight activities
 * complete while Temporal and PostgreSQL are still up. Steps run last-registered first.
 */
export function onShutdown(step: () => Promise<void>): void {
  installExitHook();
  shutdownSteps.push(step);
}

let shuttingDown: Promise<void> | undefined;

/** Runs the registered steps, then stops every managed child. Idempotent. */
export function shutDown(): Promise<void> {
  shuttingDown ??= (async () => {
    for (const step of shutdownSteps.reverse()) await step().catch(() => {});
    await stopAllManagedProcesses();
  })();
  return shuttingDown;
}

export async function stopAllManagedProcesses(): Promise<void> {
  await Promise.allSettled([...running].map((p) => p.stop()));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

/** Kills the child recorded in a pid file if the process that started it is gone (it was SIGKILLed). */
export async function reapOrphan(pidFile: string): Promise<void> {
  let record: PidRecord;
  try {
    record = JSON.parse(readFileSync(pidFile, 'utf8')) as PidRecord;
  } catch {
    return;
  }
  const orphaned = !isAlive(record.ownerPid) && isAlive(record.pid);
  // A recycled pid is not ours: only kill a process still running the command we started.
  if (orphaned && commandLineOf(record.pid).includes(path.basename(record.command))) {
    process.kill(record.pid, 'SIGTERM');
    if (!(await waitForExit(record.pid, 5000))) {
      process.kill(record.pid, 'SIGKILL');
      await waitForExit(record.pid, 5000);
    }
  }
  if (!isAlive(record.ownerPid) || !isAlive(record.pid)) rmSync(pidFile, { force: true });
}

export async function spawnManaged(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions,
): Promise<ManagedProcess> {
  installExitHook();
  mkdirSync(options.pidDir, { recursive: true });
  const pidFile = path.join(options.pidDir, `${name}.pid`);
  await reapOrphan(pidFile);

  const child: ChildProcess = spawn(command, args, {
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C in the terminal reaches only us, and we stop children in order (the worker
    // drains while Temporal and PostgreSQL are still up). If we are SIGKILLed, the next start reaps them.
    detached: true,
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
    ...(options.gid !== undefined ? { gid: options.gid } : {}),
  });
  if (child.pid === undefined) {
    throw new Error(`could not start ${name}: ${command} did not spawn`);
  }
  const pid = child.pid;
  writeFileSync(pidFile, JSON.stringify({ pid, ownerPid: process.pid, command } satisfies PidRecord));

  const tail: string[] = [];
  const onData = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      options.onOutput?.(line);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running.delete(managed);
      rmSync(pidFile, { force: true });
      resolve(code);
    });
    child.once('error', () => resolve(null));
  });

  let stopping: Promise<void> | undefined;
  const managed: ManagedProcess = {
    name,
    pid,
    exited,
    outputTail: () => tail.join('\n'),
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill(options.stopSignal ?? 'SIGTERM');
        const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), options.stopTimeoutMs ?? 10_000).unref());
        if ((await Promise.race([exited, timeout])) === 'timeout') {
          child.kill('SIGKILL');
          await exited;
        }
      })();
      return stopping;
    },
  };
  running.add(managed);
  return managed;
}
