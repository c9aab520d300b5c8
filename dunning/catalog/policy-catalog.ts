/**
 * The policy catalog on disk:
 *
 *     policies/<id>/v<N>.yaml      one file per version; published versions never change
 *     policies/published.lock      id@version → content hash of every published version
 *     policies/router.yaml         which policy an invoice gets
 *     policies/calendars/<id>.yaml holiday calendars
 *     templates/<channel>/<name>.<locale>.hbs
 *
 * Loading validates everything a policy touches and compiles it into the self-contained `CompiledPolicy` a
 * workflow receives. Every finding is a `file:line:col: message` diagnostic.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { defaultWeekend } from '../calendar.js';
import { parseOffset, offsetCalendarDayRange, formatOffset } from '../offset.js';
import type { Offset } from '../offset.js';
import { compiledPolicySchemaVersion } from '../policy.js';
import type { BusinessCalendar, CompiledPolicy, CompiledStep, StepAnchor } from '../policy.js';
import type { CompiledRouter } from '../router.js';
import { CatalogError, sortDiagnostics, suggestion } from './diagnostics.js';
import type { Diagnostic } from './diagnostics.js';
import { calendarFileSchema, lockFileSchema, policyFileSchema, routerFileSchema, weekdayNumber } from './schema.js';
import type { PolicyFile } from './schema.js';
import { parseWithSchema } from './schema-issues.js';
import { channelForAction, checkTemplate, loadTemplate, templateFile } from './templates.js';
import { diagnosticAt, diagnosticAtKey, formatPath, parseYamlSource } from './yaml-source.js';
import type { DataPath, YamlSource } from './yaml-source.js';

export const lockFileName = 'published.lock';
export const routerFileName = 'router.yaml';
export const calendarsDirName = 'calendars';

/** Quiet hours for every profile: Reg F 1006.6(b)(1)(i) for consumers, company policy for the rest. */
const earliestContact = '08:00';
const latestContact = '21:00';

export interface CatalogOptions {
  policiesRoot: string;
  /** Defaults to `templates/` next to the policies folder. */
  templatesRoot?: string;
}

export interface PolicyEntry {
  id: string;
  version: number;
  file: string;
  contentHash: string;
  status: 'published' | 'draft' | 'edited';
  compiled?: CompiledPolicy;
  diagnostics: Diagnostic[];
}

/** Stable JSON with sorted keys: the content hash ignores comments, quoting and key order, not values. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value as Record<string, unknown>).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function contentHashOf(data: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(data)).digest('hex')}`;
}

function minutes(hhmm: string): number {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

function normaliseTime(hhmm: string): string {
  const [h = '0', m = '0'] = hhmm.split(':');
  return `${h.padStart(2, '0')}:${m}`;
}

/** `policies/<id>/v<N>.yaml` → { id, version } from the path, or undefined for other names. */
export function policyPathParts(file: string): { id: string; version: number } | undefined {
  const match = /^v(\d+)\.ya?ml$/.exec(path.basename(file));
  if (!match) return undefined;
  return { id: path.basename(path.dirname(file)), version: Number(match[1]) };
}

export class PolicyCatalog {
  readonly policiesRoot: string;
  readonly templatesRoot: string;
  private readonly calendars = new Map<string, { calendar?: BusinessCalendar; diagnostics: Diagnostic[] }>();
  private lockCache?: { entries: Map<string, { hash: string; line: number; col: number }>; diagnostics: Diagnostic[]; file: string };
  private readonly entries = new Map<string, PolicyEntry>();

  constructor(options: CatalogOptions) {
    this.policiesRoot = options.policiesRoot;
    this.templatesRoot = options.templatesRoot ?? path.join(path.dirname(path.resolve(options.policiesRoot)), 'templates');
  }

  /** Paths in messages are relative to the working directory, as compilers print them. */
  display(file: string): string {
    const relative = path.relative(process.cwd(), path.resolve(file));
    return relative.startsWith('..') ? path.resolve(file) : relative;
  }

