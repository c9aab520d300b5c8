/**
 * `dunmore policy validate|simulate|diff|list`: how ops analysts and CI work with dunning policy files.
 * Exit codes: 0 success; 2 when a policy, invoice or event file is invalid (diagnostics on stderr as
 * `file:line:col: message`); commander's own usage errors exit 1.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { CatalogError, formatDiagnostic } from '../dunning/catalog/diagnostics.js';
import { loadEventsFile, loadInvoiceFile } from '../dunning/catalog/invoice-files.js';
import { PolicyCatalog, policyPathParts, routerFileName, validatePaths } from '../dunning/catalog/policy-catalog.js';
import { simulatePolicy } from '../dunning/catalog/simulation.js';
import type { PolicySimulation } from '../dunning/catalog/simulation.js';
import { diffPolicies } from '../dunning/diff.js';
import { formatAmountPlain } from '../dunning/money.js';
import type { CompiledPolicy } from '../dunning/policy.js';

const invalidInput = 2;

interface CatalogFlags {
  policies: string;
  templates?: string;
}

function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function fail(error: unknown): void {
  if (error instanceof CatalogError) {
    for (const d of error.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
    process.exitCode = invalidInput;
    return;
  }
  throw error;
}

/** A policy argument: `id@version` in the catalog, or a path to a policy file (its catalog is two folders up). */
function resolvePolicy(ref: string, flags: CatalogFlags): { policy: CompiledPolicy; catalog: PolicyCatalog } {
  if (existsSync(ref) && statSync(ref).isFile()) {
    const root = path.dirname(path.dirname(ref));
    const catalog = new PolicyCatalog({ policiesRoot: root, ...(flags.templates ? { templatesRoot: flags.templates } : {}) });
    return { policy: catalog.resolve(ref), catalog };
  }
  const catalog = new PolicyCatalog({ policiesRoot: flags.policies, ...(flags.templates ? { templatesRoot: flags.templates } : {}) });
  return { policy: catalog.resolve(ref), catalog };
}

function shortHash(hash: string): string {
  return hash.slice(0, 19);
}

