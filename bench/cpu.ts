/**
 * Where the CPU goes: CPU time used by this process (all its threads: API, worker, activities, SMTP sink, Twilio
 * stand-in, load generator) and by the stack's Temporal server and PostgreSQL, read from /proc (Linux only).
 * The benchmark diffs two snapshots around a timed run to report CPU milliseconds per invoice or workflow.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface CpuSnapshot {
  benchProcess: number;
  temporal: number;
  postgres: number;
}

const ticksPerSecond = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime (+ the reaped children's, for a parent like PostgreSQL's postmaster), in seconds. */
function processSeconds(pid: number, withReapedChildren: boolean): number {
  try {
    // The command name may contain spaces: fields start after the closing parenthesis.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
    return ((utime ?? 0) + (stime ?? 0) + (withReapedChildren ? (cutime ?? 0) + (cstime ?? 0) : 0)) / ticksPerSecond;
  } catch {
    return 0; // exited
  }
}

function childrenOf(parent: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      if (ppid === parent) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** A snapshot for the servers whose pid files are in `pidDir` (embedded/supervisor.ts), or undefined off Linux. */
export function cpuSnapshot(pidDir: string): CpuSnapshot | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  const pidOf = (name: string): number | undefined => {
    try {
      return (JSON.parse(readFileSync(path.join(pidDir, `${name}.pid`), 'utf8')) as { pid: number }).pid;
    } catch {
      return undefined;
    }
  };
  const usage = process.cpuUsage();
  const temporal = pidOf('temporal');
  const postgres = pidOf('postgres');
  return {
    benchProcess: (usage.user + usage.system) / 1e6,
    temporal: temporal ? processSeconds(temporal, true) : 0,
    postgres: postgres ? processSeconds(postgres, true) + childrenOf(postgres).reduce((sum, pid) => sum + processSeconds(pid, false), 0) : 0,
  };
}

/** CPU milliseconds per unit of work between two snapshots. */
export function cpuMsPer(before: CpuSnapshot | undefined, after: CpuSnapshot | undefined, units: number): CpuSnapshot & { total: number } | undefined {
  if (!before || !after || units <= 0) return undefined;
  const per = (key: keyof CpuSnapshot): number => Math.round(((after[key] - before[key]) * 1000 * 10) / units) / 10;
  const result = { benchProcess: per('benchProcess'), temporal: per('temporal'), postgres: per('postgres') };
  return { ...result, total: Math.round((result.benchProcess + result.temporal + result.postgres) * 10) / 10 };
}

/** CPU seconds spent between two snapshots. */
export function cpuSpent(before: CpuSnapshot | undefined, after: CpuSnapshot | undefined): CpuSnapshot | undefined {
  if (!before || !after) return undefined;
  return { benchProcess: after.benchProcess - before.benchProcess, temporal: after.temporal - before.temporal, postgres: after.postgres - before.postgres };
}

export function addCpu(a: CpuSnapshot, b: CpuSnapshot): CpuSnapshot {
  return { benchProcess: a.benchProcess + b.benchProcess, temporal: a.temporal + b.temporal, postgres: a.postgres + b.postgres };
}