  /** Every `<id>/v<N>.yaml` under the root, sorted by id then version. */
  policyFiles(): string[] {
    if (!existsSync(this.policiesRoot)) return [];
    const files: string[] = [];
    for (const dir of readdirSync(this.policiesRoot).sort()) {
      const full = path.join(this.policiesRoot, dir);
      if (dir === calendarsDirName || !statSync(full).isDirectory()) continue;
      for (const name of readdirSync(full)) if (/^v\d+\.ya?ml$/.test(name)) files.push(path.join(full, name));
    }
    return files.sort((a, b) => {
      const pa = policyPathParts(a);
      const pb = policyPathParts(b);
      return pa && pb && pa.id === pb.id ? pa.version - pb.version : a < b ? -1 : 1;
    });
  }

  lock(): { entries: Map<string, { hash: string; line: number; col: number }>; diagnostics: Diagnostic[]; file: string } {
    if (this.lockCache) return this.lockCache;
    const file = this.display(path.join(this.policiesRoot, lockFileName));
    const entries = new Map<string, { hash: string; line: number; col: number }>();
    if (!existsSync(file)) {
      this.lockCache = { entries, diagnostics: [], file };
      return this.lockCache;
    }
    const source = parseYamlSource(file, readFileSync(file, 'utf8'));
    if (source.data === null && source.syntaxErrors.length === 0) source.data = {};
    const diagnostics = [...source.syntaxErrors];
    if (source.syntaxErrors.length === 0) {
      const { value, diagnostics: schemaDiagnostics } = parseWithSchema(source, lockFileSchema);
      diagnostics.push(...schemaDiagnostics);
      for (const [ref, hash] of Object.entries(value ?? {})) {
        const { line, col } = diagnosticAtKey(source, [], ref, '');
        entries.set(ref, { hash, line, col });
      }
    }
    this.lockCache = { entries, diagnostics, file };
    return this.lockCache;
  }

  calendar(id: string): { calendar?: BusinessCalendar; diagnostics: Diagnostic[]; file: string } {
    const file = this.display(path.join(this.policiesRoot, calendarsDirName, `${id}.yaml`));
    const cached = this.calendars.get(id);
    if (cached) return { ...cached, file };
    const result = existsSync(file) ? loadCalendar(file, readFileSync(file, 'utf8')) : { diagnostics: [] };
    this.calendars.set(id, result);
    return { ...result, file };
  }

  availableCalendars(): string[] {
    const dir = path.join(this.policiesRoot, calendarsDirName);
    return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.yaml')).map((n) => n.replace(/\.yaml$/, '')).sort() : [];
  }

  /** Loads, validates and compiles one policy file (cached). */
  load(file: string): PolicyEntry {
    const shown = this.display(file);
    const cached = this.entries.get(shown);
    if (cached) return cached;
    const entry = this.compileFile(shown);
    this.entries.set(shown, entry);
    return entry;
  }

  /** `id@version` → the compiled policy, or a CatalogError with every finding. */
  resolve(ref: string): CompiledPolicy {
    const match = /^([a-z0-9][a-z0-9-]*)@(\d+)$/.exec(ref);
    const file = match ? path.join(this.policiesRoot, match[1] ?? '', `v${match[2]}.yaml`) : ref;
    if (!existsSync(file)) {
      const known = this.policyFiles().map((f) => {
        const parts = policyPathParts(f);
        return parts ? `${parts.id}@${parts.version}` : f;
      });
      throw new CatalogError([{ file: ref, line: 1, col: 1, message: `no policy ${ref} (looked for ${this.display(file)})${suggestion(ref, known)}` }]);
    }
    const entry = this.load(file);
    if (!entry.compiled) throw new CatalogError(entry.diagnostics);
    return entry.compiled;
  }

