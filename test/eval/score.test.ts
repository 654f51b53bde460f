import { describe, expect, it } from 'vitest';
import type { DocumentCase, FillCase } from '../../eval/cases';
import { keyWords, matchingKeys } from '../../eval/keys';
import { normaliseValue, sameValue } from '../../eval/normalise';
import { markdownTable, summarise, tableMarkers, withTable } from '../../eval/report';
import { boxMatches, type PlacedField, scoreDocument, scoreFill } from '../../eval/score';

describe('value normalisation', () => {
  it('reads dates in the unambiguous written forms and refuses those left as printed', () => {
    for (const answer of [
      'Mar 05, 2024',
      'March 5, 2024',
      '5 March 2024',
      '05-Mar-2024',
      '2024-03-05',
      'mar 5 2024',
    ]) {
      expect(normaliseValue('date', answer), answer).toBe('2024-03-05');
    }
    for (const answer of [
      '05/03/2024',
      '05.03.2024',
      'Tuesday, 5 March 2024',
      '2024-03-05 14:32',
      'Feb 30, 2024',
      'soon',
    ]) {
      expect(normaliseValue('date', answer), answer).toBeUndefined();
    }
  });

  it('reads amounts whatever the currency and separators', () => {
    for (const answer of ['$1,234.50', '1.234,50 EUR', '€ 1 234,50', '1234.5', 'USD 1,234.50', 1234.5]) {
      expect(normaliseValue('amount', answer), String(answer)).toBe('1234.50');
    }
    expect(normaliseValue('amount', '-12,00 €')).toBe('-12.00');
    expect(normaliseValue('amount', 'twelve')).toBeUndefined();
  });

  it('compares names without order, case or honorifics, and identifiers without spacing', () => {
    expect(sameValue('name', 'John Smith', 'SMITH/JOHN MR')).toBe(true);
    expect(sameValue('name', 'John Smith', 'Smith, John')).toBe(true);
    expect(sameValue('name', 'John Smith', 'John Smyth')).toBe(false);
    expect(sameValue('id', 'INV-2024-0042', 'inv-2024-0042')).toBe(true);
    expect(sameValue('id', 'INV-2024-0042', 'INV 2024 0042')).toBe(false);
    expect(sameValue('code', 'BA 283', 'BA283')).toBe(true);
    expect(sameValue('time', '14:32', '2:32 PM')).toBe(true);
    expect(sameValue('sex', 'F', 'Female')).toBe(true);
    expect(sameValue('title', 'Employment Application', 'EMPLOYMENT APPLICATION FORM')).toBe(true);
    expect(sameValue('text', '12 Baker St.', '12 baker st')).toBe(true);
    expect(sameValue('text', 'x', { nested: true })).toBe(false);
  });
});

describe('key matching', () => {
  it('finds a field under its own key, its printed label or a synonym, best first', () => {
    expect(keyWords('Invoice No.:')).toBe('invoice number');
    expect(keyWords('Invoice #')).toBe('invoice number');
    expect(keyWords('Surname / Nom')).toBe('surname');
    expect(matchingKeys(['Amount Due', 'TOTAL:', 'Subtotal'], 'Total', ['TOTAL DUE'])).toEqual([
      'TOTAL:',
      'Amount Due',
    ]);
    expect(matchingKeys(['VAT 20%'], 'Tax', ['VAT 20%'])).toEqual(['VAT 20%']);
    expect(matchingKeys(['Colour'], 'Total')).toEqual([]);
  });
});

const page = { width: 100, height: 100, paper: '#fff', elements: [] };
const field = (
  key: string,
  type: PlacedField['type'],
  value: string,
  printed: string[] = [],
): PlacedField => ({
  key,
  printed,
  type,
  value,
  rects: [],
  boxes: [{ left: 0.1, top: 0.1, width: 0.3, height: 0.05 }],
});

