import { describe, expect, it } from 'vitest';
import type { Library } from '../../../lambdas/core/schemas/library';
import { amountInCents, formatAmount } from '../../../lambdas/core/strategies/amounts';
import {
  CANONICAL_FIELDS,
  canonicalFieldName,
  derivedValues,
  fieldType,
  IDENTITY_FIELD_NAMES,
  nameVariants,
  valueFitsType,
} from '../../../lambdas/core/strategies/field-names';
import { otherPeoplesItems } from '../../../lambdas/core/strategies/library-people';

describe('the canonical field table', () => {
  it('holds every identity field name, each name in one entry only', () => {
    for (const name of IDENTITY_FIELD_NAMES) expect(canonicalFieldName(name)).toBe(name);
    const printed = Object.values(CANONICAL_FIELDS).flatMap((field) =>
      field.names.map((name) => name.toLowerCase().replace(/[^a-z0-9]+/g, ' ')),
    );
    expect(new Set(printed).size).toBe(printed.length);
  });

  it('reads a name by its alternatives in brackets or around a slash', () => {
    expect(nameVariants('Bank Account (IBAN)')).toEqual(['Bank Account (IBAN)', 'Bank Account', 'IBAN']);
    expect(canonicalFieldName('Bank Account (IBAN)')).toBe('IBAN');
    expect(canonicalFieldName('Town/City')).toBe('City');
    expect(canonicalFieldName('Surname / Nom')).toBe('Last Name');
  });

  it.each([
    ['Date of Birth', 'date'],
    ['Passport Expiry Date', 'date'],
    ['Date of Incident', 'date'],
    ['Gross Monthly Income', 'amount'],
    ['Claim Amount', 'amount'],
    ['E-mail', 'email'],
    ['Fax Number', 'telephone'],
    ['Post Code', 'postal-code'],
    ['Employer Name', 'name'],
    ['Spouse Name', 'name'],
    ['Driving Licence Number', 'number'],
    ['Allergies', 'text'],
  ])('"%s" takes a %s', (field, type) => {
    expect(fieldType(field)).toBe(type);
  });

  it.each([
    ['date', 'Jul 14, 1990', true],
    ['date', '05/03/2024', true],
    ['date', 'see page 2', false],
    ['amount', '€ 4.500,00', true],
    ['amount', 'about four thousand', false],
    ['email', 'jane@example.com', true],
    ['email', 'on file', false],
    ['telephone', '+31 6 1234 5678', true],
    ['telephone', '12', false],
    ['postal-code', 'SW1A 1AA', true],
    ['postal-code', 'Leeds', false],
    ['name', 'Jane Doe', true],
    ['name', 'Jul 14, 1990', false],
    ['number', 'P998877', true],
    ['number', 'pending', false],
  ] as const)('a %s field takes "%s": %s', (type, value, fits) => {
    expect(valueFitsType(type, value)).toBe(fits);
  });
});

describe('derived values', () => {
  it('derives monthly from annual income in the style it was written, and a full name from its parts', () => {
    expect(derivedValues({ 'Annual Salary': '54,000', 'Given Names': 'Jane', Surname: 'Doe' })).toEqual([
      { field: 'Monthly Income', value: '4,500.00', keys: ['Annual Salary'] },
      { field: 'Full Name', value: 'Jane Doe', keys: ['Given Names', 'Surname'] },
    ]);
    expect(derivedValues({ 'Monthly Pay': 'EUR 2.000,50' })).toEqual([
      { field: 'Annual Income', value: 'EUR 24.006,00', keys: ['Monthly Pay'] },
    ]);
  });

  it('derives nothing the item states already, or from a value that is no amount', () => {
    expect(derivedValues({ 'Full Name': 'Jane Doe', 'First Name': 'Jane', 'Last Name': 'Doe' })).toEqual([]);
    expect(derivedValues({ 'Annual Income': 'confidential' })).toEqual([]);
  });

  it('reads and writes amounts with either decimal separator', () => {
    expect(amountInCents('£1,234.50')).toBe(123450);
    expect(amountInCents('1.234,50 EUR')).toBe(123450);
    expect(amountInCents('74,000')).toBe(7400000);
    expect(amountInCents('two')).toBeUndefined();
    expect(formatAmount(616667, '74,000')).toBe('6,166.67');
    expect(formatAmount(123450, '1.000,00 EUR')).toBe('1.234,50 EUR');
  });
});

describe("otherPeoplesItems: whom a library's items are about", () => {
  const item = (id: string, extractedInfo: Record<string, string>) => ({ id, extractedInfo });

  it('sets aside the items of anyone but the person most items name', () => {
    const colleague = item('c', { 'Full Name': 'Max Roe', 'Date of Birth': 'Feb 02, 1980' });
    const library: Library = {
      docs: [
        item('p', { Surname: 'DOE', 'Given Names': 'JANE MARIE' }),
        item('b', { 'Account Holder': 'Ms Jane Doe' }),
        colleague,
        item('u', { Employer: 'Acme Ltd' }),
      ],
      forms: [item('f', { 'Policy Holder': 'Jane Doe' })],
    };
    expect(otherPeoplesItems(library)).toEqual(new Set([colleague]));
  });

  it('sets nothing aside when no one stands out', () => {
    const library: Library = {
      docs: [item('a', { Name: 'Jane Doe' }), item('b', { Name: 'Max Roe' }), item('c', { City: 'Leeds' })],
      forms: [],
    };
    expect(otherPeoplesItems(library).size).toBe(0);
  });
});
