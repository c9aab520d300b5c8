import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactedSummary } from '../../cli/config.js';
import { workerConfigKeys } from '../../cli/worker.js';

const valid = {
  TEMPORAL_ADDRESS: 'temporal.internal:7233',
  DATABASE_URL: 'postgres://dunmore:s3cret@db.internal:5432/dunmore',
  SMTP_URL: 'smtp://mailer:p4ss@mail.internal:587',
  SMTP_FROM: 'Acme Receivables <ar@acme.example>',
  TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'auth-token-value',
  TWILIO_FROM: '+14155550100',
  WORKER_MAX_CACHED_WORKFLOWS: '2000',
};

describe('configuration', () => {
  it('parses a complete environment with defaults and typed tuning', () => {
    const config = loadConfig(workerConfigKeys, valid);
    expect(config).toMatchObject({ TEMPORAL_NAMESPACE: 'default', DUNMORE_TASK_QUEUE: 'dunmore-invoices', WORKER_MAX_CACHED_WORKFLOWS: 2000 });
  });

  it('reports every bad or missing setting on its own line, with the value and the fix', () => {
    const env = { ...valid, TEMPORAL_ADDRESS: 'localhost', TWILIO_FROM: '555-0100', WORKER_MAX_CACHED_WORKFLOWS: 'lots', SMTP_URL: undefined };
    try {
      loadConfig(workerConfigKeys, env);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        'TEMPORAL_ADDRESS="localhost": expected host:port, e.g. 127.0.0.1:7233',
        'SMTP_URL is not set: it is required (e.g. SMTP_URL=smtp://user:password@mail.example:587)',
        'TWILIO_FROM="555-0100": expected an E.164 number such as +14155550100 or a Messaging Service SID (MG…)',
        'WORKER_MAX_CACHED_WORKFLOWS="lots": expected a whole number from 0 to 1000000',
      ]);
    }
  });

  it('never prints a secret: auth tokens and URL passwords are redacted', () => {
    const summary = redactedSummary(loadConfig(workerConfigKeys, valid));
    expect(summary).not.toMatch(/s3cret|p4ss|auth-token-value/);
    expect(summary).toContain('postgres://dunmore:***@db.internal:5432/dunmore');
    expect(summary).toMatch(/TWILIO_AUTH_TOKEN\s+\*\*\*/);
  });

  it('reads an optional JSON file that the environment overrides', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'dunmore-config-')), 'dunmore.json');
    writeFileSync(file, JSON.stringify({ ...valid, TEMPORAL_NAMESPACE: 'from-file', DUNMORE_TASK_QUEUE: 'from-file' }));
    const config = loadConfig(workerConfigKeys, { DUNMORE_CONFIG: file, DUNMORE_TASK_QUEUE: 'from-env' });
    expect(config).toMatchObject({ TEMPORAL_NAMESPACE: 'from-file', DUNMORE_TASK_QUEUE: 'from-env' });
  });
});
