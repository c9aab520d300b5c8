/**
 * SMS length in segments, as carriers bill it. GSM-7 when every character is in the GSM 03.38 basic or
 * extension table (extension characters cost two septets), UCS-2 otherwise: one accented "ő" or an emoji turns a
 * 160-character message into three 70-character segments.
 */

const gsmBasic =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const gsmExtension = '\f^{}\\[~]|€';

const basicSet = new Set(gsmBasic);
const extensionSet = new Set(gsmExtension);

export interface SmsLength {
  encoding: 'GSM-7' | 'UCS-2';
  /** Characters as the reader sees them (code points). */
  characters: number;
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
  /** Characters that forced UCS-2, for an actionable error message. */
  nonGsmCharacters: string[];
}

export function smsLength(text: string): SmsLength {
  const chars = Array.from(text);
  const nonGsm = chars.filter((c) => !basicSet.has(c) && !extensionSet.has(c));
  if (nonGsm.length === 0) {
    const costs = chars.map((c) => (extensionSet.has(c) ? 2 : 1));
    const units = costs.reduce((a, b) => a + b, 0);
    return { encoding: 'GSM-7', characters: chars.length, units, segments: countSegments(costs, 160, 153), nonGsmCharacters: [] };
  }
  // Surrogate pairs (emoji) are two UCS-2 units and must not be split across segments.
  const costs = chars.map((c) => c.length);
  const units = costs.reduce((a, b) => a + b, 0);
  return {
    encoding: 'UCS-2',
    characters: chars.length,
    units,
    segments: countSegments(costs, 70, 67),
    nonGsmCharacters: [...new Set(nonGsm)],
  };
}

/** Concatenated messages lose room to the UDH header, and a two-unit character never straddles segments. */
function countSegments(costs: number[], single: number, multi: number): number {
  const total = costs.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  if (total <= single) return 1;
  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > multi) {
      segments++;
      used = 0;
    }
    used += cost;
  }
  return segments;
}
