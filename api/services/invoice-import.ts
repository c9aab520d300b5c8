/**
 * Importing invoices from a CSV file, in two phases. First the whole file is read and every row validated
 * exactly as `POST /v1/invoices` would validate it (the same TypeBox schema and strict Ajv options, the same
 * semantic checks, the same policy routing) and compared with invoices that already exist; nothing is written.
 * Then the valid rows go, one by one, through the API's own InvoiceCreator, so an imported invoice is the very
 * same thing as one created over HTTP and importing the same file again replays instead of creating.
 */
import { createReadStream } from 'node:fs';
import { inArray } from 'drizzle-orm';
import { CsvError, parse } from 'csv-parse';
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { DateTime } from 'luxon';
import { canonicalJson } from '../../dunning/catalog/policy-catalog.js';
import { formatAmountPlain, isIsoCurrency, toMinorUnits } from '../../dunning/money.js';
import { invoiceRequests } from '../../db/api-schema.js';
import type { AppDeps } from '../deps.js';
import { ApiProblem, type FieldProblem } from '../errors.js';
import { fieldProblems, unstorableStrings } from '../plugins/validation.js';
import { CreateInvoiceBody } from '../routes/invoice-schemas.js';
import type { Actor } from './audit.js';
import { differingFields, InvoiceCreator, semanticProblems, type CreateInvoiceInput } from './invoice-create.js';
import { sha256 } from './invoice-workflows.js';

// ajv-formats is CommonJS with a default export; under NodeNext its namespace is what arrives.
const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;

interface ColumnSpec {
  /** Where the value goes in the `POST /v1/invoices` body; absent for columns only the import reads. */
  path?: string;
  required?: boolean;
  description: string;
}

/** The import's own CSV format: one row per invoice, these header names (any order). */
export const importColumns = {
  externalId: { path: 'externalId', required: true, description: 'your invoice id; names the workflow invoice-<externalId> (letters, digits, . _ : -)' },
  number: { path: 'number', description: 'invoice number shown to the debtor (defaults to externalId)' },
  debtorId: { path: 'debtor.id', required: true, description: 'your customer id' },
  debtorName: { path: 'debtor.name', required: true, description: 'customer name' },
  debtorContactName: { path: 'debtor.contactName', description: 'person addressed in messages' },
  debtorEmail: { path: 'debtor.email', description: 'email address for email steps' },
  debtorPhone: { path: 'debtor.phone', description: 'E.164 mobile number for SMS steps, e.g. +14155550142' },
  debtorTimeZone: { path: 'debtor.timeZone', required: true, description: 'IANA zone, e.g. America/New_York' },
  debtorLocale: { path: 'debtor.locale', description: 'BCP 47, e.g. en-US (defaults to en-US)' },
  debtorSegment: { path: 'debtor.segment', description: 'routing segment, e.g. smb, midmarket, enterprise, consumer' },
  debtorCountry: { path: 'debtor.country', description: 'ISO 3166-1 alpha-2, e.g. US' },
  currency: { path: 'currency', required: true, description: 'ISO 4217 code, e.g. USD' },
  amount: { path: 'amountMinor', required: true, description: 'amount due in major units, e.g. 1250.00 (converted to minor units for the currency)' },
  issueDate: { path: 'issueDate', required: true, description: 'date in --date-format (default yyyy-MM-dd)' },
  dueDate: { path: 'dueDate', required: true, description: 'date in --date-format (default yyyy-MM-dd)' },
  paymentUrl: { path: 'paymentUrl', description: 'http(s) link for paying online' },
  policy: { path: 'policy', description: 'id@version to bypass the router, e.g. b2b-net30-standard@3' },
  settledDate: { description: 'when the invoice was paid: a row settled on or before --as-of is skipped, not imported' },
} as const satisfies Record<string, ColumnSpec>;

export type ImportColumn = keyof typeof importColumns;
const columnNames = Object.keys(importColumns) as ImportColumn[];
export const isImportColumn = (name: string): name is ImportColumn => (columnNames as string[]).includes(name);

/** How a file's columns become the import's columns. */
export interface ColumnMapping {
  /** Import column → the file's column holding it. Unmapped import columns are looked up by their own name. */
  map: Partial<Record<ImportColumn, string>>;
  /** Value used when a cell is empty or the file has no such column. */
  defaults: Partial<Record<ImportColumn, string>>;
  /** File columns deliberately not imported (any other unknown column is an error: it is probably misspelt). */
  ignore: string[];
  /** Luxon format of every date cell. */
  dateFormat: string;
}

export interface ImportPreset extends ColumnMapping {
  description: string;
}

