/**
 * Message templates: `templates/<channel>/<name>.<locale>.hbs`. Emails carry a subject in front matter and an
 * HTML and a text part; SMS and call scripts are a single text body.
 *
 *     ---
 *     subject: Invoice {{invoice.number}} is due {{date invoice.dueDate}}
 *     ---
 *     === html ===
 *     <p>Hello {{debtor.contactName}}, …</p>
 *     === text ===
 *     Hello {{debtor.contactName}}, …
 *
 * Validation walks each template's syntax tree against the typed render context; rendering injects the
 * consumer-regF notices after the template, where the template cannot reach them.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { HelperOptions } from 'handlebars';
import { DateTime } from 'luxon';
import { isMap, isPair, isScalar, LineCounter, parseDocument } from 'yaml';
import { formatMoney } from '../money.js';
import type { ComplianceProfile, CompiledPolicy } from '../policy.js';
import { smsLength } from '../sms.js';
import type { SmsLength } from '../sms.js';
import type { Diagnostic } from './diagnostics.js';
import { suggestion } from './diagnostics.js';
import { regFNotices } from './disclosures.js';
import { nullableGroups, renderContextShape, sampleRenderContext } from './render-context.js';
import type { FieldKind, RenderContext, ShapeGroup } from './render-context.js';

export type TemplateChannel = 'email' | 'sms' | 'call';

export interface TemplatePart {
  source: string;
  /** 1-based line in the file where the part's first line is. */
  line: number;
  /** 1-based column of the part's first character (subjects start mid-line). */
  col: number;
}

export interface ParsedTemplate {
  file: string;
  channel: TemplateChannel;
  subject?: TemplatePart;
  html?: TemplatePart;
  text: TemplatePart;
}

export interface RenderedMessage {
  channel: TemplateChannel;
  locale: string;
  subject?: string;
  html?: string;
  text: string;
  /** SMS only: length including injected notices. */
  sms?: SmsLength;
}

/** Where a policy step's template lives. Call tasks use `call/` scripts. */
export function templateFile(templatesRoot: string, channel: TemplateChannel, name: string, locale: string): string {
  return path.join(templatesRoot, channel, `${name}.${locale}.hbs`);
}

export function channelForAction(action: string): TemplateChannel | undefined {
  return action === 'email' ? 'email' : action === 'sms' ? 'sms' : action === 'call_task' ? 'call' : undefined;
}

const frontMatterKeys = ['subject', 'description'];
const suppressionKeys = ['disclosure', 'disclosures', 'optOut', 'optOutNotice', 'suppressDisclosure', 'suppressOptOut', 'footer'];

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}

