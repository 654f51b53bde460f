import { describe, expect, it } from 'vitest';
import {
  normaliseDate,
  numericDateOrder,
  parseDate,
  parseTime,
  splitDateTime,
} from '../../../lambdas/core/strategies/dates';

describe('date normalisation to MMM DD, YYYY', () => {
  it.each([
    ['2024-03-05', 'Mar 05, 2024'],
    ['2024/12/31', 'Dec 31, 2024'],
    ['5 March 2024', 'Mar 05, 2024'],
    ['05-MAR-2024', 'Mar 05, 2024'],
    ['14 JUL 1990', 'Jul 14, 1990'],
    ['21st Sept. 2023', 'Sep 21, 2023'],
    ['March 5, 2024', 'Mar 05, 2024'],
    ['Feb 2 2031', 'Feb 02, 2031'],
    ['13/03/2024', 'Mar 13, 2024'],
    ['03/13/2024', 'Mar 13, 2024'],
    ['14.07.1990', 'Jul 14, 1990'],
    ['07/07/2024', 'Jul 07, 2024'],
    ['2024-02-29', 'Feb 29, 2024'],
    ['5th of March 2024', 'Mar 05, 2024'],
    ['Tuesday, 5 March 2024', 'Mar 05, 2024'],
    ['Tue, Mar 5, 2024', 'Mar 05, 2024'],
    ['TUE 05-MAR-2024', 'Mar 05, 2024'],
    ['Wednesday, 25 September 2024', 'Sep 25, 2024'],
    ['Thurs. 7 March 2024', 'Mar 07, 2024'],
    ['Sat 2024-03-09', 'Mar 09, 2024'],
    ['05.03.2024', 'Mar 05, 2024'],
    // A weekday OCR misread on a photo cannot be checked, but the date after it reads.
    ['Towiday. 15 December 2026', 'Dec 15, 2026'],
    ['sday, 21 October 2025', 'Oct 21, 2025'],
  ])('rewrites %s as %s', (input, expected) => {
    expect(parseDate(input)).toBe(expected);
  });

  it.each([
    ['05/03/2024', 'ambiguous day and month'],
    ['05/03/24', 'two-digit year'],
    ['2023-02-29', 'not a leap year'],
    ['2024-13-01', 'no month 13'],
    ['2024-03-05T10:00:00Z', 'a date-time'],
    ['Due on 2024-03-05', 'a date inside a sentence'],
    ['32 March 2024', 'no such day'],
    ['5 Marsh 2024', 'not a month'],
    ['INV-2024-0042', 'an invoice number'],
    ['Monday, 5 March 2024', "a weekday that is not the date's (5 March 2024 is a Tuesday)"],
    ['Tue, 05/03/2024', 'a weekday does not settle an ambiguous order'],
    ['05-03-2024', 'ambiguous with dashes too'],
    ['Tuesday', 'a weekday alone'],
    ['Paid 5 March 2024', 'a word that is no weekday before the date'],
  ])('leaves %s alone (%s)', (input) => {
    expect(parseDate(input)).toBeUndefined();
    expect(normaliseDate(input)).toBe(input);
  });

  it.each([
    ['14:32', '14:32'],
    ['2:32 PM', '14:32'],
    ['12:05 am', '00:05'],
    ['09.15', '09:15'],
    ['23:59:59', '23:59'],
  ])('reads the time %s as %s', (input, expected) => {
    expect(parseTime(input)).toBe(expected);
  });

  it.each(['24:00', '13:00 PM', '9:75', '2024'])('reads no time in %s', (input) => {
    expect(parseTime(input)).toBeUndefined();
  });

  it('reads an ambiguous numeric date in the order another date on the page shows', () => {
    expect(numericDateOrder(['Issued 13/03/2024', 'Due 05/04/2024'])).toBe('day-first');
    expect(numericDateOrder(['03/13/2024'])).toBe('month-first');
    expect(numericDateOrder(['13/03/2024', '03/13/2024'])).toBeUndefined();
    expect(numericDateOrder(['05/04/2024', 'INV-13/03/20245'])).toBeUndefined();
    expect(parseDate('05/04/2024', 'day-first')).toBe('Apr 05, 2024');
    expect(parseDate('05/04/2024', 'month-first')).toBe('May 04, 2024');
    expect(splitDateTime('05/04/2024 10:15', 'day-first')).toEqual({ date: 'Apr 05, 2024', time: '10:15' });
  });

  it('splits a date and a time printed together, and nothing else', () => {
    expect(splitDateTime('13/03/2024 14:32')).toEqual({ date: 'Mar 13, 2024', time: '14:32' });
    expect(splitDateTime('Tue, Mar 5, 2024 2:32 PM')).toEqual({ date: 'Mar 05, 2024', time: '2:32 PM' });
    expect(splitDateTime('2024-03-05, at 09:30')).toEqual({ date: 'Mar 05, 2024', time: '09:30' });
    expect(splitDateTime('05/03/2024 14:32')).toBeUndefined();
    expect(splitDateTime('Open daily 09:30')).toBeUndefined();
    expect(splitDateTime('2024-03-05')).toBeUndefined();
  });
});
