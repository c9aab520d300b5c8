/**
 * The authoring schemas: what ops analysts write in YAML. Strict objects everywhere, so a typo is an error with a
 * suggestion instead of a silently ignored setting. Zod stays on this (I/O) side: the workflow receives the
 * compiled policy, never these schemas.
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { isIsoCurrency } from '../money.js';
import { offsetHelp, parseOffset } from '../offset.js';

export const stepActions = ['email', 'sms', 'call_task', 'escalate', 'webhook'] as const;
export const finalActions = ['escalate', 'hand_to_agency', 'write_off_review'] as const;
export const fallbackChannels = ['email', 'sms', 'call_task'] as const;
export const tones = ['friendly', 'neutral', 'firm', 'final'] as const;
export const complianceProfiles = ['consumer-regF', 'first-party', 'commercial'] as const;
export const anchors = ['issue', 'due', 'previous', 'brokenPromise'] as const;

const show = (input: unknown): string => (typeof input === 'string' ? JSON.stringify(input) : String(input));

const slug = (what: string) =>
  z.string({ error: `expected a ${what} (lower-case letters, digits and dashes)` }).regex(/^[a-z0-9][a-z0-9-]{0,62}$/, {
    error: (issue) => `${show(issue.input)} is not a valid ${what}: use lower-case letters, digits and dashes, e.g. "overdue-7"`,
  });

export const offsetText = z
  .string({ error: (issue) => `${show(issue.input)} is not a duration: ${offsetHelp}` })
  .refine((text) => parseOffset(text) !== undefined, { error: (issue) => `${show(issue.input)} is not a duration: ${offsetHelp}` });

export const clockTime = z
  .string({ error: (issue) => `${show(issue.input)} is not a time: write 24-hour "HH:MM" in quotes, e.g. "09:00"` })
  .refine((t) => /^([01]?\d|2[0-3]):[0-5]\d$/.test(t) || t === '24:00', {
    error: (issue) => `${show(issue.input)} is not a time: write 24-hour "HH:MM" in quotes, e.g. "09:00"`,
  });

export const timeZoneName = z
  .string()
  .refine((zone) => IANAZone.isValidZone(zone), { error: (issue) => `${show(issue.input)} is not an IANA time zone${zoneSuggestion(String(issue.input))}` });

function zoneSuggestion(zone: string): string {
  const zones = Intl.supportedValuesOf('timeZone');
  const lower = zone.toLowerCase();
  const close = zones.find((z) => z.toLowerCase() === lower) ?? zones.filter((z) => z.split('/')[0] === zone.split('/')[0]).find((z) => levenshteinAtMost(z, zone, 3));
  return close ? `; did you mean "${close}"?` : '; use a name like "America/New_York" or "Europe/Paris"';
}

function levenshteinAtMost(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return (row[b.length] ?? max + 1) <= max;
}

const currencyCode = z
  .string()
  .refine((c) => /^[A-Z]{3}$/.test(c) && isIsoCurrency(c), { error: (issue) => `${show(issue.input)} is not an ISO 4217 currency code such as USD, EUR or GBP` });

const countryCode = z.string().regex(/^[A-Z]{2}$/, { error: (issue) => `${show(issue.input)} is not an ISO 3166 two-letter country code such as US or GB` });

const localeTag = z.string().refine(
  (tag) => {
    try {
      return Intl.getCanonicalLocales(tag).length === 1;
    } catch {
      return false;
    }
  },
  { error: (issue) => `${show(issue.input)} is not a BCP 47 locale such as en, es or en-GB` },
);

const amount = z.number({ error: (issue) => `${show(issue.input)} is not an amount: write a number in major units, e.g. 50 or 1250.00` }).min(0);

const amountRange = z
  .strictObject({ min: amount.optional(), max: amount.optional() })
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, { error: 'min is greater than max; swap them' });

export const routeMatchSchema = z.strictObject({
  segment: z.array(slug('segment name')).min(1).optional(),
  currency: z.array(currencyCode).min(1).optional(),
  country: z.array(countryCode).min(1).optional(),
  amount: amountRange.optional(),
});

export const atSchema = z.strictObject({
  issue: offsetText.optional(),
  due: offsetText.optional(),
  previous: offsetText.optional(),
  brokenPromise: offsetText.optional(),
  time: clockTime.optional(),
});

export const conditionsSchema = z.strictObject({
  minBalance: amount.optional(),
  segment: z.array(slug('segment name')).min(1).optional(),
  noActivePromise: z.boolean().optional(),
  notDisputed: z.boolean().optional(),
});

export const stepSchema = z.strictObject({
  id: slug('step id'),
  at: atSchema,
  action: z.enum(stepActions),
  template: slug('template name').optional(),
  tone: z.enum(tones).optional(),
  queue: slug('queue name').optional(),
  url: z.url({ error: (issue) => `${show(issue.input)} is not a URL: write https://…` }).optional(),
  fallback: z.enum(fallbackChannels).optional(),
  requiresApproval: z.boolean().optional(),
  conditions: conditionsSchema.optional(),
});

export const finalActionSchema = z.strictObject({
  id: slug('step id').optional(),
  at: atSchema,
  action: z.enum(finalActions),
  queue: slug('queue name').optional(),
  requiresApproval: z.boolean().optional(),
});

const goTo = z.strictObject({ goTo: slug('step id').optional() });

export const policyFileSchema = z.strictObject({
  id: slug('policy id'),
  version: z.number({ error: 'expected a whole number, e.g. 3' }).int({ error: 'expected a whole number, e.g. 3' }).min(1),
  description: z.string().min(1),
  owner: z.string().min(1),
  locales: z.array(localeTag).min(1).optional(),
  appliesTo: routeMatchSchema.optional(),
  timeZone: timeZoneName,
  sendWindow: z.strictObject({
    from: clockTime,
    to: clockTime,
    businessDaysOnly: z.boolean().optional(),
    calendar: z.string().regex(/^[A-Za-z0-9_-]+$/).optional(),
    jitterMinutes: z.number().int().min(0).max(240).optional(),
  }),
  compliance: z.strictObject({
    profile: z.enum(complianceProfiles),
    maxMessagesPerDebtorPerDay: z.number().int().min(1).optional(),
    maxMessagesPerDebtorPerWeek: z.number().int().min(1).optional(),
    maxSmsSegments: z.number().int().min(1).max(10).optional(),
  }),
  sender: z.strictObject({
    name: z.string().min(1),
    email: z.email({ error: (issue) => `${show(issue.input)} is not an email address` }).optional(),
    phone: z.string().optional(),
    optOutUrl: z.url({ error: (issue) => `${show(issue.input)} is not a URL: write https://…` }).optional(),
  }),
  steps: z.array(stepSchema).min(1, { error: 'a policy needs at least one step' }),
  finalAction: finalActionSchema.optional(),
  onPromiseToPay: z
    .strictObject({
      maxDays: z.number().int().min(1).max(365),
      graceDays: z.number().int().min(0).max(30).optional(),
      whenBroken: goTo.optional(),
    })
    .optional(),
  onDispute: z.strictObject({ pause: z.enum(['invoice', 'disputed-amount']), whenResolved: goTo.optional() }).optional(),
  onPartialPayment: z.strictObject({ holdDays: z.number().int().min(0).max(60).optional(), goTo: slug('step id').optional() }).optional(),
  balanceTolerance: z.strictObject({ amount: amount.optional(), percent: z.number().min(0).max(100).optional() }).optional(),
});

export type PolicyFile = z.infer<typeof policyFileSchema>;

const weekdayNames = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

export const calendarFileSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]+$/),
  name: z.string().min(1),
  source: z.string().optional(),
  weekend: z.array(z.enum(weekdayNames)).optional(),
  holidays: z.array(
    z.strictObject({
      date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: (issue) => `${show(issue.input)} is not a date: write YYYY-MM-DD` }),
      name: z.string().min(1),
    }),
  ),
});

export const weekdayNumber = (name: (typeof weekdayNames)[number]): number => weekdayNames.indexOf(name) + 1;

const policyRef = z.string().regex(/^[a-z0-9][a-z0-9-]*@\d+$/, {
  error: (issue) => `${show(issue.input)} is not a policy reference: write <id>@<version>, e.g. b2b-net30-standard@3`,
});

export const routerFileSchema = z.strictObject({
  rules: z.array(z.strictObject({ policy: policyRef, when: routeMatchSchema })).optional(),
  default: policyRef,
});

export const lockFileSchema = z.record(
  z.string().regex(/^[a-z0-9][a-z0-9-]*@\d+$/, { error: 'keys are <id>@<version>' }),
  z.string().regex(/^sha256:[0-9a-f]{64}$/, { error: (issue) => `${show(issue.input)} is not a content hash: expected sha256: and 64 hex digits` }),
);

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: (issue) => `${show(issue.input)} is not a date: write YYYY-MM-DD` });
const isoInstant = z.iso.datetime({ offset: true, error: (issue) => `${show(issue.input)} is not an instant: write ISO 8601 with an offset, e.g. 2025-03-01T14:00:00Z` });

export const invoiceFileSchema = z.strictObject({
  invoiceId: z.string().min(1).optional(),
  number: z.string().min(1),
  currency: currencyCode,
  amount: amount,
  issueDate: isoDate,
  dueDate: isoDate,
  paymentUrl: z.url().optional(),
  debtor: z.strictObject({
    id: z.string().min(1),
    name: z.string().min(1),
    contactName: z.string().optional(),
    email: z.email().optional(),
    phone: z.string().regex(/^\+[1-9]\d{6,14}$/, { error: (issue) => `${show(issue.input)} is not an E.164 number such as +15555550123` }).optional(),
    locale: localeTag,
    timeZone: timeZoneName,
    segment: z.string().optional(),
    country: countryCode.optional(),
  }),
});

export type InvoiceFile = z.infer<typeof invoiceFileSchema>;

const eventBase = { at: isoInstant };
export const eventFileEntrySchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('payment'), ...eventBase, reference: z.string().min(1), amount }),
    z.strictObject({ type: z.literal('promise-to-pay'), ...eventBase, promiseId: z.string().min(1), payBy: isoDate, amount: amount.optional() }),
    z.strictObject({ type: z.literal('dispute-opened'), ...eventBase, disputeId: z.string().min(1), amount: amount.optional(), reason: z.string().optional() }),
    z.strictObject({
      type: z.literal('dispute-resolved'),
      ...eventBase,
      disputeId: z.string().min(1),
      outcome: z.enum(['upheld', 'rejected', 'credit']),
      credit: amount.optional(),
    }),
    z.strictObject({ type: z.literal('paused'), ...eventBase, until: isoInstant.optional(), reason: z.string().optional() }),
    z.strictObject({ type: z.literal('resumed'), ...eventBase }),
    z.strictObject({ type: z.literal('due-date-changed'), ...eventBase, dueDate: isoDate, reason: z.string().optional() }),
    z.strictObject({ type: z.literal('amount-adjusted'), ...eventBase, reference: z.string().min(1), amount: z.number(), reason: z.string().optional() }),
  ],
  { error: (issue) => `event type ${show((issue.input as { type?: unknown } | undefined)?.type)} is not one of payment, promise-to-pay, dispute-opened, dispute-resolved, paused, resumed, due-date-changed, amount-adjusted` },
);

export const eventsFileSchema = z.union([z.array(eventFileEntrySchema), z.strictObject({ events: z.array(eventFileEntrySchema) })]);
export type EventFileEntry = z.infer<typeof eventFileEntrySchema>;
