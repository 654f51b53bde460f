/**
 * Dates in results are written `MMM DD, YYYY` (DESIGN §5). Only a value that is a date and nothing else is
 * rewritten, and only when its meaning is certain:
 * - ISO `YYYY-MM-DD` (also `/` or `.` separators);
 * - textual months, day first or month first: `5 March 2024`, `05-MAR-2024`, `5th Mar. 2024`,
 *   `March 5, 2024`, `Mar 5 2024`;
 * - numeric day/month/year with a four-digit year (`05/03/2024`, `13.03.2024`) only when the order is
 *   evident: one of the first two numbers is above 12, both are equal, the separator is a dot (`05.03.2024`:
 *   the countries that write dots all put the day first), or the caller knows the page's order (another
 *   date on it, `13/03/2024`, settles it). Otherwise `05/03/2024` stays as written, since it is 5 March in
 *   most of the world and May 3 in the US.
 * - any of these after a weekday (`Tuesday, 5 March 2024`, `Tue, Mar 5, 2024`), when the weekday is that date's,
 *   or after a word OCR made of a weekday (`Towiday. 15 December 2026`), which cannot be checked.
 * Anything else (two-digit years, date-times, dates inside sentences, impossible dates) is left alone.
 * `splitDateTime` reads a date and a time printed together (`05/03/2024 14:32`), as receipts do.
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
const DAY_MONTH_YEAR = new RegExp(`^${DAY_WORD}(?:\\s+of)?[\\s\\-./]*${MONTH_WORD}[\\s\\-./,]*(\\d{4})$`);
const MONTH_DAY_YEAR = new RegExp(`^${MONTH_WORD}[\\s\\-./]*${DAY_WORD},?[\\s\\-./]*(\\d{4})$`);
const NUMERIC_DATE = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/;
/** `Tuesday,` / `Tue.` / `TUES` before a date; group 1 is the weekday word. */
const WEEKDAY_PREFIX = /^([A-Za-z]{3,9})\.?,?\s+(?=\S)/;
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
/** Short forms of weekdays beyond their first three letters. */
const WEEKDAY_SHORT_FORMS = new Map([
  ['tues', 2],
  ['weds', 3],
  ['thur', 4],
  ['thurs', 4],
]);
const TIME_OF_DAY = /^(\d{1,2})[:.](\d{2})(?::(\d{2}))?\s*([AaPp]\.?[Mm]\.?)?$/;

/** A word read for a weekday: ending in `day` (`Towiday`), or the end of one (`sday`, `nesday`). */
function isMisreadWeekday(word: string): boolean {
  const lower = word.toLowerCase();
  return (
    (lower.length >= 5 && lower.endsWith('day')) ||
    (lower.length >= 4 && WEEKDAYS.some((weekday) => weekday.endsWith(lower)))
  );
}

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

/** Which number comes first in a page's numeric dates, when something on the page says so. */
export type NumericDateOrder = 'day-first' | 'month-first';

function fromNumericDate(
  first: number,
  second: number,
  year: number,
  separator: string,
  order: NumericDateOrder | undefined,
): string | undefined {
  if (first > 12 && second <= 12) return formatDate(year, second, first);
  if (second > 12 && first <= 12) return formatDate(year, first, second);
  if (first === second) return formatDate(year, first, second);
  if (separator === '.' || order === 'day-first') return formatDate(year, second, first);
  if (order === 'month-first') return formatDate(year, first, second);
  return undefined;
}

/**
 * The order a set of printed dates reveals: a numeric date whose first number is above 12 puts the day
 * first, one whose second is above 12 the month; undefined when none tells or they disagree.
 */
export function numericDateOrder(texts: Iterable<string>): NumericDateOrder | undefined {
  const seen = new Set<NumericDateOrder>();
  for (const text of texts) {
    for (const match of text.matchAll(/(?<![\d/-])(\d{1,2})[/-](\d{1,2})[/-]\d{4}(?!\d)/g)) {
      const [first, second] = [Number(match[1]), Number(match[2])];
      if (first > 12 && second <= 12) seen.add('day-first');
      if (second > 12 && first <= 12) seen.add('month-first');
    }
  }
  return seen.size === 1 ? [...seen][0] : undefined;
}