  private compileFile(file: string): PolicyEntry {
    const parts = policyPathParts(file);
    const source = parseYamlSource(file, readFileSync(file, 'utf8'));
    const base = { id: parts?.id ?? path.basename(file), version: parts?.version ?? 0, file, contentHash: contentHashOf(source.data) };
    if (source.syntaxErrors.length > 0) return { ...base, status: 'draft', diagnostics: source.syntaxErrors };
    const diagnostics: Diagnostic[] = [];
    const status = this.lockStatus(source, base, parts, diagnostics);
    if (source.data === null || typeof source.data !== 'object' || Array.isArray(source.data)) {
      diagnostics.push({ file, line: 1, col: 1, message: 'a policy file must be a mapping of keys such as id, version, steps' });
      return { ...base, status, diagnostics };
    }
    const { value, diagnostics: schemaDiagnostics } = parseWithSchema(source, policyFileSchema);
    diagnostics.push(...schemaDiagnostics);
    if (!value) return { ...base, status, diagnostics };
    const compiled = this.compile(source, value, base.contentHash, parts, diagnostics);
    return { ...base, status, diagnostics: sortDiagnostics(diagnostics), ...(compiled && diagnostics.length === 0 ? { compiled } : {}) };
  }

  private lockStatus(source: YamlSource, base: { id: string; version: number; contentHash: string }, parts: { id: string; version: number } | undefined, out: Diagnostic[]): PolicyEntry['status'] {
    if (!parts) return 'draft';
    const lock = this.lock();
    const locked = lock.entries.get(`${parts.id}@${parts.version}`);
    if (!locked) return 'draft';
    if (locked.hash === base.contentHash) return 'published';
    const versions = this.policyFiles()
      .map(policyPathParts)
      .filter((p) => p?.id === parts.id)
      .map((p) => p?.version ?? 0);
    const next = Math.max(parts.version, ...versions) + 1;
    out.push({
      file: source.file,
      line: 1,
      col: 1,
      message: `${parts.id} v${parts.version} is published (${lock.file}:${locked.line}) and its content changed (${locked.hash.slice(0, 19)}… → ${base.contentHash.slice(0, 19)}…); published versions are immutable because invoices in flight are pinned to them: revert this file and publish v${next} instead`,
    });
    return 'edited';
  }

