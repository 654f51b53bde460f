import { describe, expect, it } from 'vitest';
import { readForm } from '../../../lambdas/adapters/rules/form-reading';
import type { PageLayout } from '../../../lambdas/core/layout';
import { layoutText } from '../../../lambdas/core/layout-text';
import { pageOf, type Row } from '../../support/page-layouts';

const NO_LIBRARY = { docs: [], forms: [] };

function read(page: PageLayout) {
  return readForm({ type: 'form', ocrText: layoutText([page]), pages: [page], library: NO_LIBRARY });
}

/** The words of a page whose text is one of `texts`, read by OCR with this confidence. */
function withConfidence(page: PageLayout, texts: string[], confidence: number): PageLayout {
  for (const line of page.lines)
    for (const word of line.words) if (texts.includes(word.text)) word.confidence = confidence;
  return page;
}

const CLAIM_FORM: Row[] = [
  { y: 0.04, runs: [{ text: 'Goldleaf Evergreen Insurance', x: 0.08, size: 0.018 }] },
  { y: 0.08, runs: [{ text: 'INSURANCE CLAIM FORM', x: 0.3, size: 0.032 }] },
  { y: 0.15, runs: [{ text: 'Policyholder Name: Kenji Horvat', x: 0.08 }] },
  { y: 0.19, runs: [{ text: 'Claim Amount 7904.05', x: 0.08 }] },
  {
    y: 0.23,
    runs: [
      { text: 'Nationality Dutch', x: 0.08 },
      { text: 'Patient ID', x: 0.5 },
      { text: 'P532974', x: 0.66 },
    ],
  },
  // Drawn boxes, cells and lines below are not text: OCR reads nothing after these labels.
  {
    y: 0.27,
    runs: [
      { text: 'Postal Code', x: 0.08 },
      { text: 'Email Address', x: 0.5 },
    ],
  },
  { y: 0.31, runs: [{ text: 'Date of Birth: [(TTTTITTT1]', x: 0.08 }] },
  { y: 0.35, runs: [{ text: 'Application Number i fe ss', x: 0.08 }] },
  { y: 0.39, runs: [{ text: 'Description of Loss ______________', x: 0.08 }] },
  { y: 0.43, runs: [{ text: 'Signature ..................   Date ..........', x: 0.08 }] },
  { y: 0.47, runs: [{ text: 'Marital Status: [ ] Single [ ] Married [ ] Other', x: 0.08 }] },
  { y: 0.51, runs: [{ text: 'Address;', x: 0.08 }] },
  { y: 0.95, runs: [{ text: 'Thank you.', x: 0.08 }] },
];

