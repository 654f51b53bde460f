import { describe, expect, it } from 'vitest';
import {
  FIELD_MATCH_THRESHOLD,
  fieldNameSimilarity,
  identityFieldName,
  misreadLabel,
} from '../../../lambdas/adapters/rules/field-names';
import { canonicalFieldName } from '../../../lambdas/core/strategies/field-names';

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
    ['Previous Address', 'Address'],
    ['Emergency Contact Phone', 'Phone'],
    ['Spouse Name', 'Name'],
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

describe('canonicalFieldName: the synonym table', () => {
  it.each([
    ['Current Employer', 'Employer'],
    ['Employer Name', 'Employer'],
    ["Employer's name", 'Employer'],
    ['Post Code', 'Postal Code'],
    ['Postal Code', 'Postal Code'],
    ['ZIP', 'Postal Code'],
    ['Zip-Code', 'Postal Code'],
    ['Citizenship', 'Nationality'],
    ['NATIONALITY', 'Nationality'],
    ['Account Holder', 'Account Holder Name'],
    ['Account Name', 'Account Holder Name'],
    ['Policy Holder', 'Policyholder Name'],
    ['Name of Insured', 'Policyholder Name'],
    ['DOB', 'Date of Birth'],
    ['Date of birth', 'Date of Birth'],
    ['Name', 'Full Name'],
    ['Employee Name', 'Full Name'],
    ['Insured', 'Policyholder Name'],
  ])('"%s" is "%s"', (name, canonical) => {
    expect(canonicalFieldName(name)).toBe(canonical);
  });

  it('knows nothing of names outside the table', () => {
    expect(canonicalFieldName('Blood Group')).toBeUndefined();
    expect(canonicalFieldName('Previous Address')).toBeUndefined();
  });

  it('matches names of one group and never names of two groups', () => {
    expect(fieldNameSimilarity('Current Employer', 'Employer Name')).toBe(1);
    expect(fieldNameSimilarity('Post Code', 'ZIP')).toBe(1);
    expect(fieldNameSimilarity('Citizenship', 'Nationality')).toBe(1);
    expect(fieldNameSimilarity('Employer Name', 'Name')).toBe(0);
    expect(fieldNameSimilarity('Account Holder Name', 'Full Name')).toBe(0);
    expect(fieldNameSimilarity('Policyholder Name', 'Account Holder Name')).toBe(0);
    expect(fieldNameSimilarity('Employer Name', 'Employee Name')).toBe(0);
  });

  it('takes no OCR slip between the words of two parties', () => {
    expect(fieldNameSimilarity('Employer Contact', 'Employee Contact')).toBeLessThan(FIELD_MATCH_THRESHOLD);
    expect(fieldNameSimilarity('Adress', 'Address')).toBeGreaterThanOrEqual(FIELD_MATCH_THRESHOLD);
  });
});

describe('misreadLabel', () => {
  it.each([
    ['Suttota’', 'Subtotal'],
    ['Sub tal', 'Subtotal'],
    ['Booking Ret', 'Booking Ref'],
    ['Statemant date', 'Statement Date'],
    ['Payments recewved', 'Payments Received'],
    ['Natlonality', 'Nationality'],
    ['Surmame / Nom', 'Surname'],
  ])('reads "%s" as the known label "%s"', (printed, known) => {
    expect(misreadLabel(printed)).toBe(known);
  });

  it.each([
    ['Subtotal', 'known as printed'],
    ['Dare', 'too short to tell from Date or Care'],
    ['Bakery', 'no label near it'],
    ['Pinecrest', 'a name'],
    ['Noma of pansenge', 'too many slips for its length'],
  ])('leaves "%s" alone (%s)', (printed) => {
    expect(misreadLabel(printed)).toBeUndefined();
  });
});
