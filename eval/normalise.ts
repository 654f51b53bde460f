/**
 * How an answer's value is compared with the truth: the one place the harness defines it (docs/accuracy.md
 * repeats it in prose). Each expected value has a type; both sides go through that type's normaliser and
 * must then be equal.
 */

export const VALUE_TYPES = ['text', 'name', 'id', 'code', 'date', 'amount', 'time', 'sex', 'title'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const HONORIFICS = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sir']);

/** Lower case, accents dropped, every run of non-letters/digits one space. */
export function words(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function month(word: string): number | undefined {
  const index = MONTHS.indexOf(word.toLowerCase().slice(0, 3));
  if (index === -1) return undefined;
  // A month written out must be a real month name or its abbreviation ("Sept" too).
  const full = [
    'january',
    'february',
    'march',
    'april',
    'may',
    'june',
    'july',
    'august',
    'september',
    'october',
    'november',
    'december',
  ][index];
  const lower = word.toLowerCase().replace(/\.$/, '');
  return full.startsWith(lower) || lower === 'sept' ? index + 1 : undefined;
}

function isoDate(year: number, monthNumber: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, monthNumber - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== monthNumber - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  return `${year}-${String(monthNumber).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * An answer's date as `YYYY-MM-DD`, or undefined. Accepted: the contract's `MMM DD, YYYY` and the other
 * unambiguous written forms (`March 5, 2024`, `5 March 2024`, `05-Mar-2024`) and ISO `2024-03-05`. Not
 * accepted: a date left as printed when that form is ambiguous or carries more than the date (`05/03/2024`,
 * `13.03.2024`, a weekday, a time): the contract says results carry dates as `MMM DD, YYYY`.
 */
export function parseAnswerDate(text: string): string | undefined {
  const value = text.trim().replace(/\s+/g, ' ');
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  if (match) return isoDate(Number(match[1]), Number(match[2]), Number(match[3]));
  match = /^([A-Za-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$/.exec(value);
  if (match) {
    const m = month(match[1]);
    return m ? isoDate(Number(match[3]), m, Number(match[2])) : undefined;
  }
  match = /^(\d{1,2})(?:st|nd|rd|th)?[ -]([A-Za-z]{3,9})\.?[ -](\d{4})$/.exec(value);
  if (match) {
    const m = month(match[2]);
    return m ? isoDate(Number(match[3]), m, Number(match[1])) : undefined;
  }
  return undefined;
}

/**
 * An amount as a number with two decimals ("1234.50"), or undefined. Currency symbols and codes are
 * ignored; `1,234.50`, `1.234,50`, `1 234,50` and `1234.5` all read as 1234.50 (the last separator followed
 * by one or two digits is the decimal one).
 */
export function parseAmount(text: string | number): string | undefined {
  if (typeof text === 'number') return Number.isFinite(text) ? text.toFixed(2) : undefined;
  const value = text
    .replace(/[A-Za-z$€£¥]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const negative = /^-|\(.*\)$|-$/.test(value);
  const digits = value.replace(/[()\-+]/g, '').trim();
  if (!/^\d[\d.,' ]*$/.test(digits)) return undefined;
  const decimal = /[.,](\d{1,2})$/.exec(digits);
  const whole = (decimal ? digits.slice(0, decimal.index) : digits).replace(/[.,' ]/g, '');
  if (!/^\d+$/.test(whole)) return undefined;
  const number = Number(`${whole}.${decimal ? decimal[1].padEnd(2, '0') : '00'}`);
  return (negative ? -number : number).toFixed(2);
}

/** A time as `HH:MM` (24 h): `14:32`, `2:32 PM`, `14.32`, `14:32:05`. */
export function parseTime(text: string): string | undefined {
  const match = /^(\d{1,2})[:.](\d{2})(?::\d{2})?\s*([AaPp]\.?[Mm]\.?)?$/.exec(text.trim());
  if (!match) return undefined;
  let hours = Number(match[1]);
  const minutes = Number(match[2]);
  const meridiem = match[3]?.toLowerCase().replace(/\./g, '');
  if (meridiem === 'pm' && hours < 12) hours += 12;
  if (meridiem === 'am' && hours === 12) hours = 0;
  if (hours > 23 || minutes > 59) return undefined;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

/** The comparable form of a value of `type`; undefined when it cannot be read as that type. */
export function normaliseValue(type: ValueType, raw: string | number | boolean): string | undefined {
  const text = String(raw);
  switch (type) {
    case 'text':
      return words(text) || undefined;
    case 'name':
      // Order-free, honorifics dropped: "SMITH/JOHN MR", "Smith, John" and "John Smith" are one name.
      return (
        words(text)
          .split(' ')
          .filter((word) => word && !HONORIFICS.has(word))
          .sort()
          .join(' ') || undefined
      );
    case 'id':
    case 'code':
      // Identifiers: case and spacing do not matter, every other character does.
      return text.toUpperCase().replace(/\s+/g, '') || undefined;
    case 'date':
      return parseAnswerDate(text);
    case 'amount':
      return parseAmount(typeof raw === 'number' ? raw : text);
    case 'time':
      return parseTime(text);
    case 'sex': {
      const value = words(text);
      if (value === 'm' || value === 'male') return 'M';
      if (value === 'f' || value === 'female') return 'F';
      if (value === 'x') return 'X';
      return undefined;
    }
    case 'title':
      // A form's kind: "Employment Application Form" is the "Employment Application".
      return (
        words(text)
          .split(' ')
          .filter((word) => word !== 'form')
          .join(' ') || undefined
      );
  }
}

/** Whether an answer's value equals the expected one after both are normalised as `type`. */
export function sameValue(type: ValueType, expected: string, answer: unknown): boolean {
  if (typeof answer !== 'string' && typeof answer !== 'number' && typeof answer !== 'boolean') return false;
  const want = normaliseValue(type, expected);
  return want !== undefined && normaliseValue(type, answer) === want;
}