  private compile(source: YamlSource, file: PolicyFile, contentHash: string, parts: { id: string; version: number } | undefined, out: Diagnostic[]): CompiledPolicy | undefined {
    const at = (p: DataPath, message: string): void => void out.push(diagnosticAt(source, p, message));

    if (parts && file.id !== parts.id) at(['id'], `id: "${file.id}" does not match its folder ${parts.id}/; rename the folder or change the id`);
    if (parts && file.version !== parts.version) at(['version'], `version: ${file.version} does not match the file name v${parts.version}.yaml; rename the file or change the version`);

    // ---- time
    const from = normaliseTime(file.sendWindow.from);
    const to = normaliseTime(file.sendWindow.to);
    if (minutes(from) >= minutes(to)) at(['sendWindow', 'to'], `sendWindow.to: ${to} is not after sendWindow.from ${from}; the window is from–to on the same local day`);
    if (minutes(from) < minutes(earliestContact)) {
      at(['sendWindow', 'from'], `sendWindow.from: ${from} is before ${earliestContact}; debtors may be contacted only between ${earliestContact} and ${latestContact} their local time (Reg F 1006.6(b)(1)(i); company policy for every profile)`);
    }
    if (minutes(to) > minutes(latestContact)) {
      at(['sendWindow', 'to'], `sendWindow.to: ${to} is after ${latestContact}; debtors may be contacted only between ${earliestContact} and ${latestContact} their local time (Reg F 1006.6(b)(1)(i); company policy for every profile)`);
    }
    let calendar: BusinessCalendar = { id: 'weekends', weekend: [...defaultWeekend], holidays: [] };
    if (file.sendWindow.calendar) {
      const loaded = this.calendar(file.sendWindow.calendar);
      if (!existsSync(loaded.file)) {
        at(['sendWindow', 'calendar'], `sendWindow.calendar: no calendar "${file.sendWindow.calendar}" (looked for ${loaded.file})${suggestion(file.sendWindow.calendar, this.availableCalendars())}`);
      } else if (loaded.calendar) {
        calendar = loaded.calendar;
      } else {
        out.push(...loaded.diagnostics);
        at(['sendWindow', 'calendar'], `sendWindow.calendar: calendar "${file.sendWindow.calendar}" has errors (see ${loaded.file})`);
      }
    }

    // ---- steps
    const stepIds = new Map<string, number>();
    file.steps.forEach((step, i) => {
      const first = stepIds.get(step.id);
      if (first !== undefined) at(['steps', i, 'id'], `steps[${i}].id: duplicate step id "${step.id}" (also steps[${first}]); step ids must be unique`);
      else stepIds.set(step.id, i);
    });
    const finalId = file.finalAction?.id ?? 'final-action';
    if (file.finalAction && stepIds.has(finalId)) {
      at(['finalAction', 'id'], `finalAction.id: "${finalId}" is already a step id (steps[${stepIds.get(finalId)}]); give the final action its own id`);
    }
    const allIds = [...stepIds.keys(), ...(file.finalAction ? [finalId] : [])];

    const timings: Array<{ anchor: StepAnchor; offset: Offset; time?: string } | undefined> = [];
    const readTiming = (p: DataPath, raw: PolicyFile['steps'][number]['at']): { anchor: StepAnchor; offset: Offset; time?: string } | undefined => {
      const given = (['issue', 'due', 'previous', 'brokenPromise'] as const).filter((a) => raw[a] !== undefined);
      if (given.length !== 1) {
        at(p, `${formatPath(p)}: ${given.length === 0 ? 'no anchor' : `has ${given.join(' and ')}`}; give exactly one of issue, due, previous or brokenPromise, e.g. { due: 7d }`);
        return undefined;
      }
      const anchor = given[0] as StepAnchor;
      const offset = parseOffset(raw[anchor] ?? '');
      if (!offset) return undefined;
      return { anchor, offset, ...(raw.time ? { time: normaliseTime(raw.time) } : {}) };
    };
    file.steps.forEach((step, i) => timings.push(readTiming(['steps', i, 'at'], step.at)));
    const finalTiming = file.finalAction ? readTiming(['finalAction', 'at'], file.finalAction.at) : undefined;

    if (timings[0]?.anchor === 'previous') at(['steps', 0, 'at', 'previous'], `steps[0].at.previous: the first step has no previous step; anchor it to issue or due`);
    if (file.finalAction && finalTiming?.anchor === 'brokenPromise') {
      at(['finalAction', 'at', 'brokenPromise'], 'finalAction.at.brokenPromise: the final action cannot wait for a broken promise; anchor it to due or previous');
    }
    for (const [t, field] of [
      ...(finalTiming?.time ? [[finalTiming.time, ['finalAction', 'at', 'time']] as const] : []),
      ...timings.flatMap((t, i) => (t?.time ? [[t.time, ['steps', i, 'at', 'time']] as const] : [])),
    ]) {
      if (minutes(t) < minutes(from) || minutes(t) >= minutes(to)) at(field, `${formatPath(field)}: ${t} is outside the send window ${from}–${to}; pick a time inside it`);
    }

    const segments = file.appliesTo?.segment;
    const promiseTerms = file.onPromiseToPay;
    file.steps.forEach((step, i) => {
      const where = (k: string): DataPath => ['steps', i, k];
      const needsTemplate = step.action === 'email' || step.action === 'sms';
      if (needsTemplate && !step.template) at(['steps', i], `steps[${i}] (${step.id}): action ${step.action} needs a template, e.g. template: friendly-reminder`);
      if ((step.action === 'call_task' || step.action === 'escalate') && !step.queue) at(['steps', i], `steps[${i}] (${step.id}): action ${step.action} needs a queue naming the team that takes the task, e.g. queue: collections`);
      if (step.action === 'webhook' && !step.url) at(['steps', i], `steps[${i}] (${step.id}): action webhook needs url: https://…`);
      if (step.action !== 'webhook' && step.url) at(where('url'), `steps[${i}].url: only webhook steps have a url`);
      if (step.action === 'escalate' || step.action === 'webhook') {
        if (step.template) at(where('template'), `steps[${i}].template: ${step.action} steps send no message; remove the template`);
      }
      if (step.fallback) {
        if (step.fallback === step.action) at(where('fallback'), `steps[${i}].fallback: "${step.fallback}" is the step's own action; name a different channel`);
        else if (step.action !== 'email' && step.action !== 'sms') at(where('fallback'), `steps[${i}].fallback: only email and sms steps have a fallback channel`);
        else if (step.fallback === 'call_task' && !step.queue) at(where('fallback'), `steps[${i}].fallback: a call_task fallback needs queue: on the step`);
      }
      const timing = timings[i];
      if (timing?.anchor === 'brokenPromise' && !promiseTerms) {
        at(['steps', i, 'at', 'brokenPromise'], `steps[${i}] (${step.id}) can never run: it waits for a broken promise but the policy has no onPromiseToPay; add onPromiseToPay or anchor the step to due`);
      }
      const stepSegments = step.conditions?.segment;
      if (stepSegments && segments && !stepSegments.some((s) => segments.includes(s))) {
        at(['steps', i, 'conditions', 'segment'], `steps[${i}] (${step.id}) can never run: conditions.segment ${stepSegments.join(', ')} is outside appliesTo.segment ${segments.join(', ')}`);
      }
      const maxAmount = file.appliesTo?.amount?.max;
      if (step.conditions?.minBalance !== undefined && maxAmount !== undefined && step.conditions.minBalance > maxAmount) {
        at(['steps', i, 'conditions', 'minBalance'], `steps[${i}] (${step.id}) can never run: conditions.minBalance ${step.conditions.minBalance} is above appliesTo.amount.max ${maxAmount}`);
      }
    });

    // Steps run in the order listed; one that is certainly earlier than the step above it is a mistake.
    const ordered: Array<{ label: string; path: DataPath; timing: { anchor: StepAnchor; offset: Offset } | undefined; id: string }> = [
      ...file.steps.map((s, i) => ({ label: `steps[${i}]`, path: ['steps', i, 'at'] as DataPath, timing: timings[i], id: s.id })),
      ...(file.finalAction ? [{ label: 'finalAction', path: ['finalAction', 'at'] as DataPath, timing: finalTiming, id: finalId }] : []),
    ];
    let lastFixed: { id: string; timing: { anchor: StepAnchor; offset: Offset } } | undefined;
    for (const entry of ordered) {
      const timing = entry.timing;
      if (!timing || timing.anchor === 'brokenPromise') continue;
      if (timing.anchor === 'previous') continue;
      if (lastFixed && lastFixed.timing.anchor === timing.anchor) {
        const [, thisMax] = offsetCalendarDayRange(timing.offset);
        const [prevMin] = offsetCalendarDayRange(lastFixed.timing.offset);
        if (thisMax < prevMin) {
          at([...entry.path, timing.anchor], `${entry.label} (${entry.id}) at ${timing.anchor} ${formatOffset(timing.offset)} would fire before "${lastFixed.id}" listed above it (${lastFixed.timing.anchor} ${formatOffset(lastFixed.timing.offset)}); steps run in the order listed: move it up or change its offset`);
        }
      }
      lastFixed = { id: entry.id, timing };
    }

    const checkGoTo = (p: DataPath, target: string | undefined): void => {
      if (target !== undefined && !allIds.includes(target)) at(p, `${formatPath(p)}: no step "${target}"${suggestion(target, allIds)}`);
    };
    checkGoTo(['onPromiseToPay', 'whenBroken', 'goTo'], promiseTerms?.whenBroken?.goTo);
    checkGoTo(['onDispute', 'whenResolved', 'goTo'], file.onDispute?.whenResolved?.goTo);
    checkGoTo(['onPartialPayment', 'goTo'], file.onPartialPayment?.goTo);

    // ---- compliance
    const profile = file.compliance.profile;
    const hasEmail = file.steps.some((s) => s.action === 'email' || s.fallback === 'email');
    if (profile === 'consumer-regF' && hasEmail && !file.sender.optOutUrl) {
      at(['sender'], 'sender: consumer-regF policies that send email need sender.optOutUrl: every email must carry a simple opt-out (Reg F 1006.6(e))');
    }
    const perDay = file.compliance.maxMessagesPerDebtorPerDay;
    const perWeek = file.compliance.maxMessagesPerDebtorPerWeek;
    if (perDay !== undefined && perWeek !== undefined && perDay > perWeek) {
      at(['compliance', 'maxMessagesPerDebtorPerDay'], `compliance.maxMessagesPerDebtorPerDay: ${perDay} is more than the weekly cap ${perWeek}; lower it`);
    }
    const locales = file.locales ?? ['en'];
    const localeSeen = new Set<string>();
    locales.forEach((l, i) => {
      if (localeSeen.has(l)) at(['locales', i], `locales[${i}]: "${l}" is listed twice`);
      localeSeen.add(l);
    });

    if (out.length > 0) return undefined;

    const compiledSteps: CompiledStep[] = file.steps.map((step, i) => ({
      id: step.id,
      at: timings[i] as CompiledStep['at'],
      action: step.action,
      ...(step.template ? { template: step.template } : {}),
      tone: step.tone ?? 'neutral',
      ...(step.queue ? { queue: step.queue } : {}),
      ...(step.url ? { url: step.url } : {}),
      ...(step.fallback ? { fallback: step.fallback } : {}),
      requiresApproval: step.requiresApproval ?? false,
      when: {
        ...(step.conditions?.minBalance !== undefined ? { minBalance: step.conditions.minBalance } : {}),
        ...(step.conditions?.segment ? { segment: step.conditions.segment } : {}),
        noActivePromise: step.conditions?.noActivePromise ?? true,
        notDisputed: step.conditions?.notDisputed ?? false,
      },
      final: false,
    }));
    if (file.finalAction && finalTiming) {
      compiledSteps.push({
        id: finalId,
        at: finalTiming,
        action: file.finalAction.action,
        tone: 'final',
        ...(file.finalAction.queue ? { queue: file.finalAction.queue } : {}),
        requiresApproval: file.finalAction.requiresApproval ?? false,
        when: { noActivePromise: false, notDisputed: false },
        final: true,
      });
    }

    const compiled: CompiledPolicy = {
      schemaVersion: compiledPolicySchemaVersion,
      id: file.id,
      version: file.version,
      description: file.description,
      owner: file.owner,
      contentHash,
      locales,
      defaultLocale: locales[0] ?? 'en',
      appliesTo: {
        ...(file.appliesTo?.segment ? { segment: file.appliesTo.segment } : {}),
        ...(file.appliesTo?.currency ? { currency: file.appliesTo.currency } : {}),
        ...(file.appliesTo?.country ? { country: file.appliesTo.country } : {}),
        ...(file.appliesTo?.amount ? { amount: file.appliesTo.amount } : {}),
      },
      defaultTimeZone: file.timeZone,
      sendWindow: { from, to, businessDaysOnly: file.sendWindow.businessDaysOnly ?? true, calendar, jitterMinutes: file.sendWindow.jitterMinutes ?? 30 },
      compliance: {
        profile,
        ...(perDay !== undefined ? { maxMessagesPerDebtorPerDay: perDay } : {}),
        ...(perWeek !== undefined ? { maxMessagesPerDebtorPerWeek: perWeek } : {}),
        maxSmsSegments: file.compliance.maxSmsSegments ?? 2,
      },
      sender: file.sender,
      steps: compiledSteps,
      onPromiseToPay: promiseTerms
        ? { maxDays: promiseTerms.maxDays, graceDays: promiseTerms.graceDays ?? 0, whenBroken: promiseTerms.whenBroken?.goTo ? { goTo: promiseTerms.whenBroken.goTo } : {} }
        : null,
      onDispute: { pause: file.onDispute?.pause ?? 'invoice', whenResolved: file.onDispute?.whenResolved?.goTo ? { goTo: file.onDispute.whenResolved.goTo } : {} },
      onPartialPayment: { holdDays: file.onPartialPayment?.holdDays ?? 0, ...(file.onPartialPayment?.goTo ? { goTo: file.onPartialPayment.goTo } : {}) },
      balanceTolerance: { amount: file.balanceTolerance?.amount ?? 0, percent: file.balanceTolerance?.percent ?? 0 },
    };

    // ---- templates (need the compiled policy for profile, caps and sample data)
    compiled.steps.forEach((step, i) => {
      if (!step.template) return;
      const uses: Array<{ channel: ReturnType<typeof channelForAction>; field: string }> = [{ channel: channelForAction(step.action), field: 'template' }];
      if (step.fallback && step.fallback !== step.action) uses.push({ channel: channelForAction(step.fallback), field: 'fallback' });
      for (const use of uses) {
        if (!use.channel) continue;
        for (const locale of locales) {
          const tplFile = this.display(templateFile(this.templatesRoot, use.channel, step.template, locale));
          if (!existsSync(tplFile)) {
            at(
              ['steps', i, use.field],
              use.field === 'template'
                ? `steps[${i}].template: ${tplFile} not found (policy locales: ${locales.join(', ')}); create it${locales.length > 1 ? ` or remove "${locale}" from locales` : ''}`
                : `steps[${i}].fallback: the ${step.fallback} fallback needs ${tplFile} (same template name in the ${use.channel} folder); create it or remove the fallback`,
            );
            continue;
          }
          const { template, diagnostics } = loadTemplate(tplFile, use.channel);
          out.push(...diagnostics);
          if (template) out.push(...checkTemplate(template, { policy: compiled, locale }));
        }
      }
    });
    return out.length > 0 ? undefined : compiled;
  }

