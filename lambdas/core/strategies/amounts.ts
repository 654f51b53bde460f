/**
 * Printed amounts ("£1,234.50", "178,80", "74,000", "1.234,50 EUR") read as whole cents: the last separator
 * followed by one or two digits is the decimal one, any other separator groups thousands.
 */

const AMOUNT = /^([^\d-]{0,4}?)(-?)(\d{1,3}(?:[,.' ]\d{3})+|\d+)(?:([.,])(\d{1,2}))?([^\d]{0,4})$/;

/** The amount in cents, or undefined when the text is not one amount (a currency word of ≤ 4 characters allowed). */
export function amountInCents(text: string): number | undefined {
  const match = AMOUNT.exec(text.trim());
  if (!match) return undefined;
  const whole = Number(match[3].replace(/[,.' ]/g, ''));
  const cents = match[5] === undefined ? 0 : Number(match[5].padEnd(2, '0'));
  const value = whole * 100 + cents;
  return Number.isFinite(value) ? (match[2] ? -value : value) : undefined;
}

/**
 * Cents written as an amount in the style of `like` (its currency prefix or suffix, and its decimal comma
 * if it has one): a derived value reads like the value it came from.
 */
export function formatAmount(cents: number, like: string): string {
  const match = AMOUNT.exec(like.trim());
  const prefix = match?.[1] ?? '';
  const suffix = match?.[6] ?? '';
  const decimalComma = match?.[4] === ',' || /^\d{1,3}(\.\d{3})+$/.test(match?.[3] ?? '');
  const rounded = Math.round(Math.abs(cents));
  const whole = Math.floor(rounded / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, decimalComma ? '.' : ',');
  const fraction = String(rounded % 100).padStart(2, '0');
  return `${prefix}${cents < 0 ? '-' : ''}${whole}${decimalComma ? ',' : '.'}${fraction}${suffix}`;
}
