/**
 * `dunmore compliance check [FILE]`: decide contact cases from FILE or stdin (one case object or an
 * array), printing a JSON array of decisions in input order (../shared/compliance/CASE-FORMAT.md).
 * Exit 0 when every case was evaluated; exit 2, with messages naming the case, the field and the fix,
 * when any input is malformed (nothing is printed on stdout then, so a partial answer is never mistaken
 * for a complete one).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { ApiProblem } from '../api/errors.js';
import { preDialCheck } from '../api/services/pre-dial.js';
import { connectDatabase } from '../db/client.js';
import { PolicyCatalog } from '../dunning/catalog/policy-catalog.js';
import { projectRoot } from '../embedded/project-root.js';
import { ConfigError, loadConfig } from './config.js';
import { formatProblem, parseCases, type CaseInputProblem } from '../compliance/case-schema.js';
import { ComplianceInputError, evaluateContact, toCaseResult } from '../compliance/index.js';
import type { CaseResult, ContactDecision } from '../compliance/index.js';

interface CheckOptions {
  explain?: boolean;
}

export interface CheckOutcome {
  exitCode: 0 | 2;
  stdout: string;
  stderr: string;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function failure(lines: string[]): CheckOutcome {
  return { exitCode: 2, stdout: '', stderr: `${lines.join('\n')}\n` };
}

/** The whole command as a function of its input text, for tests and other callers. */
export function checkCases(text: string, source: string, options: CheckOptions = {}): CheckOutcome {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    return failure([`${source}: not valid JSON (${(error as Error).message}); give one case object or an array of cases (see ../shared/compliance/CASE-FORMAT.md).`]);
  }
  const parsed = parseCases(input);
  if (!parsed.ok) return failure(parsed.problems.map(formatProblem));

  const problems: CaseInputProblem[] = [];
  const decisions: ContactDecision[] = [];
  for (const c of parsed.cases) {
    try {
      decisions.push(evaluateContact(c));
    } catch (error) {
      if (!(error instanceof ComplianceInputError)) throw error;
      problems.push({ caseId: c.id ?? '(no id)', field: error.field, problem: error.problem, value: error.value });
    }
  }
  if (problems.length > 0) return failure(problems.map(formatProblem));
  const out: Array<CaseResult | (CaseResult & Pick<ContactDecision, 'inputs' | 'findings' | 'evaluatedAt' | 'ruleVersion'>)> = decisions.map((d) =>
    options.explain ? { ...toCaseResult(d), inputs: d.inputs, findings: d.findings, evaluatedAt: d.evaluatedAt, ruleVersion: d.ruleVersion } : toCaseResult(d),
  );
  return { exitCode: 0, stdout: `${JSON.stringify(out, null, 2)}\n`, stderr: '' };
}

export function registerComplianceCommands(program: Command): void {
  const compliance = program.command('compliance').description('Contact compliance: Regulation F, state overlays, TCPA and company limits');
  compliance
    .command('predial')
    .description("A collector's pre-dial check against the contact ledger: may this debtor be called about this invoice now?")
    .requiredOption('--debtor <id>', 'debtor id')
    .requiredOption('--invoice <externalId>', 'the invoice (debt) the call is about')
    .option('--to <number>', 'the number to dial (E.164, or a label from the debtor\'s numbers)')
    .option('--at <instant>', 'decide for this instant instead of now (ISO 8601 with offset)')
    .action(async (flags: { debtor: string; invoice: string; to?: string; at?: string }) => {
      const at = flags.at ? new Date(flags.at) : new Date();
      if (Number.isNaN(at.getTime()) || (flags.at !== undefined && !/[zZ]|[+-]\d{2}:?\d{2}$/.test(flags.at))) {
        process.stderr.write(`--at ${JSON.stringify(flags.at)}: not an ISO 8601 instant with an offset; write e.g. 2026-06-08T13:00:00Z\n`);
        process.exitCode = 2;
        return;
      }
      let config;
      try {
        config = loadConfig(['DATABASE_URL']);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        process.stderr.write(`${error.message}\n`);
        process.exitCode = 2;
        return;
      }
      const database = connectDatabase(config.DATABASE_URL, { max: 1 });
      try {
        const answer = await preDialCheck(database.db, new PolicyCatalog({ policiesRoot: path.join(projectRoot, 'policies') }), {
          debtorId: flags.debtor,
          invoiceId: flags.invoice,
          at,
          ...(flags.to ? { to: flags.to } : {}),
        });
        process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
      } catch (error) {
        process.stderr.write(`${(error as Error).message}\n`);
        process.exitCode = error instanceof ApiProblem && error.statusCode === 404 ? 2 : 1;
      } finally {
        await database.close();
      }
    });
  compliance
    .command('check')
    .description('Decide contact cases (../shared/compliance/CASE-FORMAT.md): allow, deny or defer, with citations and reasons')
    .argument('[file]', 'JSON file with one case or an array of cases; read from stdin when omitted')
    .option('--explain', 'also print the inputs counted (attempt ids, zones, events) and every rule finding')
    .action(async (file: string | undefined, options: CheckOptions) => {
      let text: string;
      if (file !== undefined) {
        try {
          text = await readFile(file, 'utf8');
        } catch (error) {
          process.stderr.write(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give a readable JSON file or pipe cases on stdin.\n`);
          process.exitCode = 2;
          return;
        }
      } else if (process.stdin.isTTY) {
        process.stderr.write('No input: give a FILE or pipe cases on stdin, e.g. dunmore compliance check cases.json\n');
        process.exitCode = 2;
        return;
      } else {
        text = await readStdin();
      }
      const outcome = checkCases(text, file ?? 'stdin', options);
      process.stdout.write(outcome.stdout);
      process.stderr.write(outcome.stderr);
      process.exitCode = outcome.exitCode;
    });
}