  /** Validates the router against the catalog: references exist, are published, and fit the target's appliesTo. */
  router(file = path.join(this.policiesRoot, routerFileName)): { router?: CompiledRouter; diagnostics: Diagnostic[] } {
    const shown = this.display(file);
    const source = parseYamlSource(shown, readFileSync(file, 'utf8'));
    if (source.syntaxErrors.length > 0) return { diagnostics: source.syntaxErrors };
    const { value, diagnostics } = parseWithSchema(source, routerFileSchema);
    if (!value) return { diagnostics };
    const known = this.policyFiles().flatMap((f) => {
      const p = policyPathParts(f);
      return p ? [`${p.id}@${p.version}`] : [];
    });
    const lock = this.lock();
    const checkRef = (ref: string, p: DataPath): CompiledPolicy | undefined => {
      if (!known.includes(ref)) {
        diagnostics.push(diagnosticAt(source, p, `${formatPath(p)}: no policy ${ref}${suggestion(ref, known)}`));
        return undefined;
      }
      if (!lock.entries.has(ref)) {
        diagnostics.push(diagnosticAt(source, p, `${formatPath(p)}: ${ref} is not published; add it to ${lock.file} (its hash is in \`dunmore policy list\`) before routing invoices to it`));
      }
      const [id, version] = ref.split('@');
      const entry = this.load(path.join(this.policiesRoot, id ?? '', `v${version}.yaml`));
      if (!entry.compiled) diagnostics.push(diagnosticAt(source, p, `${formatPath(p)}: ${ref} has validation errors (see ${entry.file})`));
      return entry.compiled;
    };
    const rules = (value.rules ?? []).map((rule, i) => {
      const policy = checkRef(rule.policy, ['rules', i, 'policy']);
      if (policy) {
        for (const dimension of ['segment', 'currency', 'country'] as const) {
          const routed = rule.when[dimension];
          const accepted = policy.appliesTo[dimension];
          const outside = routed && accepted ? routed.filter((v) => !accepted.includes(v)) : [];
          if (outside.length > 0) {
            diagnostics.push(
              diagnosticAt(source, ['rules', i, 'when', dimension], `rules[${i}].when.${dimension}: routes ${outside.join(', ')} to ${rule.policy}, whose appliesTo.${dimension} is ${accepted?.join(', ')}; those invoices would match no policy terms`),
            );
          }
        }
      }
      const [id = '', version = '0'] = rule.policy.split('@');
      return { policy: id, version: Number(version), when: rule.when };
    });
    checkRef(value.default, ['default']);
    const [id = '', version = '0'] = value.default.split('@');
    return { router: { rules, default: { policy: id, version: Number(version) } }, diagnostics };
  }

