/**
 * What the consumer said and when they reached out: consumer-initiated messages (which permit one reply,
 * comments 6(b)(1)-2 and 6(b)(2)-1, 1006.14(h)(2)(ii)) and free-text opt-outs (RULES.md §5.3, §12).
 */
import { attemptsSince, mediumOf, mediumOfChannel, type Evaluation, type LedgerEvent, type Medium } from './evaluation.js';
import { isInstantText, parseInstant } from './instant.js';

/** The medium a consumer message arrived through. */
export function messageMedium(message: LedgerEvent): Medium | undefined {
  return mediumOf(message.raw.channel ?? message.raw.medium ?? message.raw.receivedVia);
}

/** The consumer message `proposed.inReplyTo` points at: an event id, `consumer_message <instant>`, or the latest. */
function referencedMessage(ev: Evaluation): LedgerEvent | undefined {
  const ref = ev.proposed.inReplyTo?.trim();
  if (ref === undefined || ref === '') return undefined;
  const messages = ev.eventsOf('consumer_message');
  const byId = messages.find((m) => m.raw.id === ref);
  if (byId) return byId;
  const instant = ref.split(/\s+/).find(isInstantText);
  if (instant !== undefined) {
    const at = parseInstant(instant, 'proposed.inReplyTo');
    const byTime = messages.find((m) => m.at === at);
    if (byTime) return byTime;
  }
  // A reference we cannot resolve still says "this is a reply": take the latest message in the same medium.
  const medium = mediumOfChannel(ev.proposed.channel);
  return [...messages].reverse().find((m) => messageMedium(m) === medium);
}

export interface ReplyCheck {
  /** The message answered, when this is the single permitted same-medium reply. */
  message?: LedgerEvent;
  /** Why it is not such a reply (for reasons), when `inReplyTo` was given. */
  refusal?: string;
}

/**
 * Is the proposed contact the one same-medium response to a consumer-initiated message received at or
 * after `notBefore`? Any outbound attempt in that medium after the message already used the one response.
 */
export function singleReply(ev: Evaluation, notBefore = -Infinity): ReplyCheck {
  if (ev.proposed.inReplyTo === undefined) return {};
  const message = referencedMessage(ev);
  if (message === undefined) return { refusal: `inReplyTo "${ev.proposed.inReplyTo}" matches no consumer_message received before ${new Date(ev.t).toISOString()}` };
  if (message.at < notBefore) return { refusal: `the consumer's message (${message.id}) predates the restriction it would lift` };
  const medium = mediumOfChannel(ev.proposed.channel);
  if (messageMedium(message) !== medium) {
    return { refusal: `the consumer wrote by ${messageMedium(message) ?? 'an unknown medium'}; only a reply in the same medium is permitted` };
  }
  const answered = attemptsSince(ev, message.at + 1).find((a) => a.direction === 'outbound' && mediumOfChannel(a.channel) === medium);
  if (answered) return { refusal: `the one permitted reply to ${message.id} was already sent (${answered.id})` };
  return { message };
}

const revocationKeywords = /^(stop|stopall|stop all|quit|end|revoke|opt ?out|optout|cancel|unsubscribe)[.!]*$/i;

/**
 * Media a consumer's words ask the collector to stop using, or undefined when they do not read as an
 * opt-out. 47 CFR 64.1200(a)(10): the listed keywords revoke as a matter of course; other wording counts
 * when a reasonable person would read it as a revocation ("please stop texting me").
 */
export function optOutMedia(text: string | undefined, arrivedBy: Medium | undefined): Medium[] | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().toLowerCase();
  if (t === '') return undefined;
  if (revocationKeywords.test(t)) return arrivedBy && arrivedBy !== 'all' ? [arrivedBy] : ['all'];
  const stopVerb = /\b(stop|quit|cease|no more|don'?t|do not|never|please don'?t|remove me|take me off|unsubscribe|opt me out|leave me alone)\b/;
  if (!stopVerb.test(t)) return undefined;
  // Statements about a time or a place designate an inconvenient time or place (1006.6(b)(1)), not a medium.
  if (/\b(before|after|between|until|till|mornings?|evenings?|nights?|weekends?|at work|to work|workplace|at my job|at home|my home)\b/.test(t)) return undefined;
  if (/\b(leave me alone|(contact|contacting|bother|bothering|harass|harassing)( me)?( at all)?|all (calls|contact)|any (more )?contact)\b/.test(t)) return ['all'];
  const media: Medium[] = [];
  if (/\b(call|calls|calling|phone|ring|ringing|voicemail)\b/.test(t)) media.push('call');
  if (/\b(text|texts|texting|sms|messag(e|es|ing))\b/.test(t)) media.push('sms');
  if (/\b(e-?mail|e-?mails|e-?mailing)\b/.test(t)) media.push('email');
  if (/\b(letter|letters|mail|mailing|post)\b/.test(t) && !media.includes('email')) media.push('letter');
  if (media.length > 0) return media;
  // "Stop" with no medium named: the medium it arrived through (or every medium, conservatively).
  return arrivedBy && arrivedBy !== 'all' ? [arrivedBy] : ['all'];
}