export const defaultMapping: ColumnMapping = { map: {}, defaults: {}, ignore: [], dateFormat: 'yyyy-MM-dd' };

export const importPresets: Record<string, ImportPreset> = {
  'ibm-ar': {
    description: 'IBM Watson Analytics "Accounts Receivable" sample (WA_Fn-UseC_-Accounts-Receivable.csv)',
    map: {
      externalId: 'invoiceNumber',
      number: 'invoiceNumber',
      debtorId: 'customerID',
      // The sample has no customer names: the id is the only name there is.
      debtorName: 'customerID',
      amount: 'InvoiceAmount',
      issueDate: 'InvoiceDate',
      dueDate: 'DueDate',
      settledDate: 'SettledDate',
    },
    // No currency, zone or segment in the sample: net-30 B2B invoices in dollars, so route them as mid-market.
    defaults: { currency: 'USD', debtorTimeZone: 'America/New_York', debtorSegment: 'midmarket' },
    // countryCode holds 391/406/770/818/897, not ISO 3166 codes; the rest are outcomes or paper-billing facts.
    ignore: ['countryCode', 'PaperlessDate', 'Disputed', 'PaperlessBill', 'DaysToSettle', 'DaysLate'],
    dateFormat: 'M/d/yyyy',
  },
};

/** The preset (if any) with the caller's mapping on top: the caller's entries win. */
export function combineMapping(preset: ColumnMapping | undefined, overrides: Partial<ColumnMapping>): ColumnMapping {
  const base = preset ?? defaultMapping;
  return {
    map: { ...base.map, ...overrides.map },
    defaults: { ...base.defaults, ...overrides.defaults },
    ignore: [...new Set([...base.ignore, ...(overrides.ignore ?? [])])],
    dateFormat: overrides.dateFormat ?? base.dateFormat,
  };
}

/** One finding: `row N, field X: problem (value)`. Row is the file's line number (the header is row 1). */
export interface RowProblem {
  row: number;
  field: string;
  problem: string;
  value?: string;
}

export const formatRowProblem = (p: RowProblem): string => `row ${p.row}, field ${p.field}: ${p.problem}${p.value !== undefined ? ` (${JSON.stringify(p.value)})` : ''}`;

export interface ValidRow {
  row: number;
  body: CreateInvoiceInput;
  /** `existing` when the same body was imported or posted before: importing it again replays. */
  state: 'new' | 'existing';
}

export interface SkippedRow {
  row: number;
  externalId: string;
  reason: string;
}

export interface ImportPlan {
  /** Problems with the file as a whole (unreadable, bad header): nothing can be imported. */
  fileProblems: string[];
  /** Data rows read. */
  rows: number;
  valid: ValidRow[];
  /** Every problem of every invalid row, in row order. */
  problems: RowProblem[];
  invalidRows: number;
  skipped: SkippedRow[];
  /** Valid rows with neither email nor phone: imported, but every message step will be skipped. */
  noContactRows: number[];
}

export interface PlanOptions {
  mapping: ColumnMapping;
  /** Rows settled on or before this date are skipped. */
  asOf: string;
  /** When the as-of date was chosen (a historical snapshot), rows issued after it are skipped too. */
  asOfExplicit: boolean;
}

export interface ImportProgress {
  done: number;
  total: number;
  created: number;
  existing: number;
  failed: number;
}

export interface ImportResult {
  created: number;
  existing: number;
  /** Rows the service refused while importing (e.g. a concurrent change under the same externalId). */
  failed: RowProblem[];
  /** An unexpected error (Temporal or PostgreSQL unreachable) that stopped the import; re-running resumes. */
  aborted?: Error;
}

export interface RunOptions {
  actor: Actor;
  concurrency?: number;
  /** Prefix of each row's audit request id, e.g. `import-20260601T120000Z`; `:row-N` is appended. */
  requestIdPrefix?: string;
  onProgress?: (progress: ImportProgress) => void;
}

const ajv = new Ajv({ allErrors: true, removeAdditional: false, useDefaults: true, coerceTypes: false, strict: false, allowUnionTypes: true });
addFormats(ajv);
// The API's body validator uses the same Ajv options on the same schema, so a row passes here exactly when the
// same body would pass `POST /v1/invoices`.
const validateBody = ajv.compile(CreateInvoiceBody);

const columnByPath = new Map<string, ImportColumn>(
  columnNames.flatMap((c) => {
    const spec: ColumnSpec = importColumns[c];
    return spec.path ? [[spec.path, c] as [string, ImportColumn]] : [];
  }),
);

