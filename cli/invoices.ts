/**
 * `dunmore invoices import <file.csv>`: validate a whole CSV file first (a report of row, field and problem),
 * then create its invoices through the same service as `POST /v1/invoices`. By default one invalid row stops
 * everything before anything is written; `--skip-invalid` imports the rest. Re-running is a no-op.
 */
import { statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { SingleBar } from 'cli-progress';
import { Option, type Command } from 'commander';
import { DateTime } from 'luxon';
import { ApiProblem } from '../api/errors.js';
import {
  combineMapping,
  formatRowProblem,
  importColumns,
  importPresets,
  InvoiceImporter,
  isImportColumn,
  type ColumnMapping,
  type ImportColumn,
  type ImportPlan,
  type ImportProgress,
  type ImportResult,
  type RowProblem,
} from '../api/services/invoice-import.js';
import { connectDatabase } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';
import { PolicyCatalog } from '../dunning/catalog/policy-catalog.js';
import { projectRoot } from '../embedded/project-root.js';
import { ConfigError, loadConfig, redactedSummary } from './config.js';

interface ImportFlags {
  preset?: string;
  map?: string[];
  default?: string[];
  ignore?: string[];
  dateFormat?: string;
  asOf?: string;
  skipInvalid?: boolean;
  allOrNothing?: boolean;
  dryRun?: boolean;
  concurrency: string;
  policies: string;
  report?: string;
}

/** Exit codes, also printed by `--help`. */
export const importExitCodes = {
  ok: 0,
  /** The import stopped or some rows were refused while importing; what was imported stays, re-run to finish. */
  incomplete: 1,
  /** Nothing was imported: bad options, configuration, file or header, or invalid rows under --all-or-nothing. */
  rejected: 2,
  /** --skip-invalid: the valid rows were imported, the invalid ones are listed. */
  partial: 3,
} as const;

const exitHelp = `
Exit codes:
  0  every row was imported, was already imported (no-op), or was skipped as settled
  1  the import stopped early (Temporal or PostgreSQL unreachable) or rows were refused while importing;
     invoices already created stay created: re-run the same command to finish
  2  nothing was imported: bad options or configuration, unreadable file or header, or (the default
     --all-or-nothing) at least one invalid or conflicting row; also a --dry-run that found problems
  3  --skip-invalid: the valid rows were imported; the invalid or conflicting rows are listed

Columns (header names, any order): ${Object.keys(importColumns).join(', ')}
  required: ${Object.entries(importColumns).filter(([, s]) => 'required' in s && s.required).map(([c]) => c).join(', ')}
Presets: ${Object.entries(importPresets).map(([name, p]) => `${name} (${p.description})`).join('; ')}

Examples:
  dunmore invoices import invoices.csv --dry-run
  dunmore invoices import erp.csv --map externalId=DocNo,amount=Total --default currency=EUR --ignore Notes
  dunmore invoices import WA_Fn-UseC_-Accounts-Receivable.csv --preset ibm-ar --as-of 2013-06-30
`;

/** An error and its causes on one line: "Failed to start Workflow: … ECONNREFUSED 127.0.0.1:7233". */
function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e !== undefined && parts.length < 4; e = e instanceof Error ? e.cause : undefined) {
    const text = e instanceof Error ? (e.message.split('\n')[0] ?? e.name) : String(e);
    if (text && !parts.includes(text)) parts.push(text);
    if (!(e instanceof Error)) break;
  }
  return parts.join(': ');
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

class UsageError extends Error {}

/** `--map a=b,c=d` (repeatable) and `--default a=b` (repeatable; a value may contain commas). */
function pairs(values: string[], flag: string, splitCommas: boolean): Array<[ImportColumn, string]> {
  const items = splitCommas ? values.flatMap((v) => v.split(',')) : values;
  return items.map((item) => {
    const eq = item.indexOf('=');
    const column = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (eq < 1 || value === '') throw new UsageError(`${flag} ${JSON.stringify(item)}: write <column>=<value>, e.g. ${flag} ${flag === '--map' ? 'externalId=InvoiceNo' : 'currency=USD'}`);
    if (!isImportColumn(column)) throw new UsageError(`${flag} ${JSON.stringify(item)}: ${JSON.stringify(column)} is not an import column; use one of ${Object.keys(importColumns).join(', ')}`);
    return [column, value];
  });
}

