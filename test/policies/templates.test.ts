import { describe, expect, it } from 'vitest';
import { PolicyCatalog } from '../../dunning/catalog/policy-catalog.js';
import { buildRenderContext, renderContextShape, sampleRenderContext } from '../../dunning/catalog/render-context.js';
import type { RenderContext, ShapeGroup } from '../../dunning/catalog/render-context.js';
import { checkTemplate, parseTemplate, renderMessage, templateLocale } from '../../dunning/catalog/templates.js';
import { formatDiagnostic } from '../../dunning/catalog/diagnostics.js';
import { openInvoice } from '../../dunning/invoice-state.js';
import { smsLength } from '../../dunning/sms.js';
import { invoice } from './policy-builder.js';

const catalog = new PolicyCatalog({ policiesRoot: 'policies' });
const b2b = catalog.resolve('b2b-net30-standard@3');
const consumer = catalog.resolve('consumer-regf@1');

function context(locale: string, overrides: Partial<RenderContext['invoice']> = {}): RenderContext {
  const base = sampleRenderContext(b2b, locale);
  return { ...base, debtor: { ...base.debtor, locale, timeZone: 'America/Chicago' }, invoice: { ...base.invoice, ...overrides } };
}

describe('render context', () => {
  it('the runtime shape lists exactly the fields of the typed context', () => {
    const keysOf = (value: object, prefix = ''): string[] =>
      Object.entries(value).flatMap(([k, v]) => (v && typeof v === 'object' ? keysOf(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));
    expect(keysOf(sampleRenderContext(b2b, 'en')).sort()).toEqual(keysOf(renderContextShape as ShapeGroup).sort());
  });

  it('is built from invoice state: days past due in the debtor zone, disputed amounts set aside', () => {
    const state = openInvoice(invoice({ dueDate: '2025-02-03' }), b2b, '2025-01-02T00:00:00Z');
    const step = b2b.steps[0];
    if (!step) throw new Error('no step');
    // 2025-02-13T04:00Z is still Feb 12 in New York: 9 days past due, not 10.
    expect(buildRenderContext(state, b2b, step, '2025-02-13T04:00:00Z').invoice).toMatchObject({ daysPastDue: 9, daysUntilDue: 0, balance: 100_000 });
  });
});

describe('renderMessage', () => {
  it('renders English money, dates and plurals', () => {
    const message = renderMessage({ templatesRoot: 'templates', policy: b2b, channel: 'email', template: 'friendly-reminder', context: context('en-US', { balance: 425_050, daysUntilDue: 1, dueDate: '2025-03-05' }) });
    expect(message.subject).toBe('Invoice INV-2025-000123 is due March 5, 2025');
    expect(message.text).toContain('for $4,250.50 is due in 1 day, on March 5, 2025.');
    expect(message.html).toContain('<p>Hello Alexandria Montgomery,</p>');
  });

  it('renders Spanish with the debtor locale (es-MX falls back to the es template)', () => {
    expect(templateLocale(b2b, 'es-MX')).toBe('es');
    const message = renderMessage({ templatesRoot: 'templates', policy: b2b, channel: 'email', template: 'overdue-notice', context: context('es-MX', { balance: 425_050, daysPastDue: 12 }) });
    expect(message.locale).toBe('es');
    expect(message.subject).toBe('La factura INV-2025-000123 tiene 12 días de atraso');
    expect(message.text).toContain('con vencimiento el 14 de febrero de 2025, tiene un saldo pendiente de USD\u00a04,250.50.');
  });

  it('formats by ISO 4217 exponent: yen have no minor unit, dinars three', () => {
    const base = context('en-US');
    const yen = renderMessage({ templatesRoot: 'templates', policy: b2b, channel: 'email', template: 'due-today', context: { ...base, invoice: { ...base.invoice, currency: 'JPY', balance: 125_000 } } });
    expect(yen.text).toContain('for ¥125,000 is due today');
    const dinar = renderMessage({ templatesRoot: 'templates', policy: b2b, channel: 'email', template: 'due-today', context: { ...base, invoice: { ...base.invoice, currency: 'BHD', balance: 1_234_567 } } });
    expect(dinar.text).toContain('for BHD\u00a01,234.567 is due today');
  });

  it('escapes invoice data in HTML but not in the text part', () => {
    const base = context('en-US');
    const message = renderMessage({ templatesRoot: 'templates', policy: b2b, channel: 'email', template: 'due-today', context: { ...base, debtor: { ...base.debtor, contactName: 'Tom & <Jerry>' } } });
    expect(message.html).toContain('Hello Tom &amp; &lt;Jerry&gt;,');
    expect(message.text).toContain('Hello Tom & <Jerry>,');
  });

  it('injects the debt-collector disclosure and opt-out notice into consumer-regF email and SMS, in the message language', () => {
    const base = sampleRenderContext(consumer, 'es');
    const email = renderMessage({ templatesRoot: 'templates', policy: consumer, channel: 'email', template: 'consumer-overdue', context: base });
    expect(email.text).toContain('Esta comunicación proviene de un cobrador de deudas.');
    expect(email.text).toContain('visite https://harbor-recovery.example/opt-out');
    expect(email.html).toContain('Esta comunicación proviene de un cobrador de deudas.');
    const sms = renderMessage({ templatesRoot: 'templates', policy: consumer, channel: 'sms', template: 'consumer-overdue', context: { ...base, debtor: { ...base.debtor, locale: 'en' } } });
    expect(sms.text.startsWith('Harbor Recovery Services, a debt collector: ')).toBe(true);
    expect(sms.text.endsWith(' Reply STOP to opt out.')).toBe(true);
    expect(sms.sms).toMatchObject({ encoding: 'GSM-7' });
  });

  it('commercial messages carry no debt-collector disclosure', () => {
    const message = renderMessage({ templatesRoot: 'templates', policy: b2b, channel: 'sms', template: 'overdue-short', context: context('en') });
    expect(message.text).not.toContain('debt collector');
  });

  it('keeps Spanish SMS in GSM-7: the no-break space Intl puts in amounts is normalised', () => {
    const message = renderMessage({ templatesRoot: 'templates', policy: b2b, channel: 'sms', template: 'overdue-short', context: context('es-ES') });
    expect(message.sms).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });
});

describe('template validation', () => {
  const check = (text: string, channel: 'email' | 'sms' = 'email', policy = b2b): string[] => {
    const { template, diagnostics } = parseTemplate('t.hbs', text, channel);
    return [...diagnostics, ...(template ? checkTemplate(template, { policy, locale: 'en' }) : [])].map(formatDiagnostic);
  };
  const email = (html: string, text = 'x', subject = 'S'): string => `---\nsubject: ${subject}\n---\n=== html ===\n${html}\n=== text ===\n${text}\n`;

  it.each([
    [email('<p>{{invoice.numbr}}</p>'), 't.hbs:5:6: unknown variable "invoice.numbr"; did you mean "invoice.number"?'],
    [email('<p>{{date invoice.balance}}</p>'), 't.hbs:5:11: date expects a date such as invoice.dueDate, not "invoice.balance" (money)'],
    [email('<p>{{invoice.dueDate}}</p>'), 't.hbs:5:6: "invoice.dueDate" is a date: write {{date invoice.dueDate}}'],
    [email('<p>{{money promise.amount}}</p>'), 't.hbs:5:12: "promise.amount" may be empty: wrap it in {{#if promise}}…{{/if}}'],
    [email('<p>{{#each debtor}}x{{/each}}</p>'), 't.hbs:5:4: {{#each}} blocks are not supported: use {{#if …}} or {{#unless …}}'],
    [email('<p>{{{debtor.name}}}</p>'), 't.hbs:5:4: triple braces {{{…}}} insert raw HTML from invoice data; use {{…}} so it is escaped'],
    [email('<p>{{> footer}}</p>'), 't.hbs:5:4: partials ({{> …}}) are not supported: templates must be self-contained so a published policy renders the same text'],
    [email('<p>{{monee invoice.balance}}</p>'), 't.hbs:5:4: unknown helper "monee"; did you mean "money"?'],
    [email('<p>ok</p>', 'x', '"Due {{debtor.nam}}"'), 't.hbs:2:17: unknown variable "debtor.nam"; did you mean "debtor.name"?'],
    [email('<p>{{plural invoice.daysPastDue one="# day"}}</p>'), 't.hbs:5:4: plural needs other="…" (and usually one="…"), e.g. {{plural invoice.daysPastDue one="# day" other="# days"}}'],
    ['---\nsubject: S\ndisclosure: false\n---\n=== html ===\nx\n=== text ===\nx\n', 't.hbs:3:1: front matter key "disclosure" tries to control required notices; the renderer adds the debt-collector disclosure and opt-out notice itself and no template may turn them off: remove "disclosure"'],
    ['---\nsubject: S\n---\nno parts here\n', 't.hbs:4:1: email template needs an HTML and a text part: add a line "=== html ===" before the HTML and "=== text ===" before the plain text'],
  ])('%#: reports %s', (text, expected) => {
    expect(check(text)).toEqual([expected]);
  });

  it('refuses consumer-regF HTML that would hide the appended notices', () => {
    expect(check(email('<p>Balance</p>\n<!-- old footer'), 'email', consumer)).toEqual([
      't.hbs:6:1: unclosed HTML comment would hide the debt-collector disclosure and opt-out notice appended after the template: close it with -->',
    ]);
    expect(check(email('<p>Balance</p>\n<style>p { color: red }'), 'email', consumer)).toEqual([
      't.hbs:6:1: unclosed <style> would swallow the notices appended after the template: close it with </style>',
    ]);
    expect(check(email('<p>Balance</p>\n<!-- old footer'))).toEqual([]);
  });
});

describe('SMS segments', () => {
  it.each([
    ['a'.repeat(160), 'GSM-7', 1],
    ['a'.repeat(161), 'GSM-7', 2],
    ['a'.repeat(306), 'GSM-7', 2],
    ['a'.repeat(307), 'GSM-7', 3],
    ['€'.repeat(80), 'GSM-7', 1],
    ['€'.repeat(81), 'GSM-7', 2],
    ['a'.repeat(152) + '€', 'GSM-7', 1],
    ['a'.repeat(152) + '€' + 'a'.repeat(7), 'GSM-7', 2],
    // 306 septets would fit two segments, but an escape pair never straddles a boundary: three.
    ['a'.repeat(152) + '€' + 'a'.repeat(152), 'GSM-7', 3],
    ['día', 'UCS-2', 1],
    ['í' + 'a'.repeat(69), 'UCS-2', 1],
    ['í' + 'a'.repeat(70), 'UCS-2', 2],
    ['😀'.repeat(35), 'UCS-2', 1],
    ['😀'.repeat(36), 'UCS-2', 2],
  ] as const)('%#: %s → %s, %i segment(s)', (text, encoding, segments) => {
    expect(smsLength(text)).toMatchObject({ encoding, segments });
  });
});