/** Splits a template file into parts; structural problems come back as diagnostics. */
export function parseTemplate(file: string, text: string, channel: TemplateChannel): { template?: ParsedTemplate; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const at = (line: number, col: number, message: string): void => void diagnostics.push({ file, line, col, message });
  const source = text.replace(/\r\n/g, '\n');
  let body = source;
  let bodyLine = 1;
  let subject: TemplatePart | undefined;
  if (source.startsWith('---\n')) {
    const end = source.indexOf('\n---', 3);
    if (end < 0) {
      at(1, 1, 'front matter is not closed: add a line with --- after it');
      return { diagnostics };
    }
    const yamlText = source.slice(4, end + 1);
    const lineCounter = new LineCounter();
    const doc = parseDocument(yamlText, { lineCounter });
    for (const error of doc.errors) {
      const pos = error.linePos?.[0] ?? { line: 1, col: 1 };
      at(pos.line + 1, pos.col, `front matter: ${(error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '')}`);
    }
    if (isMap(doc.contents)) {
      for (const pair of doc.contents.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const keyPos = lineCounter.linePos(pair.key.range?.[0] ?? 0);
        if (suppressionKeys.includes(key)) {
          at(keyPos.line + 1, keyPos.col, `front matter key "${key}" tries to control required notices; the renderer adds the debt-collector disclosure and opt-out notice itself and no template may turn them off: remove "${key}"`);
        } else if (!frontMatterKeys.includes(key)) {
          at(keyPos.line + 1, keyPos.col, `unknown front matter key "${key}"${suggestion(key, frontMatterKeys)}`);
        } else if (key === 'subject' && isScalar(pair.value)) {
          const range = pair.value.range ?? [0, 0, 0];
          const pos = lineCounter.linePos(range[0]);
          const quoted = pair.value.type === 'QUOTE_DOUBLE' || pair.value.type === 'QUOTE_SINGLE';
          subject = { source: String(pair.value.value), line: pos.line + 1, col: pos.col + (quoted ? 1 : 0) };
        }
      }
    } else if (doc.contents !== null && doc.errors.length === 0) {
      at(2, 1, 'front matter must be key: value lines, e.g. subject: Invoice {{invoice.number}}');
    }
    body = source.slice(end + 4).replace(/^\n/, '');
    bodyLine = lineOfOffset(source, end + 4) + (source[end + 4] === '\n' ? 1 : 0);
  }

  if (channel !== 'email') {
    if (subject) at(subject.line, subject.col, `${channel} templates have no subject; remove it from the front matter`);
    return { template: { file, channel, text: { source: body.replace(/\n+$/, ''), line: bodyLine, col: 1 } }, diagnostics };
  }

  if (!subject) at(1, 1, 'email template has no subject: add front matter with "subject: …" at the top');
  const htmlMarker = /^=== html ===$/m.exec(body);
  const textMarker = /^=== text ===$/m.exec(body);
  if (!htmlMarker || !textMarker) {
    at(bodyLine, 1, `email template needs an HTML and a text part: add a line "=== html ===" before the HTML and "=== text ===" before the plain text${!htmlMarker && !textMarker ? '' : !htmlMarker ? ' (the html marker is missing)' : ' (the text marker is missing)'}`);
    return { diagnostics };
  }
  if (textMarker.index < htmlMarker.index) at(bodyLine + lineOfOffset(body, textMarker.index) - 1, 1, 'put the "=== html ===" part before the "=== text ===" part');
  const htmlStart = htmlMarker.index + htmlMarker[0].length + 1;
  const textStart = textMarker.index + textMarker[0].length + 1;
  const html: TemplatePart = {
    source: body.slice(htmlStart, Math.max(htmlStart, textMarker.index)).replace(/\n+$/, ''),
    line: bodyLine + lineOfOffset(body, htmlStart) - 1,
    col: 1,
  };
  const textPart: TemplatePart = { source: body.slice(textStart).replace(/\n+$/, ''), line: bodyLine + lineOfOffset(body, textStart) - 1, col: 1 };
  if (diagnostics.length > 0) return { diagnostics };
  return { template: { file, channel, ...(subject ? { subject } : {}), html, text: textPart }, diagnostics };
}

// ---- helpers -------------------------------------------------------------------------------------------------

const knownHelpers = { money: true, date: true, plural: true } as const;
const helperNames = Object.keys(knownHelpers);

function rootOf(options: HelperOptions): RenderContext {
  return (options.data as { root: RenderContext }).root;
}

const dateStyles: Record<string, Intl.DateTimeFormatOptions> = {
  short: DateTime.DATE_SHORT,
  medium: DateTime.DATE_MED,
  long: DateTime.DATE_FULL,
  full: DateTime.DATE_HUGE,
};