describe('readForm: blank fields from the row geometry', () => {
  it('takes Form Type from the title, not the organisation line above it', () => {
    const result = read(pageOf(CLAIM_FORM));
    expect(result.kv['Form Type']).toBe('Insurance Claim');
    expect(result.title).toBe('Insurance Claim Form');
  });

  it('finds blanks with nothing after them, lines, dots, boxes and what OCR makes of drawn cells', () => {
    const page = withConfidence(pageOf(CLAIM_FORM), ['i', 'fe', 'ss'], 0.15);
    const result = read(page);
    expect(result.fields).toEqual([
      'Postal Code',
      'Email Address',
      'Date of Birth',
      'Application Number',
      'Description of Loss',
      'Signature',
      'Date',
      'Marital Status',
      'Address',
    ]);
  });

  it('reads the values filled in, with or without a colon, across a gap, never a leader', () => {
    const result = read(withConfidence(pageOf(CLAIM_FORM), ['i', 'fe', 'ss'], 0.15));
    expect(result.kv).toEqual({
      'Form Type': 'Insurance Claim',
      'Policyholder Name': 'Kenji Horvat',
      'Claim Amount': '7904.05',
      Nationality: 'Dutch',
      'Patient ID': 'P532974',
    });
  });

  it('takes no noise of a bad photo for a label, nor a section heading for a blank', () => {
    const page = pageOf([
      { y: 0.05, runs: [{ text: 'MEMBERSHIP APPLICATION', x: 0.3, size: 0.03 }] },
      { y: 0.12, runs: [{ text: 'Personal Details', x: 0.08, size: 0.028 }] },
      { y: 0.17, runs: [{ text: 'Full Name', x: 0.08 }] },
      { y: 0.21, runs: [{ text: 'os i i', x: 0.1 }] },
      { y: 0.25, runs: [{ text: 'Pol Minter Polson:', x: 0.08 }] },
      { y: 0.29, runs: [{ text: 'Occupation:', x: 0.08 }] },
    ]);
    withConfidence(page, ['os', 'i', 'Pol', 'Minter', 'Polson:'], 0.5);
    expect(read(page).fields).toEqual(['Full Name', 'Occupation']);
  });

  it('joins a label OCR split at a wide word space', () => {
    const page = pageOf([
      { y: 0.05, runs: [{ text: 'VISA APPLICATION', x: 0.3, size: 0.03 }] },
      {
        y: 0.12,
        runs: [
          { text: 'Full', x: 0.08 },
          { text: 'Name', x: 0.125 },
        ],
      },
    ]);
    expect(read(page).fields).toEqual(['Full Name']);
  });

  it('keeps a field whose box bracket or the specks of a bad photo sit on its row, and reads `1D` as ID', () => {
    const page = pageOf([
      { y: 0.05, runs: [{ text: 'PATIENT REGISTRATION FORM', x: 0.3, size: 0.03 }] },
      { y: 0.12, runs: [{ text: 'Full Name: Jane Doe', x: 0.08 }] },
      // The drawn box's left edge read as a tall `[`: the row is no taller a heading for it.
      {
        y: 0.16,
        runs: [
          { text: 'Nationality', x: 0.08 },
          { text: '[', x: 0.2, size: 0.045 },
        ],
      },
      // Specks of ruled dots, read tiny and unsure, on rows of their own.
      { y: 0.2, runs: [{ text: 'ee a', x: 0.3, size: 0.004 }] },
      { y: 0.21, runs: [{ text: 'oe', x: 0.5, size: 0.004 }] },
      { y: 0.22, runs: [{ text: 'Sr', x: 0.6, size: 0.004 }] },
      // A mark at the page's edge, far across the blank.
      {
        y: 0.25,
        runs: [
          { text: 'Case Number', x: 0.08 },
          { text: 'A', x: 0.83 },
        ],
      },
      { y: 0.29, runs: [{ text: 'Patient 1D', x: 0.08 }] },
    ]);
    withConfidence(page, ['ee', 'a', 'oe', 'Sr'], 0.1);
    withConfidence(page, ['A'], 0.63);
    const result = read(page);
    expect(result.fields).toEqual(['Nationality', 'Case Number', 'Patient ID']);
    expect(result.kv).toEqual({ 'Form Type': 'Patient Registration', 'Full Name': 'Jane Doe' });
  });

  it('keeps a short value read surely across a gap', () => {
    const page = pageOf([
      { y: 0.05, runs: [{ text: 'DONOR FORM', x: 0.3, size: 0.03 }] },
      {
        y: 0.12,
        runs: [
          { text: 'Licence Class', x: 0.08 },
          { text: 'A', x: 0.6 },
        ],
      },
    ]);
    expect(read(page).kv).toEqual({ 'Form Type': 'Donor', 'Licence Class': 'A' });
  });

  it('finds blanks whose boxes and cells OCR read as letters, a lone underscore, or a row it read tall', () => {
    const page = pageOf([
      { y: 0.05, runs: [{ text: 'CHANGE OF ADDRESS FORM', x: 0.3, size: 0.03 }] },
      { y: 0.12, runs: [{ text: 'Nationality Irish', x: 0.08 }] },
      { y: 0.16, runs: [{ text: 'Case Number B', x: 0.08 }] },
      { y: 0.2, runs: [{ text: 'Postal Code EEE', x: 0.08 }] },
      { y: 0.24, runs: [{ text: 'Patient ID: _', x: 0.08 }] },
      // Cells read as tall unsure letters beside a label with its colon: a field, not a heading.
      { y: 0.28, runs: [{ text: 'Allergies:', x: 0.08 }] },
      { y: 0.272, runs: [{ text: 'Harn aEEEE', x: 0.2, size: 0.05 }] },
      { y: 0.34, runs: [{ text: 'New Address EER', x: 0.08 }] },
    ]);
    withConfidence(page, ['B', 'EEE', 'EER'], 0.38);
    withConfidence(page, ['Harn', 'aEEEE'], 0);
    const result = read(page);
    expect(result.fields).toEqual(['Case Number', 'Postal Code', 'Patient ID', 'Allergies', 'New Address']);
    expect(result.kv).toEqual({ 'Form Type': 'Change of Address', Nationality: 'Irish' });
  });

  it('names a blank whose label OCR misread after the known label, and leaves a label of field words', () => {
    const page = pageOf([
      { y: 0.05, runs: [{ text: 'PATIENT REGISTRATION FORM', x: 0.3, size: 0.03 }] },
      { y: 0.12, runs: [{ text: 'Mars al Status: [ ] Single [ ] Married', x: 0.08 }] },
      { y: 0.16, runs: [{ text: 'Contact Number:', x: 0.08 }] },
    ]);
    expect(read(page).fields).toEqual(['Marital Status', 'Contact Number']);
  });
});
