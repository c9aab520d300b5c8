/**
 * Deterministic jitter: the same invoice and step always land on the same minute (replays agree, simulations are
 * repeatable), while thousands of invoices due the same morning spread over the window instead of all at 09:00.
 */

/** FNV-1a, 32-bit: tiny, well distributed for short keys, no dependencies (the workflow bundle stays small). */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Seconds in [0, spanSeconds) for this invoice and step. */
export function jitterSeconds(invoiceId: string, stepId: string, spanSeconds: number): number {
  if (spanSeconds <= 1) return 0;
  return fnv1a32(`${invoiceId}\u0000${stepId}`) % Math.floor(spanSeconds);
}
