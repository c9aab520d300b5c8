/** Request and response schemas of the invoice routes (shared with the bulk route and the fuzz tests). */
import { Type } from '@sinclair/typebox';
import { AmountMinor, oneOf, closed, Currency, E164, Email, ExternalId, Instant, JsonObject, LocalDate, Locale, Reason, ShortText, TimeZone } from '../schemas.js';

export const PolicyRef = Type.String({ pattern: '^[a-z0-9][a-z0-9-]*@[1-9]\\d{0,5}$', description: 'id@version, e.g. b2b-net30-standard@3' });
export const SegmentName = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,39}$', description: 'lower-case segment, e.g. smb, enterprise, consumer' });

export const DebtorFactsBody = closed({
  id: ExternalId,
  name: Type.String({ minLength: 1, maxLength: 200 }),
  contactName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  email: Type.Optional(Email),
  phone: Type.Optional(E164),
  locale: Type.Optional(Locale),
  timeZone: TimeZone,
  segment: Type.Optional(SegmentName),
  country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2, e.g. US' })),
});

export const CreateInvoiceBody = closed({
  externalId: ExternalId,
  number: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  currency: Currency,
  amountMinor: AmountMinor,
  issueDate: LocalDate,
  dueDate: LocalDate,
  paymentUrl: Type.Optional(Type.String({ format: 'uri', maxLength: 2000, pattern: '^https?://' })),
  debtor: DebtorFactsBody,
  /** Bypasses the router; admin and ops only. */
  policy: Type.Optional(PolicyRef),
});

export const CreatedInvoiceSchema = Type.Object({
  externalId: Type.String(),
  workflowId: Type.String(),
  runId: Type.String(),
  status: Type.Literal('open'),
  policy: Type.Object({ id: Type.String(), version: Type.Integer(), contentHash: Type.String(), routedBy: Type.String() }),
  createdBy: Type.String(),
  createdAt: Type.String(),
});

export const BulkCreateBody = closed({ invoices: Type.Array(CreateInvoiceBody, { minItems: 1, maxItems: 500 }) });

export const InvoiceViewSchema = Type.Object({
  externalId: Type.String(),
  workflowId: Type.String(),
  source: oneOf(['mirror', 'workflow', 'archive'], { description: 'mirror: the PostgreSQL mirror row; workflow: the running workflow; archive: the closed invoice’s archive' }),
  state: JsonObject,
});

export const StateQuery = closed({
  consistency: Type.Optional(
    oneOf(['mirror', 'strong'], {
      default: 'mirror',
      description: 'mirror (default): the summary the workflow wrote in the task that applied its latest change; strong: ask the running workflow',
    }),
  ),
});

export const ListQuery = closed({
  status: Type.Optional(oneOf(['open', 'paid', 'credited', 'written-off', 'cancelled'])),
  debtorId: Type.Optional(ExternalId),
  policyId: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' })),
  segment: Type.Optional(SegmentName),
  daysPastDueMin: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  daysPastDueMax: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  nextActionBefore: Type.Optional(Instant),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,4096}$', description: 'nextCursor of the previous page, unchanged' })),
});

export const InvoiceListItem = Type.Object({
  externalId: Type.String(),
  workflowId: Type.String(),
  runId: Type.String(),
  workflowStatus: Type.String(),
  invoiceStatus: Type.Union([Type.String(), Type.Null()]),
  debtorId: Type.Union([Type.String(), Type.Null()]),
  policyId: Type.Union([Type.String(), Type.Null()]),
  segment: Type.Union([Type.String(), Type.Null()]),
  daysPastDue: Type.Union([Type.Integer(), Type.Null()]),
  nextActionAt: Type.Union([Type.String(), Type.Null()]),
  startedAt: Type.String(),
  closedAt: Type.Union([Type.String(), Type.Null()]),
});

export const DueDateBody = closed({ dueDate: LocalDate, reason: Type.Optional(Reason) });
export const CreditMemoBody = closed({
  reference: Type.String({ minLength: 1, maxLength: 128 }),
  currency: Currency,
  /** Positive: the amount credited (reduces the balance). */
  amountMinor: AmountMinor,
  reason: Reason,
});
export const CloseBody = closed({ reason: Reason });
export const MigrationBody = closed({ policy: PolicyRef, dryRun: Type.Boolean() });

export const PaymentBody = closed({
  reference: Type.String({ minLength: 1, maxLength: 128, pattern: '^\\S(.*\\S)?$' }),
  currency: Currency,
  amountMinor: AmountMinor,
  receivedOn: Type.Optional(LocalDate),
});
export const BatchPaymentBody = closed({
  payments: Type.Array(closed({ invoiceId: ExternalId, reference: PaymentBody.properties.reference, currency: Currency, amountMinor: AmountMinor, receivedOn: Type.Optional(LocalDate) }), { minItems: 1, maxItems: 500 }),
});
export const PromiseBody = closed({
  promiseId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' })),
  payBy: LocalDate,
  currency: Type.Optional(Currency),
  amountMinor: Type.Optional(AmountMinor),
});
export const DisputeBody = closed({
  disputeId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' })),
  currency: Type.Optional(Currency),
  amountMinor: Type.Optional(AmountMinor),
  reason: Reason,
});
export const ResolveDisputeBody = closed({
  outcome: Type.Union([Type.Literal('upheld'), Type.Literal('rejected'), Type.Literal('credit')]),
  currency: Type.Optional(Currency),
  creditMinor: Type.Optional(AmountMinor),
  note: Type.Optional(Reason),
});
export const PauseBody = closed({ until: Type.Optional(Instant), reason: Reason });
export const ResumeBody = closed({ note: Type.Optional(ShortText) });
