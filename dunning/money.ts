/**
 * Amounts are integers in the currency's minor unit (cents, pence; yen have none) so that balances add up
 * exactly. Policy and invoice files are written in major units ("1250.00") and converted once, here.
 */

const exponentCache = new Map<string, number>();

/** ISO 4217 minor-unit exponent from ICU: USD 2, JPY 0, BHD 3. Deterministic for a given Node/ICU build. */
export function currencyExponent(currency: string): number {
  let exponent = exponentCache.get(currency);
  if (exponent === undefined) {
    exponent = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    exponentCache.set(currency, exponent);
  }
  return exponent;
}

let isoCurrencies: ReadonlySet<string> | undefined;

export function isIsoCurrency(code: string): boolean {
  isoCurrencies ??= new Set(Intl.supportedValuesOf('currency'));
  return isoCurrencies.has(code);
}

const decimalPattern = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Converts a decimal amount to minor units without binary floating point: 0.1 + 0.2 must not become 0.30000000000000004 cents.
 * Returns a message instead of a number when the amount has more decimals than the currency allows.
 */
export function toMinorUnits(amount: number | string, currency: string): number | string {
  const text = typeof amount === 'number' ? numberToPlainString(amount) : amount.trim();
  const match = decimalPattern.exec(text);
  if (!match) return `${JSON.stringify(amount)} is not an amount: write digits with an optional decimal point, e.g. 1250.00`;
  const [, sign, whole = '0', fraction = ''] = match;
  const exponent = currencyExponent(currency);
  const trimmed = fraction.replace(/0+$/, '');
  if (trimmed.length > exponent) {
    return `${text} has ${trimmed.length} decimals but ${currency} has ${exponent}: round it to ${exponent === 0 ? 'a whole number' : `${exponent} decimals`}`;
  }
  const minor = Number(whole) * 10 ** exponent + Number(trimmed.padEnd(exponent, '0') || '0');
  if (!Number.isSafeInteger(minor)) return `${text} ${currency} is too large to hold exactly`;
  return sign === '-' ? -minor : minor;
}

function numberToPlainString(value: number): string {
  // YAML gives 1250.1 for "1250.10"; toString is exact for the shortest round-trip form, avoid exponent notation.
  return Math.abs(value) < 1e21 ? value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 }) : String(value);
}

export function toMajorUnits(minor: number, currency: string): number {
  return minor / 10 ** currencyExponent(currency);
}

/** "$1,250.00" (en-US), "1250,00 US$" (es): the debtor's locale decides the format, the currency the symbol. */
export function formatMoney(minor: number, currency: string, locale: string): string {
  const exponent = currencyExponent(currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent }).format(
    minor / 10 ** exponent,
  );
}

/** Plain "1250.00 USD" for logs and simulation output, where locale-specific symbols would be ambiguous. */
export function formatAmountPlain(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const whole = Math.floor(abs / 10 ** exponent);
  const fraction = exponent === 0 ? '' : `.${String(abs % 10 ** exponent).padStart(exponent, '0')}`;
  return `${sign}${whole}${fraction} ${currency}`;
}