interface Header {
  names: string[];
  /** Import column → index of the file column holding it. */
  index: Map<ImportColumn, number>;
}

function resolveHeader(names: string[], mapping: ColumnMapping): { header?: Header; problems: string[] } {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    if (seen.has(n)) problems.push(`header: column ${JSON.stringify(n)} appears twice (columns ${(seen.get(n) ?? 0) + 1} and ${i + 1}); rename or remove one`);
    else seen.set(n, i);
  });
  const index = new Map<ImportColumn, number>();
  const used = new Set<string>();
  for (const column of columnNames) {
    const source = mapping.map[column] ?? column;
    const at = seen.get(source);
    if (at !== undefined) {
      index.set(column, at);
      used.add(source);
    } else if (mapping.map[column] !== undefined) {
      problems.push(`header: --map ${column}=${source} names a column the file does not have; the file's columns are ${names.map((n) => JSON.stringify(n)).join(', ')}`);
    } else if ((importColumns[column] as ColumnSpec).required && mapping.defaults[column] === undefined) {
      problems.push(`header: required column ${column} is missing (${importColumns[column].description}); add it, map one of yours with --map ${column}=<your column>, or give --default ${column}=<value>`);
    }
  }
  for (const name of names) {
    if (used.has(name) || mapping.ignore.includes(name)) continue;
    problems.push(`header: column ${JSON.stringify(name)} is not an import column; rename it to one of ${columnNames.join(', ')}, map it with --map <column>=${name}, or skip it with --ignore ${name}`);
  }
  return problems.length > 0 ? { problems } : { header: { names, index }, problems };
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[parts[parts.length - 1] as string] = value;
}

type RowOutcome = { kind: 'valid'; body: CreateInvoiceInput } | { kind: 'invalid'; problems: RowProblem[] } | { kind: 'skipped'; externalId: string; reason: string };

export class InvoiceImporter {
  readonly creator: InvoiceCreator;

  constructor(private readonly deps: AppDeps) {
    this.creator = new InvoiceCreator(deps);
  }