/** 0 (Sunday) .. 6 of an English weekday name or abbreviation, or undefined. */
function weekdayFromWord(word: string): number | undefined {
  const lower = word.toLowerCase();
  const short = WEEKDAY_SHORT_FORMS.get(lower);
  if (short !== undefined) return short;
  const index = WEEKDAYS.findIndex(
    (name) => name === lower || (lower.length === 3 && name.startsWith(lower)),
  );
  return index === -1 ? undefined : index;
}

const MONTH_INDEX = new Map(MONTH_ABBREVIATIONS.map((name, index) => [name, index]));

/** The weekday (0 = Sunday) of a `MMM DD, YYYY` date. */
function weekdayOf(date: string): number {
  const [month, day, year] = date.replace(',', '').split(' ');
  return new Date(Date.UTC(Number(year), MONTH_INDEX.get(month) ?? 0, Number(day))).getUTCDay();
}

/** The date rewritten as `MMM DD, YYYY`, or undefined when the text is not a date we can read with certainty. */
export function parseDate(text: string, order?: NumericDateOrder): string | undefined {
  const value = text.trim();
  const weekday = WEEKDAY_PREFIX.exec(value);
  if (weekday) {
    const day = weekdayFromWord(weekday[1]);
    // A weekday OCR misread (`Towiday.`, `sday,`) cannot be checked; the date after it still reads.
    if (day === undefined && isMisreadWeekday(weekday[1]))
      return parsePlainDate(value.slice(weekday[0].length), order);
    if (day === undefined) return parsePlainDate(value, order);
    const date = parsePlainDate(value.slice(weekday[0].length), order);
    // A weekday that is not the date's own leaves the date in doubt (a misprint or a misread digit).
    return date !== undefined && weekdayOf(date) === day ? date : undefined;
  }
  return parsePlainDate(value, order);
}

function parsePlainDate(value: string, order: NumericDateOrder | undefined): string | undefined {
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
  if (match) return fromNumericDate(Number(match[1]), Number(match[3]), Number(match[4]), match[2], order);
  return undefined;
}

/** `HH:MM` on 24 hours of a printed time of day (`14:32`, `2:32 PM`, `14.32`, `14:32:05`), or undefined. */
export function parseTime(text: string): string | undefined {
  const match = TIME_OF_DAY.exec(text.trim());
  if (!match) return undefined;
  let hours = Number(match[1]);
  const minutes = Number(match[2]);
  const meridiem = match[4]?.toLowerCase().replace(/\./g, '');
  if (meridiem !== undefined && (hours < 1 || hours > 12)) return undefined;
  if (meridiem === 'pm' && hours < 12) hours += 12;
  if (meridiem === 'am' && hours === 12) hours = 0;
  if (hours > 23 || minutes > 59 || Number(match[3] ?? 0) > 59) return undefined;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

/**
 * A date and a time of day printed together (`05/03/2024 14:32`, `Mar 5, 2024 2:32 PM`, `2024-03-05, 14:32`):
 * the date as `MMM DD, YYYY` and the time as printed; undefined when the text is not exactly that.
 */
export function splitDateTime(
  text: string,
  order?: NumericDateOrder,
): { date: string; time: string } | undefined {
  const match = /^(.+?)[,\s]+(?:at\s+)?(\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?)$/.exec(
    text.trim(),
  );
  if (!match) return undefined;
  const date = parseDate(match[1], order);
  return date !== undefined && parseTime(match[2]) !== undefined ? { date, time: match[2] } : undefined;
}

/** The text with a whole-value date rewritten as `MMM DD, YYYY`; any other text unchanged. */
export function normaliseDate(text: string, order?: NumericDateOrder): string {
  return parseDate(text, order) ?? text;
}
