/**
 * Cease communication and refusal to pay, 12 CFR 1006.6(c) and 15 U.S.C. 1692c(c) (RULES.md §5.1).
 *
 * A written notice bars every communication and attempt about that debt in every medium, from receipt
 * (comment 6(c)(1)-1), "written" including email and portal messages (comment 6(c)(1)-2). The only
 * exceptions are notices that collection is ending or that a specified remedy may be or will be invoked
 * (6(c)(2)), and such notices must say nothing else. An oral "stop contacting me" is not a 6(c) notice but
 * a 1006.14(h) request for the media it names, or every medium when it names none (conservative).
 */
import { cite } from '../citations.js';
import { isCommunication, mediumOf, mediumOfChannel, toConsumer, type Evaluation, type LedgerEvent } from '../evaluation.js';
import { deny, pass, weakerBasis, type RuleFinding } from '../finding.js';
import type { Basis } from '../types.js';

const writtenVia = /^(mail|letter|postal|certified-mail|email|e-mail|portal|web|website|online|fax|hand|hand-delivery|in-writing|written|sms|text|chat|form|response-form|app)$/;
const oralVia = /^(phone|call|telephone|oral|orally|voice|voicemail|in-person|verbal)$/;
/** 1006.6(c)(2): the only communications a cease permits. */
const ceasePurposes = /^(collection-ending|collection-ended|termination|terminating-collection|ending-collection|advise-collection-ending|remedy-notice|remedy-may-invoke|may-invoke-remedy|remedy-intent|intent-to-invoke-remedy|invoke-remedy|specified-remedy)$/;

/** Is a cease/refusal written? Unknown channel and no `written` flag: treated as written (conservative). */
export function writtenness(e: LedgerEvent): { written: boolean; assumed: boolean } {
  if (e.raw.written !== undefined) return { written: e.raw.written, assumed: false };
  const via = (e.raw.receivedVia ?? '').trim().toLowerCase().replace(/[^a-z0-9]+/g, '-');
  if (writtenVia.test(via)) return { written: true, assumed: false };
  if (oralVia.test(via)) return { written: false, assumed: false };
  return { written: true, assumed: true };
}

export function ceaseCommunication(ev: Evaluation): RuleFinding[] {
  const channel = ev.proposed.channel;
  if (!isCommunication(channel) || !toConsumer(ev)) return [];
  const key = ev.particularDebtKey(ev.proposed.debtId);
  const profileBasis = ev.consumerRules ? (ev.profile.regFBasis ?? 'policy') : 'policy';
  const scopeCitations = ev.consumerRules ? ev.profile.regFCitations : [`Not covered: ${ev.profile.description}; honoured by company policy`];
  const findings: RuleFinding[] = [];

  for (const e of ev.eventsOf('cease', 'refusal_to_pay')) {
    const what = e.type === 'cease' ? 'a request to cease communication' : 'a refusal to pay';
    const { written, assumed } = writtenness(e);
    if (written) {
      if (e.debtId !== null && ev.particularDebtKey(e.debtId) !== key) continue;
      const content = ev.proposed.content ?? {};
      const exceptionPurpose = ceasePurposes.test(ev.proposed.purpose);
      const onlyThat = content.paymentDeadlineDays === undefined && (content.threatensLegalAction !== true || /remedy|invoke/.test(ev.proposed.purpose));
      const citations = [cite.cease, cite.ceaseStatute, ...(e.raw.receivedVia && /mail|portal|web|email|e-mail|sms|text|app|chat/i.test(e.raw.receivedVia) ? ['comment 6(c)(1)-2'] : []), ...scopeCitations];
      if (exceptionPurpose && onlyThat && channel !== 'call' && channel !== 'ringless_voicemail') {
        findings.push(
          pass('reg-f.cease', weakerBasis('law', profileBasis), [cite.ceaseExceptions, ...citations], `Despite ${what} (${e.id}), 1006.6(c)(2) permits a written notice that only ${ev.proposed.purpose.replace(/-/g, ' ')}; it must contain nothing else.`),
        );
        continue;
      }
      let basis: Basis = e.debtId === null || assumed ? 'conservative' : 'law';
      basis = weakerBasis(basis, profileBasis);
      findings.push(
        deny(
          'reg-f.cease',
          basis,
          citations,
          `The consumer sent ${what} in writing${e.raw.receivedVia ? ` (via ${e.raw.receivedVia})` : ''}, received ${new Date(e.at).toISOString()} (${e.id}); no further communication or attempt about ${e.debtId ?? 'any debt (scope not stated: applied to every debt and queued for review)'} in any medium, except a notice that collection is ending or that a specified remedy may or will be invoked.${assumed ? ' How it arrived is not recorded, so it is treated as written (conservative).' : ''}${exceptionPurpose && !onlyThat ? ' This message carries more than the permitted notice.' : ''}`,
        ),
      );
    } else {
      // Oral: a 1006.14(h) request about the media named, for every debt.
      const named = mediumOf(e.raw.medium ?? e.raw.channel);
      const medium = mediumOfChannel(channel);
      if (named !== undefined && named !== 'all' && named !== medium) continue;
      findings.push(
        deny(
          'reg-f.prohibited-medium',
          weakerBasis(named === undefined || named === 'all' ? 'conservative' : 'law', profileBasis),
          [cite.prohibitedMedium, 'comment 14(h)(1)-2', ...scopeCitations],
          `The consumer orally asked the collector to stop (${e.id}). That is not a written 1006.6(c) notice but a 1006.14(h) request not to use ${named === undefined || named === 'all' ? 'any medium (none named: read as every medium, conservative)' : `${named}`}, for every debt.`,
        ),
      );
    }
  }
  return findings;
}