function registerHelpers(env: typeof Handlebars): void {
  env.registerHelper('money', function (this: unknown, value: unknown, options: HelperOptions) {
    const root = rootOf(options);
    if (typeof value !== 'number') throw new Error(`money expects an amount in minor units, got ${JSON.stringify(value)}`);
    const currency = typeof options.hash.currency === 'string' ? options.hash.currency : root.invoice.currency;
    return formatMoney(value, currency, root.debtor.locale);
  });
  env.registerHelper('date', function (this: unknown, value: unknown, options: HelperOptions) {
    const root = rootOf(options);
    if (typeof value !== 'string') throw new Error(`date expects a date, got ${JSON.stringify(value)}`);
    const style = dateStyles[String(options.hash.style ?? 'long')] ?? DateTime.DATE_FULL;
    // A date-only value is already the debtor's local date; an instant is converted into the debtor's zone.
    const parsed = /^\d{4}-\d{2}-\d{2}$/.test(value) ? DateTime.fromISO(value, { zone: root.debtor.timeZone }) : DateTime.fromISO(value).setZone(root.debtor.timeZone);
    return parsed.setLocale(root.debtor.locale).toLocaleString(style);
  });
  env.registerHelper('plural', function (this: unknown, count: unknown, options: HelperOptions) {
    const root = rootOf(options);
    const n = typeof count === 'number' ? count : Number(count);
    const rule = new Intl.PluralRules(root.debtor.locale).select(n);
    const form = String(options.hash[rule] ?? options.hash.other ?? options.hash.one ?? '#');
    return form.replace(/#/g, new Intl.NumberFormat(root.debtor.locale).format(n));
  });
}

const htmlEnv = Handlebars.create();
const textEnv = Handlebars.create();
registerHelpers(htmlEnv);
registerHelpers(textEnv);

const compileOptions = { strict: true, knownHelpers, knownHelpersOnly: true } as const;

// ---- validation ------------------------------------------------------------------------------------------------


function kindAt(pathParts: string[]): FieldKind | ShapeGroup | undefined {
  let current: FieldKind | ShapeGroup | undefined = renderContextShape;
  for (const part of pathParts) {
    if (current === undefined || typeof current === 'string') return undefined;
    current = current[part];
  }
  return current;
}

function knownPaths(group: ShapeGroup = renderContextShape, prefix = ''): string[] {
  return Object.entries(group).flatMap(([key, value]) => (typeof value === 'string' ? [`${prefix}${key}`] : knownPaths(value, `${prefix}${key}.`)));
}

const allPaths = knownPaths();

/** Unknown variables, misused amounts/dates and unsupported constructs in one template part. */
function checkPart(file: string, part: TemplatePart, html: boolean): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const at = (loc: hbs.AST.SourceLocation | undefined, message: string): void => {
    const line = part.line + (loc ? loc.start.line - 1 : 0);
    const col = (loc && loc.start.line === 1 ? part.col - 1 : 0) + (loc ? loc.start.column + 1 : 1);
    diagnostics.push({ file, line, col, message });
  };
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(part.source);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const lineMatch = /on line (\d+)/.exec(message);
    const detail = message.split('\n').filter((l) => l.startsWith('Expecting') || l.startsWith('Parse error'))[0] ?? message.split('\n')[0];
    diagnostics.push({ file, line: part.line + Number(lineMatch?.[1] ?? 1) - 1, col: 1, message: `template syntax: ${detail}` });
    return diagnostics;
  }

  const checkPath = (node: hbs.AST.PathExpression, expected: FieldKind | 'any', guarded: ReadonlySet<string>, usage: string): void => {
    if (node.data || node.depth > 0 || node.parts.length === 0) {
      at(node.loc, `{{${node.original}}} is not supported: refer to fields from the top, e.g. {{invoice.number}}`);
      return;
    }
    const dotted = node.parts.join('.');
    const kind = kindAt(node.parts);
    if (kind === undefined) {
      at(node.loc, `unknown variable "${dotted}"${suggestion(dotted, allPaths)}`);
      return;
    }
    const group = node.parts[0] ?? '';
    if (nullableGroups.includes(group) && node.parts.length > 1 && !guarded.has(group)) {
      at(node.loc, `"${dotted}" may be empty: wrap it in {{#if ${group}}}…{{/if}}`);
    }
    if (typeof kind !== 'string') {
      if (expected !== 'any') at(node.loc, `"${dotted}" is a group of fields, not a value: use one of ${knownPaths(kind, `${dotted}.`).join(', ')}`);
      return;
    }
    if (expected === 'any') return;
    // Helper arguments first: inside {{date …}} the useful message is about the date helper, not about money.
    if (expected === 'money' && kind !== 'money') at(node.loc, `money expects an amount such as invoice.balance, not "${dotted}" (${kind})`);
    else if (expected === 'date' && kind !== 'date') at(node.loc, `date expects a date such as invoice.dueDate, not "${dotted}" (${kind})`);
    else if (expected === 'number' && kind !== 'number') at(node.loc, `plural expects a number such as invoice.daysPastDue, not "${dotted}" (${kind})`);
    else if (expected === 'text' && kind === 'money') at(node.loc, `"${dotted}" is an amount in minor units: write {{money ${dotted}}}${usage}`);
    else if (expected === 'text' && kind === 'date') at(node.loc, `"${dotted}" is a date: write {{date ${dotted}}}${usage}`);
  };

  const checkExpression = (node: hbs.AST.Expression, expected: FieldKind | 'any', guarded: ReadonlySet<string>): void => {
    if (node.type === 'PathExpression') checkPath(node as hbs.AST.PathExpression, expected, guarded, '');
    else if (node.type === 'SubExpression') at(node.loc, 'nested helper calls are not supported: use one helper per {{…}}');
  };

  const checkHelperCall = (name: string, params: hbs.AST.Expression[], hash: hbs.AST.Hash | undefined, loc: hbs.AST.SourceLocation, guarded: ReadonlySet<string>): void => {
    if (!helperNames.includes(name)) {
      at(loc, `unknown helper "${name}"${suggestion(name, helperNames)}`);
      return;
    }
    const expected: FieldKind = name === 'money' ? 'money' : name === 'date' ? 'date' : 'number';
    if (params.length !== 1) at(loc, `${name} takes exactly one value, e.g. {{${name} ${name === 'money' ? 'invoice.balance' : name === 'date' ? 'invoice.dueDate' : 'invoice.daysPastDue one="# day" other="# days"'}}}`);
    params.forEach((p) => checkExpression(p, expected, guarded));
    const allowedHash = name === 'money' ? ['currency'] : name === 'date' ? ['style'] : ['zero', 'one', 'two', 'few', 'many', 'other'];
    for (const pair of hash?.pairs ?? []) {
      if (!allowedHash.includes(pair.key)) at(pair.loc, `${name} has no option "${pair.key}"${suggestion(pair.key, allowedHash)}`);
      if (name === 'date' && pair.key === 'style' && pair.value.type === 'StringLiteral' && !(String((pair.value as hbs.AST.StringLiteral).value) in dateStyles)) {
        at(pair.loc, `date style "${(pair.value as hbs.AST.StringLiteral).value}" is not one of ${Object.keys(dateStyles).join(', ')}`);
      }
    }
    if (name === 'plural' && !hash?.pairs.some((p) => p.key === 'other')) at(loc, 'plural needs other="…" (and usually one="…"), e.g. {{plural invoice.daysPastDue one="# day" other="# days"}}');
  };

  const walk = (nodes: hbs.AST.Statement[], guarded: ReadonlySet<string>): void => {
    for (const node of nodes) {
      switch (node.type) {
        case 'MustacheStatement': {
          const m = node as hbs.AST.MustacheStatement;
          if (html && !m.escaped) at(m.loc, 'triple braces {{{…}}} insert raw HTML from invoice data; use {{…}} so it is escaped');
          if (m.path.type !== 'PathExpression') {
            at(m.loc, 'literal values in {{…}} are not supported: write the text directly');
            break;
          }
          const p = m.path as hbs.AST.PathExpression;
          if (m.params.length > 0 || (m.hash?.pairs.length ?? 0) > 0 || helperNames.includes(p.original)) checkHelperCall(p.original, m.params, m.hash, m.loc, guarded);
          else checkPath(p, 'text', guarded, '');
          break;
        }
        case 'BlockStatement': {
          const b = node as hbs.AST.BlockStatement;
          const name = b.path.type === 'PathExpression' ? (b.path as hbs.AST.PathExpression).original : '';
          if (name !== 'if' && name !== 'unless') {
            at(b.loc, `{{#${name}}} blocks are not supported: use {{#if …}} or {{#unless …}}`);
            break;
          }
          const param = b.params[0];
          if (b.params.length !== 1 || !param) at(b.loc, `{{#${name}}} takes one field, e.g. {{#${name} promise}}`);
          else checkExpression(param, 'any', guarded);
          const inner = new Set(guarded);
          if (name === 'if' && param?.type === 'PathExpression') inner.add((param as hbs.AST.PathExpression).parts.join('.'));
          walk(b.program.body, inner);
          if (b.inverse) walk(b.inverse.body, name === 'unless' ? inner : guarded);
          break;
        }
        case 'PartialStatement':
        case 'PartialBlockStatement':
          at(node.loc, 'partials ({{> …}}) are not supported: templates must be self-contained so a published policy renders the same text');
          break;
        case 'DecoratorBlock':
        case 'Decorator':
          at(node.loc, 'decorators are not supported');
          break;
        default:
          break;
      }
    }
  };
  walk(program.body, new Set());
  return diagnostics;
}