  /** Lock entries whose policy file is gone: published versions must stay while invoices may be pinned to them. */
  orphanedLockEntries(): Diagnostic[] {
    const lock = this.lock();
    const out: Diagnostic[] = [];
    for (const [ref, entry] of lock.entries) {
      const [id, version] = ref.split('@');
      const file = path.join(this.policiesRoot, id ?? '', `v${version}.yaml`);
      if (!existsSync(file)) {
        out.push({ file: lock.file, line: entry.line, col: entry.col, message: `${ref} is published but ${this.display(file)} is missing; restore it: invoices in flight may be pinned to it` });
      }
    }
    return out;
  }
}

export function loadCalendar(file: string, text: string): { calendar?: BusinessCalendar; diagnostics: Diagnostic[] } {
  const source = parseYamlSource(file, text);
  if (source.syntaxErrors.length > 0) return { diagnostics: source.syntaxErrors };
  const { value, diagnostics } = parseWithSchema(source, calendarFileSchema);
  if (!value) return { diagnostics };
  const expectedId = path.basename(file).replace(/\.ya?ml$/, '');
  if (value.id !== expectedId) diagnostics.push(diagnosticAt(source, ['id'], `id: "${value.id}" does not match the file name ${expectedId}.yaml`));
  const seen = new Map<string, number>();
  value.holidays.forEach((h, i) => {
    if (!DateTime.fromISO(h.date, { zone: 'utc' }).isValid) diagnostics.push(diagnosticAt(source, ['holidays', i, 'date'], `holidays[${i}].date: ${h.date} is not a real date`));
    const first = seen.get(h.date);
    if (first !== undefined) diagnostics.push(diagnosticAt(source, ['holidays', i, 'date'], `holidays[${i}].date: ${h.date} is listed twice (also holidays[${first}])`));
    seen.set(h.date, i);
  });
  if (diagnostics.length > 0) return { diagnostics };
  return {
    calendar: {
      id: value.id,
      weekend: value.weekend ? value.weekend.map(weekdayNumber) : [...defaultWeekend],
      holidays: [...seen.keys()].sort(),
    },
    diagnostics,
  };
}

