import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAlive, reapOrphan, spawnManaged, waitForExit } from '../../embedded/supervisor.js';

describe('supervisor', () => {
  it('stops a managed child and removes its pid file', async () => {
    const pidDir = mkdtempSync(path.join(os.tmpdir(), 'dunmore-pids-'));
    const child = await spawnManaged('sleeper', 'sleep', ['600'], { pidDir });
    expect(existsSync(path.join(pidDir, 'sleeper.pid'))).toBe(true);
    await child.stop();
    expect(isAlive(child.pid)).toBe(false);
    expect(existsSync(path.join(pidDir, 'sleeper.pid'))).toBe(false);
  });

  it('reaps a child whose owner died without cleaning up (SIGKILL)', async () => {
    const pidDir = mkdtempSync(path.join(os.tmpdir(), 'dunmore-pids-'));
    const orphan = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
    orphan.unref();
    const deadOwner = spawn('true');
    await new Promise((r) => deadOwner.once('exit', r));
    const pidFile = path.join(pidDir, 'sleeper.pid');
    writeFileSync(pidFile, JSON.stringify({ pid: orphan.pid, ownerPid: deadOwner.pid, command: '/usr/bin/sleep' }));

    await reapOrphan(pidFile);
    expect(await waitForExit(orphan.pid!, 5000)).toBe(true);
    expect(existsSync(pidFile)).toBe(false);
  });

  it('leaves alone a process whose owner is alive, and one that is not running our command', async () => {
    const pidDir = mkdtempSync(path.join(os.tmpdir(), 'dunmore-pids-'));
    const other = spawn('sleep', ['600'], { stdio: 'ignore' });
    try {
      const pidFile = path.join(pidDir, 'x.pid');
      writeFileSync(pidFile, JSON.stringify({ pid: other.pid, ownerPid: process.pid, command: 'sleep' }));
      await reapOrphan(pidFile);
      expect(isAlive(other.pid!)).toBe(true);
      const deadOwner = spawn('true');
      await new Promise((r) => deadOwner.once('exit', r));
      writeFileSync(pidFile, JSON.stringify({ pid: other.pid, ownerPid: deadOwner.pid, command: 'temporal' }));
      await reapOrphan(pidFile);
      expect(isAlive(other.pid!)).toBe(true);
    } finally {
      other.kill('SIGKILL');
    }
  });
});
