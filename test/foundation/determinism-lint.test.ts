import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const cwd = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd });

async function ruleHits(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the determinism lint rule for workflow code', () => {
  it.each([
    ["import { readFileSync } from 'node:fs';", 'no-restricted-imports: .*Node built-ins'],
    ["import crypto from 'crypto';", 'no-restricted-imports: .*Node built-ins'],
    ["import { connectDatabase } from '../db/client.js';", 'no-restricted-imports: .*I/O shell'],
    ["import { createActivities } from '../activities/index.js';", 'no-restricted-imports: .*I/O shell'],
    ["import nodemailer from 'nodemailer';", 'no-restricted-imports: .*Not in the workflow bundle'],
    ["import { z } from 'zod';", 'no-restricted-imports: .*Not in the workflow bundle'],
    ["import { Client } from '@temporalio/client';", 'no-restricted-imports: .*Not in the workflow bundle'],
    ['export const region = process.env.REGION;', 'no-restricted-globals: .*process environment'],
  ])('rejects %s', async (code, expected) => {
    const hits = await ruleHits('workflows/example.ts', code);
    expect(hits.join('\n')).toMatch(new RegExp(expected));
  });

  it('accepts the workflow API, pure modules and type-only imports from the shell', async () => {
    const code = [
      "import { sleep } from '@temporalio/workflow';",
      "import type { Database } from '../db/client.js';",
      "import { DateTime } from 'luxon';",
      'export type Db = Database;',
      'export async function wait(): Promise<string> { await sleep(1); return DateTime.utc().toISO() ?? ""; }',
    ].join('\n');
    expect(await ruleHits('workflows/example.ts', code)).toEqual([]);
  });

  it('keeps the pure core (compliance/) free of I/O too', async () => {
    const hits = await ruleHits('compliance/example.ts', "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;");
    expect(hits.join('\n')).toMatch(/Node built-ins/);
  });
});
