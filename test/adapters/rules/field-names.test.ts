import { describe, expect, it } from 'vitest';
import {
  FIELD_MATCH_THRESHOLD,
  fieldNameSimilarity,
  identityFieldName,
} from '../../../lambdas/adapters/rules/field-names';

describe('fieldNameSimilarity', () => {
  it.each([
    ['DOB', 'Date of Birth'],
    ['D.O.B.', 'date of birth'],
    ['Birth Date', 'Date of Birth'],
    ['Surname', 'Last Name'],
    ['Given Names', 'First Name'],
    ['Phone Number', 'Telephone'],
    ['E-mail Address', 'Email'],
    ['Zip Code', 'Postcode'],
    ["Applicant's Name", 'Full Name'],
    ['Adress', 'Address'],
    ['Policy Number', 'Insurance Policy Number'],
  ])('"%s" matches "%s"', (a, b) => {
    expect(fieldNameSimilarity(a, b)).toBeGreaterThanOrEqual(FIELD_MATCH_THRESHOLD);
  });

  it.each([
    ['First Name', 'Full Name'],
    ['Home Address', 'Address'],
    ['Account Number', 'Policy Number'],
    ['Licence Number', 'Passport Document Number'],
    ['Blood Group', 'Date of Birth'],
    ['Name', ''],
  ])('"%s" does not match "%s"', (a, b) => {
    expect(fieldNameSimilarity(a, b)).toBeLessThan(FIELD_MATCH_THRESHOLD);
  });

  it('ignores case, punctuation and word order', () => {
    expect(fieldNameSimilarity('ISSUE-DATE', 'date of issue')).toBe(1);
  });
});

describe('identityFieldName', () => {
  it.each([
    ['DOB', 'Date of Birth'],
    ['Date of birth', 'Date of Birth'],
    ['Passport No.', 'Document Number'],
    ['Card No', 'Document Number'],
    ['Name', 'Full Name'],
    ['Date of expiry', 'Expiry Date'],
    ['Valid until', 'Expiry Date'],
    ['Gender', 'Sex'],
    ['Issued by', 'Issuing Authority'],
    ['Place of birth / Lieu de naissance', 'Place of Birth'],
  ])('"%s" is "%s"', (label, canonical) => {
    expect(identityFieldName(label)).toBe(canonical);
  });

  it('leaves other labels alone', () => {
    expect(identityFieldName('Surname / Nom')).toBeUndefined();
    expect(identityFieldName('Height')).toBeUndefined();
  });
});
