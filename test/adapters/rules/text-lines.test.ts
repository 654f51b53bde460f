import { describe, expect, it } from 'vitest';
import {
  headingLine,
  labelledValue,
  ocrLines,
  readSegment,
  segments,
} from '../../../lambdas/adapters/rules/text-lines';

describe('reading OCR layout', () => {
  it('splits lines without page markers or blank lines', () => {
    expect(ocrLines('--- Page 1 ---\n  Title  \n\n--- Page 2 ---\nTotal: 5')).toEqual(['Title', 'Total: 5']);
  });

  it('reads "Label: value" but not URLs or times', () => {
    expect(labelledValue('Invoice No: INV-1')).toEqual({ label: 'Invoice No', value: 'INV-1' });
    expect(labelledValue('Email:')).toEqual({ label: 'Email', value: '' });
    expect(labelledValue('https://example.com')).toBeUndefined();
    expect(labelledValue('Open daily 09:30')).toBeUndefined();
    expect(labelledValue('A sentence that is far too long to be a label: value')).toBeUndefined();
  });

  it.each([
    ['Name: ________  Date: ____', ['Name', 'Date']],
    ['Signature ..........', ['Signature']],
    ['Employed [ ]', ['Employed']],
    ['☐ I agree to the terms', ['I agree to the terms']],
    ['Marital status: ☐ Single ☐ Married', ['Marital status']],
    ['Occupation:', ['Occupation']],
  ])('finds the blank fields of "%s"', (segment, blanks) => {
    expect(readSegment(segment)).toEqual({ pairs: [], blanks });
  });

  it('keeps a lone "Label:" with the value across its column gap, but not with the next label or a blank', () => {
    expect(segments('Total:            8.25')).toEqual(['Total: 8.25']);
    expect(segments('Name:            Date:')).toEqual(['Name:', 'Date:']);
    expect(segments('Name:       ________')).toEqual(['Name:', '________']);
    expect(segments('Ref: 55      Total:     8.25')).toEqual(['Ref: 55', 'Total: 8.25']);
  });

  it('reads a dotted leader followed by a value as a labelled value', () => {
    expect(readSegment('Total ........ 21.98')).toEqual({
      pairs: [{ label: 'Total', value: '21.98' }],
      blanks: [],
    });
  });

  it('takes the first heading-like line as the heading', () => {
    expect(headingLine(['12/03/2024', 'Ref: 55', 'MEDICAL REPORT', 'Patient: Jane'])).toBe('MEDICAL REPORT');
    expect(headingLine(['Ref: 55'])).toBe('Ref: 55');
  });
});
