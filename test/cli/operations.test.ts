/** The operator commands as operators run them: real processes, real servers. */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../harness/database.js';
import { heavyLibraries } from '../../eslint.config.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

async function dunmore(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/dunmore.js', ...args], { cwd: root, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('dunmore replay', () => {
  it('replays the committed histories against this code', async () => {
    const result = await dunmore(['replay', 'test/histories']);
    const committed = readdirSync(path.join(root, 'test/histories')).filter((f) => f.endsWith('.json')).length;
    expect(result.stdout).toContain(`${committed} replayed, 0 failed`);
    expect(result.code).toBe(0);
  });

  it('fails (exit 1) on a history this code cannot replay, naming the file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dunmore-replay-'));
    copyFileSync(path.join(root, 'test/histories/invoice-paid-lifecycle.json'), path.join(dir, 'invoice-paid-lifecycle.json'));
    // A history whose workflow type this code does not define, as after a rename without a migration.
    const foreign = readFileSync(path.join(root, 'test/histories/invoice-paid-lifecycle.json'), 'utf8').replaceAll('"invoiceWorkflow"', '"invoiceWorkflowV0"');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(dir, 'renamed.json'), foreign);
    const result = await dunmore(['replay', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL\s+\S*renamed\.json/);
    expect(result.stdout).toContain('1 replayed, 1 failed');
  });

  it('says how to get histories when the folder has none (exit 2)', async () => {
    const result = await dunmore(['replay', mkdtempSync(path.join(os.tmpdir(), 'dunmore-empty-'))]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('dunmore history export');
  });
});

describe('dunmore bundle', () => {
  it('writes a prebuilt workflow bundle with none of the I/O or heavy libraries in it', async () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'dunmore-bundle-')), 'workflow-bundle.js');
    const result = await dunmore(['bundle', '--out', out]);
    expect(result.code).toBe(0);
    const code = readFileSync(out, 'utf8');
    expect(code).toContain('invoiceWorkflow');
    const banned = heavyLibraries.filter((name) => !name.includes('*')).filter((name) => code.includes(`node_modules/${name}/`));
    expect(banned).toEqual([]);
  });
});

describe('dunmore history export and compliance predial', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('reports an unknown invoice instead of failing obscurely', async () => {
    const result = await dunmore(['history', 'export', 'NO-SUCH-INVOICE'], {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      DATABASE_URL: database.url,
    });
    expect(result.code).toBe(1);
    expect(result.stderr, result.stderr).toMatch(/cannot export invoice NO-SUCH-INVOICE: no invoice "NO-SUCH-INVOICE"/);
  });

  it('answers a pre-dial question only for a known debtor, and needs DATABASE_URL', async () => {
    const missing = await dunmore(['compliance', 'predial', '--debtor', 'D', '--invoice', 'I'], { DATABASE_URL: '' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('DATABASE_URL is not set');
    const unknown = await dunmore(['compliance', 'predial', '--debtor', 'nobody', '--invoice', 'I'], { DATABASE_URL: database.url });
    expect(unknown.code, unknown.stderr).toBe(2);
    expect(unknown.stderr).toMatch(/no debtor "nobody"/);
  });
});