export type CatalogFileKind = 'policy' | 'router' | 'lock' | 'calendar';

export function classifyFile(file: string): CatalogFileKind | undefined {
  const name = path.basename(file);
  if (name === lockFileName) return 'lock';
  if (name === routerFileName) return 'router';
  if (path.basename(path.dirname(file)) === calendarsDirName && /\.ya?ml$/.test(name)) return 'calendar';
  if (/^v\d+\.ya?ml$/.test(name)) return 'policy';
  return undefined;
}

function walkFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? walkFiles(full) : [full];
    });
}

/**
 * `dunmore policy validate [paths…]`: every file under the given folders (or the files themselves). A folder that
 * holds policies is treated as a catalog root: its lock file and router are checked too.
 */
export function validatePaths(paths: readonly string[], options: { templatesRoot?: string } = {}): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const catalogs = new Map<string, PolicyCatalog>();
  const catalogFor = (root: string): PolicyCatalog => {
    const key = path.resolve(root);
    let catalog = catalogs.get(key);
    if (!catalog) {
      catalog = new PolicyCatalog({ policiesRoot: root, ...(options.templatesRoot ? { templatesRoot: options.templatesRoot } : {}) });
      catalogs.set(key, catalog);
    }
    return catalog;
  };
  for (const given of paths) {
    if (!existsSync(given)) {
      diagnostics.push({ file: given, line: 1, col: 1, message: 'no such file or folder' });
      continue;
    }
    const isDir = statSync(given).isDirectory();
    const files = isDir ? walkFiles(given).filter((f) => /\.ya?ml$/.test(f) || path.basename(f) === lockFileName) : [given];
    for (const file of files) {
      const kind = classifyFile(file);
      const root = kind === 'policy' ? path.dirname(path.dirname(file)) : kind === 'calendar' ? path.dirname(path.dirname(file)) : path.dirname(file);
      const catalog = catalogFor(root);
      switch (kind) {
        case 'policy':
          diagnostics.push(...catalog.load(file).diagnostics);
          break;
        case 'router':
          diagnostics.push(...catalog.router(file).diagnostics);
          break;
        case 'lock':
          diagnostics.push(...catalog.lock().diagnostics, ...catalog.orphanedLockEntries());
          break;
        case 'calendar':
          diagnostics.push(...loadCalendar(catalog.display(file), readFileSync(file, 'utf8')).diagnostics);
          break;
        default:
          diagnostics.push({ file, line: 1, col: 1, message: 'not a catalog file: policies are named <id>/v<N>.yaml; calendars live in calendars/; the router is router.yaml' });
      }
    }
  }
  return sortDiagnostics(diagnostics);
}