const hiddenStyle = /(display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])|opacity\s*:\s*0(?![.\d]*[1-9])|max-height\s*:\s*0(?![.\d]*[1-9]))/i;
const swallowingTags = ['style', 'script', 'title', 'template', 'textarea', 'noscript'];

/** For consumer-regF: HTML that would hide what the renderer appends (an unclosed comment swallows the footer). */
function checkSuppression(file: string, part: TemplatePart): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const source = part.source;
  const pos = (index: number): { line: number; col: number } => {
    const before = source.slice(0, index);
    const line = part.line + (before.match(/\n/g)?.length ?? 0);
    const col = index - before.lastIndexOf('\n');
    return { line, col };
  };
  const open = source.lastIndexOf('<!--');
  if (open >= 0 && source.indexOf('-->', open) < 0) {
    diagnostics.push({ file, ...pos(open), message: 'unclosed HTML comment would hide the debt-collector disclosure and opt-out notice appended after the template: close it with -->' });
  }
  const hidden = hiddenStyle.exec(source);
  if (hidden) {
    diagnostics.push({ file, ...pos(hidden.index), message: `"${hidden[0]}" can hide text; consumer-regF messages must keep every notice clear and conspicuous: remove it` });
  }
  for (const tag of swallowingTags) {
    const opens = (source.match(new RegExp(`<${tag}[\\s>]`, 'gi')) ?? []).length;
    const closes = (source.match(new RegExp(`</${tag}\\s*>`, 'gi')) ?? []).length;
    if (opens > closes) {
      const index = source.search(new RegExp(`<${tag}[\\s>]`, 'i'));
      diagnostics.push({ file, ...pos(index), message: `unclosed <${tag}> would swallow the notices appended after the template: close it with </${tag}>` });
    }
  }
  return diagnostics;
}

