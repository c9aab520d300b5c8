/**
 * Record retention, 12 CFR 1006.100 (RULES.md §10): keep records from the start of collection until
 * three years after the last collection activity on the debt, and call recordings three years after each
 * call. A purge is deferred until the whole local anniversary date has passed (conservative rounding).
 */
import { cite } from '../citations.js';
import { addYears, formatDay } from '../civil-date.js';
import type { Evaluation } from '../evaluation.js';
import { defer, deny, pass, weakerBasis, type RuleFinding } from '../finding.js';
import { parseOptionalInstant } from '../instant.js';

export function recordRetention(ev: Evaluation, at: number): RuleFinding[] {
  if (ev.proposed.channel !== 'records_purge') return [];
  const binding = ev.consumerRules;
  const basis = binding ? weakerBasis('law', ev.profile.regFBasis ?? 'policy') : 'policy';
  const citations = binding ? [cite.retention, '12 CFR 1006.100(b)', ...ev.profile.regFCitations] : [cite.companyRetention, `Not covered: ${ev.profile.description}`];
  const recorded = parseOptionalInstant(ev.context.lastCollectionActivityAt, 'context.lastCollectionActivityAt');
  const lastAttempt = ev.attempts.filter((a) => a.direction === 'outbound').at(-1);
  const last = Math.max(recorded ?? -Infinity, lastAttempt?.at ?? -Infinity);
  if (!Number.isFinite(last)) {
    return [deny('reg-f.record-retention', basis, citations, 'The last collection activity on the debt is unknown, so the 3-year retention period cannot be established; record context.lastCollectionActivityAt.')];
  }
  const zone = ev.location.primary;
  const lastDay = zone.localDay(last);
  const anniversary = addYears(lastDay, 3);
  const from = zone.startOfDay(anniversary + 1);
  const source = recorded !== undefined && recorded >= (lastAttempt?.at ?? -Infinity) ? 'context.lastCollectionActivityAt' : (lastAttempt?.id ?? '');
  if (at < from) {
    return [
      defer(
        'reg-f.record-retention',
        from,
        basis,
        citations,
        `Last collection activity ${formatDay(lastDay)} (${source}); records, including call recordings, are kept until 3 years after it (${formatDay(anniversary)}), so they may be purged from ${formatDay(anniversary + 1)}. Apply any longer state or city retention rule too.`,
      ),
    ];
  }
  return [pass('reg-f.record-retention', basis, citations, `More than 3 years since the last collection activity (${formatDay(lastDay)}, ${source}).`)];
}