function describeAppliesTo(policy: CompiledPolicy): string {
  const a = policy.appliesTo;
  const parts = [
    a.segment ? `segment ${a.segment.join(',')}` : '',
    a.currency ? `currency ${a.currency.join(',')}` : '',
    a.country ? `country ${a.country.join(',')}` : '',
    a.amount ? `amount ${a.amount.min ?? 0}–${a.amount.max ?? '∞'}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : 'any invoice';
}

function printSimulation(sim: PolicySimulation): void {
  const { invoice, policy } = sim;
  const zone = invoice.debtor.timeZone;
  out(`Policy ${policy.id} v${policy.version} (${shortHash(policy.contentHash)}…)`);
  out(`Invoice ${invoice.number}: ${formatAmountPlain(invoice.amountMinor, invoice.currency)}, issued ${invoice.issueDate}, due ${invoice.dueDate}`);
  out(`Debtor ${invoice.debtor.name} · ${invoice.debtor.locale} · ${zone}${invoice.debtor.email ? '' : ' · no email'}${invoice.debtor.phone ? '' : ' · no mobile'}`);
  out('');
  for (const entry of sim.timeline) {
    const local = DateTime.fromISO(entry.at, { zone });
    const when = `${local.toFormat('yyyy-MM-dd ccc HH:mm ZZZZ').padEnd(26)} ${entry.at.replace(/\.000Z$/, 'Z').padEnd(21)}`;
    const balance = formatAmountPlain(entry.balanceMinor, invoice.currency);
    switch (entry.kind) {
      case 'action': {
        const channel = entry.channel !== entry.action ? `${entry.channel} (instead of ${entry.action})` : (entry.channel ?? '');
        const flags = [entry.requiresApproval ? 'needs approval' : '', entry.fallback ? `fallback ${entry.fallback}` : '', entry.smsSegments ? `${entry.smsSegments} segment(s)` : '']
          .filter(Boolean)
          .join(', ');
        out(`${when} ${channel.toUpperCase()} ${entry.stepId}${entry.template ? ` [${entry.template}]` : ''}${flags ? ` (${flags})` : ''}`);
        if (entry.subject) out(`${' '.repeat(49)}"${entry.subject.replace(/\n/g, ' ')}"`);
        out(`${' '.repeat(49)}${entry.detail} · balance ${balance}`);
        break;
      }
      case 'skipped':
        out(`${when} skipped ${entry.stepId}: ${entry.detail}`);
        break;
      case 'event':
        out(`${when} EVENT ${entry.detail} · balance ${balance}`);
        break;
      case 'rejected':
        out(`${when} REJECTED ${entry.detail}`);
        break;
      case 'check':
        out(`${when} ${entry.detail}`);
        break;
      case 'end':
        out(`${when} END ${entry.detail} · balance ${balance}`);
        break;
    }
  }
}

export function registerPolicyCommands(program: Command): void {
  const policy = program.command('policy').description('Dunning policies as versioned files: validate, simulate, diff, list');

  policy
    .command('validate')
    .description('Check policy files, calendars, the router, the lock file and the templates they use')
    .argument('[paths...]', 'policy files or folders', ['policies'])
    .option('--templates <dir>', 'templates folder (default: templates/ next to the policies folder)')
    .action((paths: string[], flags: { templates?: string }) => {
      const diagnostics = validatePaths(paths, flags.templates ? { templatesRoot: flags.templates } : {});
      for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
      if (diagnostics.length > 0) {
        process.stderr.write(`${diagnostics.length} problem(s) found\n`);
        process.exitCode = invalidInput;
      } else {
        out(`ok: ${paths.join(', ')}`);
      }
    });

  policy
    .command('simulate')
    .description('Show everything a policy would do over an invoice’s life: local send times, channels, subjects, skips')
    .argument('<policy>', 'id@version (e.g. b2b-net30-standard@3) or a policy file')
    .requiredOption('--invoice <file>', 'invoice file (YAML or JSON)')
    .option('--events <file>', 'events during the invoice’s life: payments, promises, disputes, pauses…')
    .option('--until <date>', 'stop at this date (default: 400 days after issue)')
    .option('--json', 'machine-readable output')
    .option('--policies <dir>', 'policies folder', 'policies')
    .option('--templates <dir>', 'templates folder (default: templates/ next to the policies folder)')
    .action((ref: string, flags: CatalogFlags & { invoice: string; events?: string; until?: string; json?: boolean }) => {
      try {
        const { policy: compiled, catalog } = resolvePolicy(ref, flags);
        const invoice = loadInvoiceFile(flags.invoice);
        const events = flags.events ? loadEventsFile(flags.events, invoice.currency) : [];
        let until: string | undefined;
        if (flags.until) {
          const parsed = DateTime.fromISO(flags.until, { zone: invoice.debtor.timeZone });
          if (!parsed.isValid) throw new CatalogError([{ file: '--until', line: 1, col: 1, message: `${JSON.stringify(flags.until)} is not a date: write YYYY-MM-DD` }]);
          until = parsed.toUTC().toISO() ?? undefined;
        }
        const sim = simulatePolicy({ policy: compiled, invoice, events, templatesRoot: catalog.templatesRoot, ...(until ? { until } : {}) });
        if (flags.json) {
          out(
            JSON.stringify(
              {
                policy: sim.policy,
                invoice: sim.invoice,
                timeline: sim.timeline,
                final: { status: sim.finalState.status, balanceMinor: sim.finalState.balanceMinor, sequence: sim.finalState.sequence, steps: sim.finalState.steps },
              },
              null,
              2,
            ),
          );
        } else {
          printSimulation(sim);
        }
      } catch (error) {
        fail(error);
      }
    });

  policy
    .command('diff')
    .description('Semantic difference between two policy versions: steps added, removed, retimed, re-templated; settings')
    .argument('<a>', 'id@version or policy file')
    .argument('<b>', 'id@version or policy file')
    .option('--json', 'machine-readable output')
    .option('--policies <dir>', 'policies folder', 'policies')
    .option('--templates <dir>', 'templates folder')
    .action((a: string, b: string, flags: CatalogFlags & { json?: boolean }) => {
      try {
        const before = resolvePolicy(a, flags).policy;
        const after = resolvePolicy(b, flags).policy;
        const changes = diffPolicies(before, after);
        if (flags.json) {
          out(JSON.stringify({ from: { id: before.id, version: before.version }, to: { id: after.id, version: after.version }, changes }, null, 2));
          return;
        }
        out(`${before.id} v${before.version} → ${after.id} v${after.version}`);
        if (changes.length === 0) out('  no semantic changes');
        for (const change of changes) out(`  ${change.summary}`);
      } catch (error) {
        fail(error);
      }
    });

  policy
    .command('list')
    .description('Every policy version: status (published, draft, edited), content hash, what it applies to')
    .option('--policies <dir>', 'policies folder', 'policies')
    .option('--templates <dir>', 'templates folder')
    .option('--json', 'machine-readable output')
    .action((flags: CatalogFlags & { json?: boolean }) => {
      const catalog = new PolicyCatalog({ policiesRoot: flags.policies, ...(flags.templates ? { templatesRoot: flags.templates } : {}) });
      const routerFile = path.join(flags.policies, routerFileName);
      const routed = existsSync(routerFile) ? catalog.router(routerFile).router : undefined;
      const rows = catalog.policyFiles().map((file) => {
        const entry = catalog.load(file);
        const parts = policyPathParts(file);
        const ref = `${parts?.id}@${parts?.version}`;
        const routes = routed
          ? [
              ...routed.rules.flatMap((r, i) => (`${r.policy}@${r.version}` === ref ? [`rule ${i + 1}`] : [])),
              ...(`${routed.default.policy}@${routed.default.version}` === ref ? ['default'] : []),
            ]
          : [];
        return {
          id: entry.id,
          version: entry.version,
          file: entry.file,
          status: entry.status,
          valid: entry.compiled !== undefined,
          contentHash: entry.contentHash,
          owner: entry.compiled?.owner ?? '',
          appliesTo: entry.compiled ? describeAppliesTo(entry.compiled) : '(invalid: run dunmore policy validate)',
          profile: entry.compiled?.compliance.profile ?? '',
          routes,
          lockLine: `${ref}: ${entry.contentHash}`,
        };
      });
      if (flags.json) {
        out(JSON.stringify(rows, null, 2));
        return;
      }
      const header = ['POLICY', 'VERSION', 'STATUS', 'HASH', 'PROFILE', 'ROUTED', 'APPLIES TO'];
      const table = rows.map((r) => [r.id, `v${r.version}`, r.valid ? r.status : `${r.status}, invalid`, `${shortHash(r.contentHash)}…`, r.profile, r.routes.join(', ') || '-', r.appliesTo]);
      const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)));
      for (const row of [header, ...table]) out(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '));
      const drafts = rows.filter((r) => r.status === 'draft');
      if (drafts.length > 0) {
        out('');
        out(`To publish a draft, add its line to ${path.join(flags.policies, 'published.lock')}:`);
        for (const r of drafts) out(`  ${r.lockLine}`);
      }
    });
}
