/**
 * One validated configuration for every Dunmore process, from the environment (and optionally a JSON file
 * named by DUNMORE_CONFIG, whose values the environment overrides). Each bad or missing setting gets its own
 * line naming the variable, the value and the fix; secrets are redacted in the boot summary.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { invoiceTaskQueue } from '../workflows/task-queues.js';

const hostPort = z.string().regex(/^[\w.-]+:\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:7233');
const integer = (min: number, max: number) =>
  z.coerce
    .number({ error: `expected a whole number from ${min} to ${max}` })
    .int(`expected a whole number from ${min} to ${max}`)
    .min(min, `expected at least ${min}`)
    .max(max, `expected at most ${max}`);
const urlWithScheme = (schemes: string[], example: string) =>
  z.string().refine((v) => {
    try {
      return schemes.includes(new URL(v).protocol.replace(':', ''));
    } catch {
      return false;
    }
  }, `expected a ${schemes.join(' or ')} URL, e.g. ${example}`);

export const configSchema = z.object({
  TEMPORAL_ADDRESS: hostPort,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  DUNMORE_TASK_QUEUE: z.string().min(1).default(invoiceTaskQueue),
  DATABASE_URL: urlWithScheme(['postgres', 'postgresql'], 'postgres://user:password@db.example:5432/dunmore'),
  SMTP_URL: urlWithScheme(['smtp', 'smtps'], 'smtp://user:password@mail.example:587'),
  SMTP_FROM: z.string().regex(/^([^<>]+<[^@\s]+@[^@\s]+>|[^@\s]+@[^@\s]+)$/, 'expected an address, e.g. "Acme Receivables <ar@acme.example>"'),
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'expected AC followed by 32 hex digits (Twilio console → Account Info)'),
  TWILIO_AUTH_TOKEN: z.string().min(8, 'expected the account auth token (Twilio console → Account Info)'),
  TWILIO_FROM: z.string().regex(/^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/, 'expected an E.164 number such as +14155550100 or a Messaging Service SID (MG…)'),
  /** Only for a local stand-in; leave unset in production. */
  TWILIO_API_BASE_URL: urlWithScheme(['http', 'https'], 'http://127.0.0.1:4010').optional(),
  /** Public base URL of the API, for Twilio delivery callbacks. */
  PUBLIC_BASE_URL: urlWithScheme(['http', 'https'], 'https://dunmore.acme.example').optional(),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: integer(1, 65_535).default(3000),
  WORKER_MAX_CACHED_WORKFLOWS: integer(0, 1_000_000).optional(),
  WORKER_MAX_CONCURRENT_ACTIVITIES: integer(1, 10_000).optional(),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: integer(2, 10_000).optional(),
  /** Where the worker serves its business metrics (/metrics); the Temporal SDK's own metrics go to the next port. */
  WORKER_METRICS_PORT: integer(1, 65_534).default(9464),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});

export type DunmoreConfig = z.infer<typeof configSchema>;
export type ConfigKey = keyof DunmoreConfig;

const secrets: ConfigKey[] = ['TWILIO_AUTH_TOKEN'];

const exampleFor: Partial<Record<ConfigKey, string>> = {
  TEMPORAL_ADDRESS: 'e.g. TEMPORAL_ADDRESS=127.0.0.1:7233',
  DATABASE_URL: 'e.g. DATABASE_URL=postgres://dunmore:secret@db.example:5432/dunmore',
  SMTP_URL: 'e.g. SMTP_URL=smtp://user:password@mail.example:587',
  SMTP_FROM: 'e.g. SMTP_FROM="Acme Receivables <ar@acme.example>"',
  TWILIO_ACCOUNT_SID: 'from the Twilio console, AC…',
  TWILIO_AUTH_TOKEN: 'from the Twilio console',
  TWILIO_FROM: 'e.g. TWILIO_FROM=+14155550100 or a Messaging Service SID MG…',
};
const urlsWithPasswords: ConfigKey[] = ['DATABASE_URL', 'SMTP_URL'];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/** Validates the keys `needed` by a process (a worker needs no API_PORT; `dunmore start` fills some itself). */
export function loadConfig<K extends ConfigKey>(needed: readonly K[], env: NodeJS.ProcessEnv = process.env): Pick<DunmoreConfig, K> {
  let file: Record<string, unknown> = {};
  if (env.DUNMORE_CONFIG) {
    try {
      file = JSON.parse(readFileSync(env.DUNMORE_CONFIG, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError([`DUNMORE_CONFIG=${env.DUNMORE_CONFIG}: cannot read it as JSON (${(error as Error).message}); fix the file or unset DUNMORE_CONFIG`]);
    }
  }
  const source: Record<string, unknown> = { ...file };
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== '') source[key] = value;
  const shape = Object.fromEntries(needed.map((k) => [k, configSchema.shape[k]])) as Pick<typeof configSchema.shape, K>;
  const parsed = z.object(shape).safeParse(source);
  if (parsed.success) return parsed.data as Pick<DunmoreConfig, K>;
  throw new ConfigError(
    parsed.error.issues.map((issue) => {
      const key = String(issue.path[0]);
      const value = source[key];
      const shown = value === undefined ? 'is not set' : `=${JSON.stringify(secrets.includes(key as ConfigKey) ? '***' : value)}`;
      if (value === undefined) return `${key} is not set: it is required (${exampleFor[key as ConfigKey] ?? 'see the configuration reference in README.md'})`;
      return `${key}${shown}: ${issue.message}`;
    }),
  );
}

/** What a process prints at boot: every setting it uses, secrets and URL passwords hidden. */
export function redactedSummary(config: Partial<DunmoreConfig>): string {
  return Object.entries(config)
    .map(([key, value]) => {
      let shown = String(value);
      if (secrets.includes(key as ConfigKey)) shown = '***';
      else if (urlsWithPasswords.includes(key as ConfigKey)) {
        const url = new URL(shown);
        if (url.password) url.password = '***';
        shown = url.href;
      }
      return `  ${key.padEnd(38)} ${shown}`;
    })
    .join('\n');
}