  /** Reads and validates the whole file and compares it with existing invoices; writes nothing. */
  async plan(file: string, options: PlanOptions): Promise<ImportPlan> {
    const plan: ImportPlan = { fileProblems: [], rows: 0, valid: [], problems: [], invalidRows: 0, skipped: [], noContactRows: [] };
    const parser = parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true });
    // pipe() does not forward a read error (missing file, a directory): without this the iteration never ends.
    createReadStream(file)
      .on('error', (error) => parser.destroy(error))
      .pipe(parser);
    let header: Header | undefined;
    const firstRowOf = new Map<string, number>();
    let previousEnd = 0;
    let previousEmpty = 0;
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number; empty_lines: number } }>) {
        // A quoted cell may span lines: report the line the record starts on, as an editor shows it.
        const row = previousEnd + 1 + (info.empty_lines - previousEmpty);
        previousEnd = info.lines;
        previousEmpty = info.empty_lines;
        if (!header) {
          const resolved = resolveHeader(record.map((n) => n.trim()), options.mapping);
          if (!resolved.header) {
            plan.fileProblems.push(...resolved.problems);
            parser.destroy();
            return plan;
          }
          header = resolved.header;
          continue;
        }
        plan.rows++;
        const outcome = this.checkRow(record, row, header, options);
        if (outcome.kind === 'skipped') {
          plan.skipped.push({ row, externalId: outcome.externalId, reason: outcome.reason });
          continue;
        }
        if (outcome.kind === 'invalid') {
          plan.problems.push(...outcome.problems);
          plan.invalidRows++;
          continue;
        }
        const first = firstRowOf.get(outcome.body.externalId);
        if (first !== undefined) {
          plan.problems.push({ row, field: this.label(header, options.mapping, 'externalId'), problem: `is also on row ${first}; each invoice may appear once per file`, value: outcome.body.externalId });
          plan.invalidRows++;
          continue;
        }
        firstRowOf.set(outcome.body.externalId, row);
        plan.valid.push({ row, body: outcome.body, state: 'new' });
        if (!outcome.body.debtor.email && !outcome.body.debtor.phone) plan.noContactRows.push(row);
      }
    } catch (error) {
      if (!(error instanceof CsvError)) throw error;
      plan.fileProblems.push(`line ${(error as CsvError & { lines?: number }).lines ?? '?'}: ${error.message}; fix the CSV quoting (a quote inside a quoted cell is written "")`);
      return plan;
    }
    if (!header) {
      plan.fileProblems.push('the file is empty: expected a header row naming the columns, then one row per invoice');
      return plan;
    }
    await this.compareWithExisting(plan, header, options.mapping);
    plan.problems.sort((a, b) => a.row - b.row);
    return plan;
  }

  /** The file's name for an import column, as the user sees it in their spreadsheet. */
  private label(header: Header, mapping: ColumnMapping, column: ImportColumn): string {
    const at = header.index.get(column);
    if (at !== undefined) return header.names[at] ?? column;
    return mapping.defaults[column] !== undefined ? `${column} (--default)` : column;
  }

  private checkRow(record: string[], row: number, header: Header, options: PlanOptions): RowOutcome {
    const { mapping } = options;
    const problems: RowProblem[] = [];
    const label = (column: ImportColumn) => this.label(header, mapping, column);
    if (record.length !== header.names.length) {
      return { kind: 'invalid', problems: [{ row, field: '(row)', problem: `has ${record.length} cells but the header has ${header.names.length}; quote cells that contain commas` }] };
    }
    const cell = (column: ImportColumn): string | undefined => {
      const at = header.index.get(column);
      const raw = at === undefined ? '' : (record[at] ?? '').trim();
      return raw !== '' ? raw : mapping.defaults[column];
    };
    const date = (column: ImportColumn): string | undefined => {
      const text = cell(column);
      if (text === undefined) return undefined;
      const parsed = DateTime.fromFormat(text, mapping.dateFormat, { zone: 'UTC' });
      if (parsed.isValid) return parsed.toISODate() ?? undefined;
      const example = DateTime.fromISO('2026-07-31', { zone: 'UTC' }).toFormat(mapping.dateFormat);
      problems.push({ row, field: label(column), problem: `is not a date in the form ${mapping.dateFormat}; write it like ${example} (or set --date-format)`, value: text });
      return undefined;
    };

    const body: Record<string, unknown> = {};
    for (const column of columnNames) {
      const spec: ColumnSpec = importColumns[column];
      if (!spec.path || column === 'amount' || column === 'issueDate' || column === 'dueDate') continue;
      const value = cell(column);
      if (value !== undefined) setPath(body, spec.path, value);
    }
    const issueDate = date('issueDate');
    const dueDate = date('dueDate');
    const settledDate = date('settledDate');
    if (issueDate) body.issueDate = issueDate;
    if (dueDate) body.dueDate = dueDate;

    // Settled (or not yet issued) invoices are skipped before the rest is judged: they are not being imported.
    const externalId = typeof body.externalId === 'string' ? body.externalId : `(row ${row})`;
    if (settledDate && settledDate <= options.asOf) return { kind: 'skipped', externalId, reason: `settled on ${settledDate}, on or before --as-of ${options.asOf}` };
    if (options.asOfExplicit && issueDate && issueDate > options.asOf) return { kind: 'skipped', externalId, reason: `issued on ${issueDate}, after --as-of ${options.asOf}` };

    const currency = cell('currency');
    const amount = cell('amount');
    if (currency !== undefined && /^[A-Z]{3}$/.test(currency) && !isIsoCurrency(currency)) {
      problems.push({ row, field: label('currency'), problem: 'is not an ISO 4217 currency; use a code such as USD, EUR or JPY', value: currency });
    }
    if (amount !== undefined && currency !== undefined && isIsoCurrency(currency)) {
      const minor = toMinorUnits(amount, currency);
      if (typeof minor === 'string') problems.push({ row, field: label('amount'), problem: minor, value: amount });
      else if (minor <= 0) problems.push({ row, field: label('amount'), problem: 'must be more than zero; record credits with the credit-memo API instead', value: amount });
      else body.amountMinor = minor;
    } else if (amount !== undefined) {
      // Without a valid currency the amount cannot be read; the currency's problem is the one to report.
      body.amountMinor = 1;
    }
    const flagged = new Set(problems.map((p) => p.field));

    const fromBody = (found: FieldProblem[]): void => {
      for (const p of found) {
        const path = p.field.replace(/^body\./, '');
        const column = columnByPath.get(path);
        const field = column ? label(column) : path;
        if (flagged.has(field)) continue;
        flagged.add(field);
        const problem = p.message === 'is required' && column ? `is required (${importColumns[column].description}); fill it in, or give --default ${column}=<value>` : p.message;
        const value = column ? cell(column) : undefined;
        problems.push({ row, field, problem, ...(value !== undefined && p.message !== 'is required' ? { value } : {}) });
      }
    };
    if (!validateBody(body)) fromBody(fieldProblems(validateBody.errors ?? [], 'body'));
    if (problems.length === 0) fromBody([...semanticProblems(body as CreateInvoiceInput), ...unstorableStrings(body, 'body')]);
    if (problems.length > 0) return { kind: 'invalid', problems };

    const valid = body as CreateInvoiceInput;
    try {
      this.creator.pin(valid);
    } catch (error) {
      // A catalog that does not validate is the deployment's problem, not the row's: let it stop the import.
      if (!(error instanceof ApiProblem) || error.statusCode === 503) throw error;
      const field = valid.policy ? label('policy') : `${label('policy')} (routed)`;
      const hint = valid.policy ? '' : '; the router chose it from debtorSegment, debtorCountry, currency and amount: set those (e.g. --default debtorSegment=smb) or name a policy in a policy column';
      return { kind: 'invalid', problems: [{ row, field, problem: `${error.message}${hint}`, ...(valid.policy ? { value: valid.policy } : {}) }] };
    }
    return { kind: 'valid', body: valid };
  }

  /** Rows already imported with the same values replay; a changed row cannot update an invoice and is reported. */
  private async compareWithExisting(plan: ImportPlan, header: Header, mapping: ColumnMapping): Promise<void> {
    const { db } = this.deps.database;
    const kept: ValidRow[] = [];
    for (let i = 0; i < plan.valid.length; i += 500) {
      const chunk = plan.valid.slice(i, i + 500);
      const existing = await db
        .select({ externalId: invoiceRequests.externalId, requestHash: invoiceRequests.requestHash, request: invoiceRequests.request, createdAt: invoiceRequests.createdAt, createdBy: invoiceRequests.createdBy })
        .from(invoiceRequests)
        .where(inArray(invoiceRequests.externalId, chunk.map((r) => r.body.externalId)));
      const byId = new Map(existing.map((e) => [e.externalId, e]));
      for (const row of chunk) {
        const earlier = byId.get(row.body.externalId);
        if (!earlier) {
          kept.push(row);
          continue;
        }
        // The same hash the creator compares, so "existing" here means the create call will replay.
        if (earlier.requestHash === sha256(canonicalJson(row.body))) {
          kept.push({ ...row, state: 'existing' });
          continue;
        }
        plan.invalidRows++;
        const since = `invoice ${row.body.externalId} already exists (created ${earlier.createdAt.toISOString()} by ${earlier.createdBy})`;
        for (const path of differingFields(earlier.request, row.body)) {
          const column = columnByPath.get(path);
          const show = (source: unknown): string => {
            const v = path.split('.').reduce<unknown>((node, k) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined), source);
            if (v === undefined) return '(none)';
            if (path === 'amountMinor' && typeof v === 'number') {
              const currency = (source as { currency?: unknown }).currency;
              return typeof currency === 'string' ? formatAmountPlain(v, currency) : String(v);
            }
            return String(v);
          };
          plan.problems.push({
            row: row.row,
            field: column ? this.label(header, mapping, column) : path,
            problem: `conflict: ${since} with ${show(earlier.request)}, this row has ${show(row.body)}; an import never changes an existing invoice: restore the row, or give it a new externalId`,
          });
        }
        plan.noContactRows = plan.noContactRows.filter((r) => r !== row.row);
      }
    }
    plan.valid = kept;
  }

  /** Creates the plan's valid rows through InvoiceCreator, a few at a time (as the bulk route does). */
  async run(plan: ImportPlan, options: RunOptions): Promise<ImportResult> {
    const result: ImportResult = { created: 0, existing: 0, failed: [] };
    const total = plan.valid.length;
    let next = 0;
    let done = 0;
    const report = () => options.onProgress?.({ done, total, created: result.created, existing: result.existing, failed: result.failed.length });
    const worker = async (): Promise<void> => {
      while (next < total && !result.aborted) {
        const item = plan.valid[next++];
        if (!item) continue;
        try {
          const { statusCode } = await this.creator.create(item.body, options.actor, options.requestIdPrefix ? `${options.requestIdPrefix}:row-${item.row}` : undefined);
          if (statusCode === 201) result.created++;
          else result.existing++;
        } catch (error) {
          if (error instanceof ApiProblem) {
            const fields = Array.isArray(error.extra.differingFields) ? ` (${(error.extra.differingFields as string[]).join(', ')})` : '';
            result.failed.push({ row: item.row, field: `externalId${fields}`, problem: `${error.code}: ${error.message}`, value: item.body.externalId });
          } else {
            // Temporal or PostgreSQL is unreachable: every further row would fail the same way, so stop.
            result.aborted ??= error instanceof Error ? error : new Error(String(error));
          }
        }
        done++;
        report();
      }
    };
    report();
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 8, total)) }, worker));
    result.failed.sort((a, b) => a.row - b.row);
    return result;
  }
}
