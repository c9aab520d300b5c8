/**
 * The one error the engine throws: malformed input. It names the field, the value and the fix, so the
 * CLI (exit code 2) and the workflow caller can report it without a stack trace. The engine never guesses
 * at a malformed instant or zone: a wrong guess would silently move a contact into an inconvenient time.
 */
export class ComplianceInputError extends Error {
  override readonly name = 'ComplianceInputError';

  constructor(
    /** Dotted path of the offending field, e.g. `priorAttempts[3].at`. */
    readonly field: string,
    /** The value as received. */
    readonly value: unknown,
    /** What is wrong and how to fix it. */
    readonly problem: string,
  ) {
    super(`${field}: ${problem} (got ${describeValue(value)})`);
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}
