/**
 * Dates in results are written `MMM DD, YYYY` (DESIGN §5). Only a value that is a date and nothing else is
 * rewritten, and only when its meaning is certain:
 * - ISO `YYYY-MM-DD` (also `/` or `.` separators);
 * - textual months, day first or month first: `5 March 2024`, `05-MAR-2024`, `5th Mar. 2024`,
 *   `March 5, 2024`, `Mar 5 2024`;
 * - numeric day/month/year with a four-digit year (`05/03/2024`, `13.03.2024`) only when the order is
 *   evident: one of the first two numbers is above 12, or both are equal. `05/03/2024` stays as written,
 *   since it is 5 March in most of the world and May 3 in the US.
 * Anything else (two-digit years, date-times, dates inside sentences, impossible dates) is left alone.
 */

const MONTH_ABBREVIATIONS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

const MONTH_NAMES = [
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
];

const MONTH_WORD = '([A-Za-z]{3,9})\\.?';
const DAY_WORD = '(\\d{1,2})(?:st|nd|rd|th)?';
const ISO_DATE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;
const DAY_MONTH_YEAR = new RegExp(`^${DAY_WORD}[\\s\\-./]*${MONTH_WORD}[\\s\\-./,]*(\\d{4})$`);
const MONTH_DAY_YEAR = new RegExp(`^${MONTH_WORD}[\\s\\-./]*${DAY_WORD},?[\\s\\-./]*(\\d{4})$`);
const NUMERIC_DATE = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/;

/** 1-based month of an English month name or abbreviation (`Sept` included), or undefined. */
function monthFromWord(word: string): number | undefined {
  const lower = word.toLowerCase();
  if (lower === 'sept') return 9;
  const index = MONTH_NAMES.findIndex(
    (name) => name === lower || (lower.length === 3 && name.startsWith(lower)),
  );
  return index === -1 ? undefined : index + 1;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `MMM DD, YYYY` when year/month/day form a real calendar date. */
export function formatDate(year: number, month: number, day: number): string | undefined {
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return `${MONTH_ABBREVIATIONS[month - 1]} ${String(day).padStart(2, '0')}, ${year}`;
}

function fromNumericDate(first: number, second: number, year: number): string | undefined {
  if (first > 12 && second <= 12) return formatDate(year, second, first);
  if (second > 12 && first <= 12) return formatDate(year, first, second);
  if (first === second) return formatDate(year, first, second);
  return undefined;
}

/** The date rewritten as `MMM DD, YYYY`, or undefined when the text is not a date we can read with certainty. */
export function parseDate(text: string): string | undefined {
  const value = text.trim();
  if (value.length < 8 || value.length > 24) return undefined;
  let match = ISO_DATE.exec(value);
  if (match) return formatDate(Number(match[1]), Number(match[2]), Number(match[3]));
  match = DAY_MONTH_YEAR.exec(value);
  if (match) {
    const month = monthFromWord(match[2]);
    return month ? formatDate(Number(match[3]), month, Number(match[1])) : undefined;
  }
  match = MONTH_DAY_YEAR.exec(value);
  if (match) {
    const month = monthFromWord(match[1]);
    return month ? formatDate(Number(match[3]), month, Number(match[2])) : undefined;
  }
  match = NUMERIC_DATE.exec(value);
  if (match) return fromNumericDate(Number(match[1]), Number(match[3]), Number(match[4]));
  return undefined;
}

/** The text with a whole-value date rewritten as `MMM DD, YYYY`; any other text unchanged. */
export function normaliseDate(text: string): string {
  return parseDate(text) ?? text;
}
