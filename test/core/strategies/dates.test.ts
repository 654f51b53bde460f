import { describe, expect, it } from 'vitest';
import { normaliseDate, parseDate } from '../../../lambdas/core/strategies/dates';

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
  ])('leaves %s alone (%s)', (input) => {
    expect(parseDate(input)).toBeUndefined();
    expect(normaliseDate(input)).toBe(input);
  });
});
