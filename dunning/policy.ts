/**
 * The compiled policy: what a policy file becomes after validation, and what an invoice workflow receives as
 * input. Self-contained and JSON-serialisable (holidays resolved, content hash included) so the workflow never
 * reads a file and a replay sees exactly the policy the invoice started with.
 */
import type { Offset } from './offset.js';

export const compiledPolicySchemaVersion = 1;

export type StepAction = 'email' | 'sms' | 'call_task' | 'escalate' | 'webhook';
export type FinalActionKind = 'escalate' | 'hand_to_agency' | 'write_off_review';
/** Messages reach the debtor; call tasks, escalations and webhooks go to people or systems on our side. */
export type MessageChannel = 'email' | 'sms';
export type FallbackChannel = 'email' | 'sms' | 'call_task';
export type Tone = 'friendly' | 'neutral' | 'firm' | 'final';
export type ComplianceProfile = 'consumer-regF' | 'first-party' | 'commercial';

/** What a step's time is measured from. */
export type StepAnchor = 'issue' | 'due' | 'previous' | 'brokenPromise';

export interface StepTiming {
  anchor: StepAnchor;
  offset: Offset;
  /** Local time of day "HH:MM" to aim for; the send window's opening when absent. */
  time?: string;
}

export interface StepConditions {
  /** In major units of the invoice currency: skip the step when the collectible balance is below it. */
  minBalance?: number;
  /** Only run for debtors in these segments. */
  segment?: string[];
  /** Skip while the debtor has an active promise to pay. */
  noActivePromise: boolean;
  /** Skip while any dispute on the invoice is open. */
  notDisputed: boolean;
}

export interface CompiledStep {
  id: string;
  at: StepTiming;
  action: StepAction | FinalActionKind;
  template?: string;
  tone: Tone;
  /** Work queue for call tasks and escalations. */
  queue?: string;
  /** Target of a webhook step. */
  url?: string;
  /** Channel to use when the debtor cannot be reached on `action` (no address, bounce, undeliverable). */
  fallback?: FallbackChannel;
  requiresApproval: boolean;
  when: StepConditions;
  /** The policy's `finalAction`, compiled as the last step: after it the automated sequence is finished. */
  final: boolean;
}

export interface BusinessCalendar {
  /** Calendar id, e.g. "US"; "weekends" when the policy names none. */
  id: string;
  /** ISO weekday numbers (1 = Monday … 7 = Sunday) that are not business days. */
  weekend: number[];
  /** Local dates `YYYY-MM-DD`, sorted. */
  holidays: string[];
}

export interface SendWindow {
  /** Local "HH:MM", inclusive. */
  from: string;
  /** Local "HH:MM", exclusive: nothing is sent at or after it. */
  to: string;
  businessDaysOnly: boolean;
  calendar: BusinessCalendar;
  /** Sends are spread over this many minutes after the nominal time, seeded by invoice and step. */
  jitterMinutes: number;
}

export interface CompiledPolicy {
  schemaVersion: typeof compiledPolicySchemaVersion;
  id: string;
  version: number;
  description: string;
  owner: string;
  /** `sha256:<hex>` of the canonical policy document; the lock file pins it once published. */
  contentHash: string;
  locales: string[];
  defaultLocale: string;
  appliesTo: {
    segment?: string[];
    currency?: string[];
    country?: string[];
    /** Major units of the invoice currency, inclusive. */
    amount?: { min?: number; max?: number };
  };
  /** IANA zone used when an invoice's debtor has none. */
  defaultTimeZone: string;
  sendWindow: SendWindow;
  compliance: {
    profile: ComplianceProfile;
    maxMessagesPerDebtorPerDay?: number;
    maxMessagesPerDebtorPerWeek?: number;
    maxSmsSegments: number;
  };
  sender: { name: string; email?: string; phone?: string; optOutUrl?: string };
  steps: CompiledStep[];
  onPromiseToPay: {
    maxDays: number;
    /** Business days after the promised date before the promise counts as broken (payments take time to land). */
    graceDays: number;
    whenBroken: { goTo?: string };
  } | null;
  onDispute: { pause: 'invoice' | 'disputed-amount'; whenResolved: { goTo?: string } };
  onPartialPayment: { holdDays: number; goTo?: string };
  /** A balance at or below max(amount, percent of the original) counts as paid. amount is in major units. */
  balanceTolerance: { amount: number; percent: number };
}