function showCharacter(c: string): string {
  const code = `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  return /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(c) ? `"${c}" (${code})` : code;
}

export interface TemplateCheck {
  /** The policy the template is checked for: its profile, SMS cap and sender shape the checks. */
  policy: CompiledPolicy;
  locale: string;
}

/** Everything wrong with a parsed template for one policy and locale. */
export function checkTemplate(template: ParsedTemplate, check: TemplateCheck): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const { policy, locale } = check;
  const regF = policy.compliance.profile === 'consumer-regF';
  if (template.subject) diagnostics.push(...checkPart(template.file, template.subject, false));
  if (template.html) diagnostics.push(...checkPart(template.file, template.html, true));
  diagnostics.push(...checkPart(template.file, template.text, false));
  if (regF && template.html) diagnostics.push(...checkSuppression(template.file, template.html));
  if (regF && template.channel !== 'call' && !regFNotices(locale)) {
    diagnostics.push({ file: template.file, line: 1, col: 1, message: `no vetted debt-collector disclosure exists for locale "${locale}" (policy ${policy.id} is consumer-regF); use a supported locale (en, es) or add the translation to dunning/catalog/disclosures.ts after legal review` });
  }
  if (diagnostics.length === 0 && template.channel === 'sms') {
    const rendered = renderParsed(template, sampleRenderContext(policy, locale), policy, locale);
    const length = rendered.sms ?? smsLength(rendered.text);
    if (length.segments > policy.compliance.maxSmsSegments) {
      const why = length.encoding === 'UCS-2' ? `; characters ${length.nonGsmCharacters.map(showCharacter).join(' ')} force UCS-2 (70 per segment)` : '';
      diagnostics.push({
        file: template.file,
        line: template.text.line,
        col: 1,
        message: `SMS is ${length.segments} segments (${length.encoding}, ${length.characters} characters with sample data${regF ? ' and the required notices' : ''}); policy ${policy.id} allows ${policy.compliance.maxSmsSegments} (compliance.maxSmsSegments): shorten the text${why}`,
      });
    }
  }
  return diagnostics;
}

// ---- rendering -------------------------------------------------------------------------------------------------

const compiled = new Map<string, Handlebars.TemplateDelegate>();

function compilePart(env: typeof Handlebars, source: string, noEscape: boolean): Handlebars.TemplateDelegate {
  const key = `${noEscape ? 't' : 'h'}\u0000${source}`;
  let fn = compiled.get(key);
  if (!fn) {
    fn = env.compile(source, { ...compileOptions, noEscape });
    compiled.set(key, fn);
  }
  return fn;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function renderParsed(template: ParsedTemplate, context: RenderContext, policy: CompiledPolicy, locale: string): RenderedMessage {
  const profile: ComplianceProfile = policy.compliance.profile;
  const notices = profile === 'consumer-regF' ? regFNotices(locale) : undefined;
  if (profile === 'consumer-regF' && template.channel !== 'call' && !notices) {
    throw new Error(`${template.file}: no vetted debt-collector disclosure for locale "${locale}"; refusing to render a consumer-regF message without it`);
  }
  const text = compilePart(textEnv, template.text.source, true)(context).trim();
  if (template.channel === 'sms') {
    // Intl formats "1.234,56 US$" with a no-break space, which is not GSM-7 and would triple the segment count.
    const gsmText = text.replace(/[\u00a0\u2007\u202f]/g, ' ');
    const body = notices ? `${notices.smsPrefix(policy.sender.name)}${gsmText}${notices.smsOptOut}` : gsmText;
    return { channel: 'sms', locale, text: body, sms: smsLength(body) };
  }
  if (template.channel === 'call') return { channel: 'call', locale, text };
  const subject = template.subject ? compilePart(textEnv, template.subject.source, true)(context).trim() : '';
  let html = template.html ? compilePart(htmlEnv, template.html.source, false)(context) : '';
  let plain = text;
  if (notices) {
    const optOut = notices.emailOptOut(policy.sender.name, policy.sender.optOutUrl ?? '');
    const footer = `\n<hr>\n<p style="font-size:14px;color:#333333">${escapeHtml(notices.emailDisclosure)}</p>\n<p style="font-size:14px;color:#333333">${escapeHtml(optOut)}</p>\n`;
    html = /<\/body>/i.test(html) ? html.replace(/<\/body>/i, `${footer}</body>`) : `${html}${footer}`;
    plain = `${plain}\n\n--\n${notices.emailDisclosure}\n${optOut}`;
  }
  return { channel: 'email', locale, subject, html, text: plain };
}

export function loadTemplate(file: string, channel: TemplateChannel): { template?: ParsedTemplate; diagnostics: Diagnostic[] } {
  if (!existsSync(file)) return { diagnostics: [{ file, line: 1, col: 1, message: 'template file not found' }] };
  return parseTemplate(file, readFileSync(file, 'utf8'), channel);
}

/** The template locale for a debtor: exact match, then language ("es-MX" → "es"), then the policy default. */
export function templateLocale(policy: CompiledPolicy, debtorLocale: string): string {
  if (policy.locales.includes(debtorLocale)) return debtorLocale;
  const language = debtorLocale.split('-')[0] ?? '';
  return policy.locales.find((l) => l === language) ?? policy.locales.find((l) => l.split('-')[0] === language) ?? policy.defaultLocale;
}

export interface RenderRequest {
  templatesRoot: string;
  policy: CompiledPolicy;
  channel: TemplateChannel;
  template: string;
  context: RenderContext;
}

/**
 * Renders one message for a send activity: picks the locale, renders subject/HTML/text, injects consumer-regF
 * notices, and refuses an SMS over the policy's segment cap (the caller can then use the step's fallback).
 */
export function renderMessage(request: RenderRequest): RenderedMessage {
  const locale = templateLocale(request.policy, request.context.debtor.locale);
  const file = templateFile(request.templatesRoot, request.channel, request.template, locale);
  const { template, diagnostics } = loadTemplate(file, request.channel);
  if (!template) throw new Error(diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`).join('\n'));
  const rendered = renderParsed(template, request.context, request.policy, locale);
  if (rendered.sms && rendered.sms.segments > request.policy.compliance.maxSmsSegments) {
    throw new Error(
      `${file}: rendered SMS is ${rendered.sms.segments} segments (${rendered.sms.encoding}); policy ${request.policy.id} allows ${request.policy.compliance.maxSmsSegments}: send the fallback instead`,
    );
  }
  return rendered;
}
