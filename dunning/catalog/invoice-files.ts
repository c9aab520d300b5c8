/**
 * Invoice and event files for `dunmore policy simulate`: written in major units and local dates, converted here
 * into the reducer's minor units, with file:line:col diagnostics like policy files.
 */
import { readFileSync } from 'node:fs';
import { toMinorUnits } from '../money.js';
import type { InvoiceEvent, InvoiceFacts } from '../invoice-state.js';
import { CatalogError } from './diagnostics.js';
import type { Diagnostic } from './diagnostics.js';
import { eventFileEntrySchema, invoiceFileSchema } from './schema.js';
import type { EventFileEntry } from './schema.js';
import { parseWithSchema } from './schema-issues.js';
import { z } from 'zod';
import { diagnosticAt, parseYamlSource } from './yaml-source.js';

/** Reads YAML or JSON (JSON is YAML) into InvoiceFacts; throws CatalogError with every finding. */
export function loadInvoiceFile(file: string, text = readFileSync(file, 'utf8')): InvoiceFacts {
  const source = parseYamlSource(file, text);
  if (source.syntaxErrors.length > 0) throw new CatalogError(source.syntaxErrors);
  const { value, diagnostics } = parseWithSchema(source, invoiceFileSchema);
  if (!value) throw new CatalogError(diagnostics);
  const amountMinor = toMinorUnits(value.amount, value.currency);
  const problems: Diagnostic[] = [];
  if (typeof amountMinor === 'string') problems.push(diagnosticAt(source, ['amount'], `amount: ${amountMinor}`));
  if (value.dueDate < value.issueDate) problems.push(diagnosticAt(source, ['dueDate'], `dueDate: ${value.dueDate} is before issueDate ${value.issueDate}`));
  if (problems.length > 0 || typeof amountMinor === 'string') throw new CatalogError(problems);
  const { debtor } = value;
  return {
    invoiceId: value.invoiceId ?? value.number,
    number: value.number,
    currency: value.currency,
    amountMinor,
    issueDate: value.issueDate,
    dueDate: value.dueDate,
    ...(value.paymentUrl ? { paymentUrl: value.paymentUrl } : {}),
    debtor: {
      id: debtor.id,
      name: debtor.name,
      ...(debtor.contactName ? { contactName: debtor.contactName } : {}),
      ...(debtor.email ? { email: debtor.email } : {}),
      ...(debtor.phone ? { phone: debtor.phone } : {}),
      locale: debtor.locale,
      timeZone: debtor.timeZone,
      ...(debtor.segment ? { segment: debtor.segment } : {}),
      ...(debtor.country ? { country: debtor.country } : {}),
    },
  };
}

/** Events as a list, or under `events:`. Amounts are major units of the invoice currency. */
export function loadEventsFile(file: string, currency: string, text = readFileSync(file, 'utf8')): InvoiceEvent[] {
  const source = parseYamlSource(file, text);
  if (source.syntaxErrors.length > 0) throw new CatalogError(source.syntaxErrors);
  const wrapped = source.data !== null && typeof source.data === 'object' && !Array.isArray(source.data);
  const schema = wrapped ? z.strictObject({ events: z.array(eventFileEntrySchema) }) : z.array(eventFileEntrySchema);
  const { value, diagnostics } = parseWithSchema(source, schema);
  if (!value) throw new CatalogError(diagnostics);
  const entries: EventFileEntry[] = Array.isArray(value) ? value : value.events;
  const problems: Diagnostic[] = [];
  const minor = (amount: number, p: Array<string | number>): number => {
    const result = toMinorUnits(amount, currency);
    if (typeof result === 'string') {
      problems.push(diagnosticAt(source, p, `${p.join('.')}: ${result}`));
      return 0;
    }
    return result;
  };
  const base = wrapped ? ['events'] : [];
  const events = entries.map((e, i): InvoiceEvent => {
    const p = (key: string): Array<string | number> => [...base, i, key];
    switch (e.type) {
      case 'payment':
        return { type: 'payment', at: e.at, reference: e.reference, amountMinor: minor(e.amount, p('amount')) };
      case 'promise-to-pay':
        return { type: 'promise-to-pay', at: e.at, promiseId: e.promiseId, payBy: e.payBy, ...(e.amount !== undefined ? { amountMinor: minor(e.amount, p('amount')) } : {}) };
      case 'dispute-opened':
        return { type: 'dispute-opened', at: e.at, disputeId: e.disputeId, ...(e.amount !== undefined ? { amountMinor: minor(e.amount, p('amount')) } : {}), ...(e.reason ? { reason: e.reason } : {}) };
      case 'dispute-resolved':
        return { type: 'dispute-resolved', at: e.at, disputeId: e.disputeId, outcome: e.outcome, ...(e.credit !== undefined ? { creditMinor: minor(e.credit, p('credit')) } : {}) };
      case 'paused':
        return { type: 'paused', at: e.at, ...(e.until ? { until: e.until } : {}), ...(e.reason ? { reason: e.reason } : {}) };
      case 'resumed':
        return { type: 'resumed', at: e.at };
      case 'due-date-changed':
        return { type: 'due-date-changed', at: e.at, dueDate: e.dueDate, ...(e.reason ? { reason: e.reason } : {}) };
      case 'amount-adjusted':
        return { type: 'amount-adjusted', at: e.at, reference: e.reference, amountMinor: minor(e.amount, p('amount')), ...(e.reason ? { reason: e.reason } : {}) };
    }
  });
  if (problems.length > 0) throw new CatalogError(problems);
  return events;
}