function mappingFrom(flags: ImportFlags): ColumnMapping {
  const preset = flags.preset === undefined ? undefined : importPresets[flags.preset];
  if (flags.preset !== undefined && !preset) throw new UsageError(`--preset ${JSON.stringify(flags.preset)} is not a preset; use one of ${Object.keys(importPresets).join(', ')}`);
  if (flags.dateFormat !== undefined && !DateTime.fromISO('2026-07-31').toFormat(flags.dateFormat).match(/\d/)) {
    throw new UsageError(`--date-format ${JSON.stringify(flags.dateFormat)} has no date fields; use Luxon tokens, e.g. yyyy-MM-dd, M/d/yyyy or dd.MM.yyyy`);
  }
  return combineMapping(preset, {
    map: Object.fromEntries(pairs(flags.map ?? [], '--map', true)),
    defaults: Object.fromEntries(pairs(flags.default ?? [], '--default', false)),
    ignore: (flags.ignore ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean),
    ...(flags.dateFormat !== undefined ? { dateFormat: flags.dateFormat } : {}),
  });
}

/** A bar on a terminal; elsewhere (CI, a log file) a plain line every few seconds and at the end. */
function progressReporter(stream: NodeJS.WriteStream): { update(p: ImportProgress): void; stop(): void } {
  if (stream.isTTY) {
    const bar = new SingleBar(
      { stream, format: 'importing [{bar}] {value}/{total} rows | {created} created, {existing} unchanged, {failed} refused | ETA {eta_formatted}', hideCursor: true, etaBuffer: 200 },
    );
    let started = false;
    return {
      update(p) {
        if (!started) {
          bar.start(p.total, 0, { created: 0, existing: 0, failed: 0 });
          started = true;
        }
        bar.update(p.done, { created: p.created, existing: p.existing, failed: p.failed });
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = 0;
  return {
    update(p) {
      const now = Date.now();
      if (p.done !== p.total && (p.done === 0 || now - last < 2000)) return;
      last = now;
      const percent = p.total === 0 ? 100 : Math.floor((100 * p.done) / p.total);
      stream.write(`importing: ${p.done}/${p.total} rows (${percent}%), ${p.created} created, ${p.existing} unchanged, ${p.failed} refused\n`);
    },
    stop() {},
  };
}

const csvCell = (v: string | number | undefined): string => {
  const s = v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

function writeReport(file: string, plan: ImportPlan, result?: ImportResult): void {
  const lines = ['kind,row,field,problem,value'];
  for (const p of plan.problems) lines.push(['invalid', p.row, p.field, p.problem, p.value].map(csvCell).join(','));
  for (const p of result?.failed ?? []) lines.push(['refused', p.row, p.field, p.problem, p.value].map(csvCell).join(','));
  for (const s of plan.skipped) lines.push(['skipped', s.row, 'settledDate', s.reason, s.externalId].map(csvCell).join(','));
  for (const row of plan.noContactRows) lines.push(['warning', row, 'debtorEmail', 'no debtorEmail or debtorPhone: message steps will be skipped', ''].map(csvCell).join(','));
  writeFileSync(file, `${lines.join('\n')}\n`);
}

const shownLimit = 100;

function printPlan(out: NodeJS.WriteStream, plan: ImportPlan): void {
  const existing = plan.valid.filter((r) => r.state === 'existing').length;
  out.write(
    `read ${plan.rows} rows: ${plan.valid.length} valid (${plan.valid.length - existing} new, ${existing} already imported), ${plan.skipped.length} skipped, ${plan.invalidRows} invalid\n`,
  );
  const problems: RowProblem[] = plan.problems;
  for (const p of problems.slice(0, shownLimit)) out.write(`${formatRowProblem(p)}\n`);
  if (problems.length > shownLimit) out.write(`… and ${problems.length - shownLimit} more problems (write them all with --report <file.csv>)\n`);
  for (const s of plan.skipped.slice(0, 10)) out.write(`skipped row ${s.row} (${s.externalId}): ${s.reason}\n`);
  if (plan.skipped.length > 10) out.write(`… and ${plan.skipped.length - 10} more skipped rows\n`);
  if (plan.noContactRows.length > 0) {
    const rows = plan.noContactRows.slice(0, 10).join(', ') + (plan.noContactRows.length > 10 ? ', …' : '');
    out.write(
      `warning: ${plan.noContactRows.length} valid rows have no debtorEmail or debtorPhone (rows ${rows}): they are imported, but their email and SMS steps will be skipped ("no email address") until contact details are added\n`,
    );
  }
}

async function importCommand(file: string, flags: ImportFlags): Promise<number> {
  const { stdout, stderr } = process;
  let mapping: ColumnMapping;
  let asOf: string;
  try {
    if (flags.skipInvalid && flags.allOrNothing) throw new UsageError('--skip-invalid and --all-or-nothing exclude each other; choose one');
    mapping = mappingFrom(flags);
    asOf = flags.asOf ?? DateTime.now().toISODate();
    if (flags.asOf !== undefined && !DateTime.fromFormat(flags.asOf, 'yyyy-MM-dd').isValid) throw new UsageError(`--as-of ${JSON.stringify(flags.asOf)} is not a date; write it like 2013-06-30`);
    if (!/^[1-9]\d{0,2}$/.test(flags.concurrency)) throw new UsageError(`--concurrency ${JSON.stringify(flags.concurrency)}: expected a whole number from 1 to 999`);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    stderr.write(`${error.message}\n`);
    return importExitCodes.rejected;
  }

  try {
    if (!statSync(file).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
  } catch (error) {
    stderr.write(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check the path\n`);
    return importExitCodes.rejected;
  }

  const config = loadConfig(['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'DUNMORE_TASK_QUEUE', 'DATABASE_URL']);
  stderr.write(`dunmore invoices import ${file}${flags.preset ? ` (preset ${flags.preset})` : ''}\n${redactedSummary(config)}\n`);
  const database = connectDatabase(config.DATABASE_URL, { max: Number(flags.concurrency) + 1 });
  // Lazy: validation and --dry-run need no Temporal; the first workflow start connects.
  const connection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
  try {
    await migrateDatabase(database.db);
    const importer = new InvoiceImporter({
      temporal: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }),
      database,
      catalog: new PolicyCatalog({ policiesRoot: path.resolve(flags.policies) }),
      clock: () => new Date(),
      taskQueue: config.DUNMORE_TASK_QUEUE,
    });
    let plan: ImportPlan;
    try {
      plan = await importer.plan(file, { mapping, asOf, asOfExplicit: flags.asOf !== undefined });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
        stderr.write(`${file}: cannot read it (${code}); check the path\n`);
        return importExitCodes.rejected;
      }
      if (error instanceof ApiProblem) {
        stderr.write(`${error.message}; run \`dunmore policy validate\` and fix the catalog, nothing was imported\n`);
        return importExitCodes.rejected;
      }
      throw error;
    }
    if (plan.fileProblems.length > 0) {
      for (const p of plan.fileProblems) stdout.write(`${file}: ${p}\n`);
      stdout.write('nothing imported\n');
      return importExitCodes.rejected;
    }
    printPlan(stdout, plan);
    const anyInvalid = plan.invalidRows > 0;
    if (flags.dryRun || (anyInvalid && !flags.skipInvalid)) {
      if (flags.report) writeReport(flags.report, plan);
      if (flags.dryRun) stdout.write(`dry run: nothing imported${anyInvalid ? '' : '; the file would import cleanly'}\n`);
      else stdout.write(`nothing imported: fix the ${plan.invalidRows} invalid rows and run again, or import the valid rows with --skip-invalid\n`);
      return anyInvalid ? importExitCodes.rejected : importExitCodes.ok;
    }

    const progress = progressReporter(stderr);
    const started = performance.now();
    const result = await importer.run(plan, {
      actor: { id: 'cli', name: `cli:${os.userInfo().username}`, role: 'admin' },
      concurrency: Number(flags.concurrency),
      // Each audit row names the import run and the file row it came from.
      requestIdPrefix: `import-${new Date().toISOString().replace(/[-:.]/g, '')}`,
      onProgress: (p) => progress.update(p),
    });
    progress.stop();
    const seconds = (performance.now() - started) / 1000;
    if (flags.report) writeReport(flags.report, plan, result);
    for (const p of result.failed) stdout.write(`refused: ${formatRowProblem(p)}\n`);
    const rate = seconds > 0 ? Math.round((result.created + result.existing) / seconds) : 0;
    stdout.write(`imported: ${result.created} created, ${result.existing} already imported (unchanged), ${result.failed.length} refused, ${plan.skipped.length} skipped, ${plan.invalidRows} invalid, in ${seconds.toFixed(1)} s (${rate} rows/s)\n`);
    if (result.aborted) {
      stderr.write(`the import stopped: ${describeError(result.aborted)}\nre-run the same command once Temporal and PostgreSQL are reachable: imported rows are not imported twice\n`);
      return importExitCodes.incomplete;
    }
    if (result.failed.length > 0) return importExitCodes.incomplete;
    return anyInvalid ? importExitCodes.partial : importExitCodes.ok;
  } finally {
    await Promise.allSettled([database.close(), connection.close()]);
  }
}

export function registerInvoiceCommands(program: Command): void {
  const invoices = program.command('invoices').description('Invoices in bulk');
  invoices
    .command('import')
    .description('Validate a CSV file of invoices, then create them (idempotent by externalId, as POST /v1/invoices)')
    .argument('<file>', 'CSV file with a header row')
    .addOption(new Option('--preset <name>', 'column mapping for a known export').choices(Object.keys(importPresets)))
    .option('--map <column=fileColumn>', 'read an import column from a differently named file column (repeatable, or comma-separated)', collect)
    .option('--default <column=value>', 'value for an empty cell or a column the file lacks (repeatable)', collect)
    .option('--ignore <fileColumn>', 'file column that is not imported (repeatable, or comma-separated)', collect)
    .option('--date-format <luxon>', 'format of date cells (default yyyy-MM-dd; preset ibm-ar: M/d/yyyy)')
    .option('--as-of <YYYY-MM-DD>', 'rows settled on or before this date are skipped; when given, rows issued after it are skipped too (default: today)')
    .option('--all-or-nothing', 'any invalid row: import nothing, exit 2 (the default)')
    .option('--skip-invalid', 'import the valid rows, report the invalid ones, exit 3')
    .option('--dry-run', 'validate and report only; create nothing')
    .option('--concurrency <n>', 'invoices created at once', '8')
    .option('--policies <dir>', 'policies folder', path.join(projectRoot, 'policies'))
    .option('--report <file.csv>', 'also write every problem, skipped row and warning to this CSV file')
    .addHelpText('after', exitHelp)
    .action(async (file: string, flags: ImportFlags) => {
      try {
        process.exitCode = await importCommand(file, flags);
      } catch (error) {
        if (error instanceof ConfigError) {
          process.stderr.write(`${error.message}\n`);
          process.exitCode = importExitCodes.rejected;
          return;
        }
        // PostgreSQL unreachable, a lost connection…: say what failed; invoices created so far stay created.
        process.stderr.write(`the import failed: ${describeError(error)}\nre-run the same command once the problem is fixed: imported rows are not imported twice\n`);
        process.exitCode = importExitCodes.incomplete;
      }
    });
}