describe('document scoring', () => {
  const invoice: DocumentCase = {
    id: 'invoice-1',
    kind: 'invoice',
    task: 'document',
    page,
    fields: [],
    blanks: [],
  };
  const fields = [
    field('Invoice Number', 'id', 'INV-7', ['Invoice No.']),
    field('Invoice Date', 'date', '2024-03-05', ['Date']),
    field('Total', 'amount', '120.00', ['TOTAL']),
    field('Vendor', 'name', 'Acme Ltd'),
  ];

  it('scores 1 − wrong-or-missing ÷ expected, through synonyms and normalisation', () => {
    const score = scoreDocument(invoice, 'clean', fields, [], {
      status: 'completed',
      result: { kv: { 'Invoice No': 'INV-7', Date: 'Mar 05, 2024', 'Amount Due': '$99.00', Colour: 'red' } },
    });
    expect(score.fields.map((f) => f.outcome)).toEqual(['correct', 'correct', 'wrong', 'missing']);
    expect(score.score).toBe(0.5);
    expect(score.evidence).toBeUndefined();
  });

  it('gives a failed task 0 and keeps its error code', () => {
    const score = scoreDocument(invoice, 'hard', fields, [], {
      status: 'error',
      error: { code: 'OCR_FAILURE' },
    });
    expect(score.score).toBe(0);
    expect(score.errorCode).toBe('OCR_FAILURE');
  });

  it('counts evidence coverage over the answer and box hits over its correct values', () => {
    const score = scoreDocument(invoice, 'mild', fields, [], {
      status: 'completed',
      result: { kv: { 'Invoice Number': 'INV-7', 'Invoice Date': '2024-03-05', Note: 'made up' } },
      evidence: {
        kv: {
          'Invoice Number': {
            page: 1,
            grounded: true,
            box: { left: 0.12, top: 0.1, width: 0.2, height: 0.05 },
          },
          'Invoice Date': { page: 1, grounded: true, box: { left: 0.7, top: 0.7, width: 0.1, height: 0.05 } },
          Note: { grounded: false },
        },
      },
    });
    expect(score.evidence).toEqual({ values: 3, grounded: 2, boxed: 2, hits: 1 });
    expect(
      boxMatches({ left: 0, top: 0, width: 0.5, height: 0.5 }, [
        { left: 0, top: 0, width: 0.5, height: 0.4 },
      ]),
    ).toBe(true);
  });

  it("scores a form's blank fields by label, each answer matching one blank", () => {
    const form: DocumentCase = {
      id: 'form-1',
      kind: 'form',
      task: 'form',
      page,
      fields: [],
      blanks: [
        { label: 'Full Name', style: 'underscores', rects: [] },
        { label: 'Date of Birth', style: 'cells', rects: [] },
        { label: 'Signature', style: 'box', rects: [] },
      ],
    };
    const blanks = form.blanks.map((blank) => ({ ...blank, boxes: [] }));
    const score = scoreDocument(form, 'clean', [field('Form Type', 'title', 'Change of Address')], blanks, {
      status: 'completed',
      result: {
        kv: { 'Form Type': 'Change of Address Form' },
        fields: ['Full Name:', 'Full Name', 'Date Of Birth ____', 'Email'],
      },
    });
    expect(score.score).toBe(1);
    expect(score.blanks).toMatchObject({ matched: 2, missing: ['Signature'], extra: ['Full Name', 'Email'] });
    const summary = summarise([score], []);
    expect(summary.blanks.clean.precision).toBe(0.5);
    expect(summary.blanks.clean.recall).toBeCloseTo(2 / 3);
    expect(summary.blanks.clean.f1).toBeCloseTo(4 / 7);
  });
});

describe('form-filling scoring', () => {
  const fill: FillCase = {
    id: 'form-filling-1',
    kind: 'form-filling',
    task: 'form_filling',
    form: {
      id: 'f',
      fields: ['Full Name', 'Monthly Income', 'ZIP Code', 'Date of Birth', 'Spouse Name', 'Fax Number'],
    },
    library: { docs: [], forms: [] },
    expected: [
      { field: 'Full Name', type: 'name', value: 'Ana Silva', sources: ['passport', 'bill'] },
      { field: 'Monthly Income', type: 'amount', value: '5000.00', sources: ['payslip'], derived: true },
      { field: 'ZIP Code', type: 'id', value: '1234 AB', sources: ['bill'] },
      { field: 'Date of Birth', type: 'date', value: '1990-01-02', sources: ['passport'] },
      { field: 'Spouse Name', type: 'text', sources: [] },
      { field: 'Fax Number', type: 'text', sources: [] },
    ],
  };

  it('counts right fills, right sources and false fills', () => {
    const score = scoreFill(fill, {
      status: 'completed',
      result: {
        'Full Name': { value: 'SILVA, Ana', source: { type: 'doc', resource_id: 'bill' } },
        'Monthly Income': { value: '5,000', source: { type: 'doc', resource_id: 'colleague' } },
        'Date of Birth': { value: 'Feb 01, 1990', source: { type: 'doc', resource_id: 'passport' } },
        'Spouse Name': { value: 'Rui Silva', source: { type: 'doc', resource_id: 'other' } },
      },
    });
    expect(score.outcomes.map((o) => o.outcome)).toEqual([
      'correct',
      'correct',
      'missing',
      'wrong',
      'false-fill',
      'empty',
    ]);
    expect(score).toMatchObject({
      toFill: 4,
      correct: 2,
      sourceRight: 1,
      mustStayEmpty: 2,
      falseFills: 1,
      score: 0.5,
    });
    const summary = summarise([], [score]);
    expect(summary.filling).toMatchObject({
      cases: 1,
      score: 0.5,
      fillAccuracy: 0.5,
      sourceAccuracy: 0.5,
      falseFills: 1,
    });
  });
});

describe('the accuracy table', () => {
  it('prints n/a for evidence when no answer carried any, and replaces only what is between the markers', () => {
    const summary = summarise([], []);
    const table = markdownTable(summary, {
      seed: 1,
      count: 1,
      kinds: [],
      levels: ['clean', 'mild', 'hard'],
      target: 'x',
      date: '2026-12-01',
      seconds: 1,
    });
    expect(table).toContain('| clean | 0 | 0 | n/a | n/a |');
    const { begin, end } = tableMarkers('tesseract+rules');
    const other = tableMarkers('textract+bedrock');
    const document = `# Accuracy\n\nintro\n\n${begin}\nold figures\n${end}\n\n${other.begin}\nkept\n${other.end}\n`;
    const updated = withTable(document, 'new figures', 'tesseract+rules');
    expect(updated).toBe(
      `# Accuracy\n\nintro\n\n${begin}\nnew figures\n${end}\n\n${other.begin}\nkept\n${other.end}\n`,
    );
    expect(withTable('# Accuracy\n', 'first', 'a+b')).toBe(
      `# Accuracy\n\n${tableMarkers('a+b').begin}\nfirst\n${tableMarkers('a+b').end}\n`,
    );
  });
});
