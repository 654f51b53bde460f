import { describe, expect, it } from 'vitest';
import type { Library } from '../../../lambdas/core/schemas/library';
import {
  flattenKeyValues,
  normaliseDescription,
  normaliseRelated,
  normaliseTags,
  normaliseTitle,
  sentences,
} from '../../../lambdas/core/strategies/normalise';

const library: Library = {
  docs: [{ id: 'd1' }, { id: 'd2' }, { id: 'shared' }],
  forms: [{ id: 'f1' }, { id: 'shared' }],
};

describe('flattenKeyValues', () => {
  it('flattens nested objects to a.b and list items to a.1, a.2', () => {
    expect(
      flattenKeyValues({
        Seller: { Name: 'Acme', Address: { City: 'Springfield' } },
        Items: ['Paper', { Name: 'Toner', Qty: 2 }],
        Paid: true,
      }),
    ).toEqual({
      'Seller.Name': 'Acme',
      'Seller.Address.City': 'Springfield',
      'Items.1': 'Paper',
      'Items.2.Name': 'Toner',
      'Items.2.Qty': 2,
      Paid: true,
    });
  });

  it('drops null, empty and blank values and reports them', () => {
    const empty: string[] = [];
    const kv = flattenKeyValues(
      {
        Name: 'Jane',
        Middle: null,
        Nick: '',
        Title: '   ',
        Note: 'null',
        Tags: [],
        Extra: {},
        Zero: 0,
        No: false,
      },
      (key) => empty.push(key),
    );
    expect(kv).toEqual({ Name: 'Jane', Zero: 0, No: false });
    expect(empty).toEqual(['Middle', 'Nick', 'Title', 'Note']);
  });

  it('normalises dates in values and trims text', () => {
    expect(flattenKeyValues({ ' Issued ': ' 2024-03-05 ', Ambiguous: '05/03/2024' })).toEqual({
      Issued: 'Mar 05, 2024',
      Ambiguous: '05/03/2024',
    });
  });

  it('stringifies what is nested deeper than it flattens', () => {
    const deep = { a: { b: { c: { d: { e: { f: { g: 'x' } } } } } } };
    expect(flattenKeyValues(deep)).toEqual({ 'a.b.c.d.e.f': '{"g":"x"}' });
  });

  it('reads a list of key/value pairs as an object and ignores non-objects', () => {
    expect(
      flattenKeyValues([
        { key: 'Total', value: 5 },
        { name: 'Date', value: '2024-01-02' },
      ]),
    ).toEqual({
      Total: 5,
      Date: 'Jan 02, 2024',
    });
    expect(flattenKeyValues('Total: 5')).toEqual({});
  });
});

describe('normaliseTitle', () => {
  it('trims and clamps to five words', () => {
    expect(normaliseTitle('  "Acme  Supplies Invoice for March 2024." ', ['invoice'], 'document')).toBe(
      'Acme Supplies Invoice for March',
    );
  });

  it('pads a short title to three words', () => {
    expect(normaliseTitle('Invoice', ['invoice'], 'document')).toBe('Scanned Invoice Document');
    expect(normaliseTitle('Application Form', ['application'], 'form')).toBe('Scanned Application Form');
  });

  it('builds an empty title from the tags and type', () => {
    expect(normaliseTitle('', ['bank', 'statement'], 'document')).toBe('Bank Statement Document');
    expect(normaliseTitle(null, ['document'], 'document')).toBe('Untitled Scanned Document');
  });
});

describe('normaliseTags', () => {
  it('trims, deduplicates case-insensitively and keeps at most four', () => {
    expect(
      normaliseTags([' Invoice ', 'invoice', 'tax', '', 'Tax', 'acme', 'paper', 'office'], 'document'),
    ).toEqual(['Invoice', 'tax', 'acme', 'paper']);
  });

  it('falls back to the type when no tag is left', () => {
    expect(normaliseTags([], 'document')).toEqual(['document']);
    expect(normaliseTags(['  '], 'form')).toEqual(['form']);
  });

  it('accepts a comma-separated string', () => {
    expect(normaliseTags('receipt, food', 'document')).toEqual(['receipt', 'food']);
  });
});

describe('normaliseDescription', () => {
  it('keeps at most three sentences', () => {
    expect(normaliseDescription('One. Two! Three? Four. Five.', 'x')).toBe('One. Two! Three?');
  });

  it('does not split after abbreviations or initials', () => {
    expect(sentences('Signed by Dr. Smith and J. Doe. Paid in full.')).toEqual([
      'Signed by Dr. Smith and J. Doe.',
      'Paid in full.',
    ]);
  });

  it('ends with a full stop and falls back when empty', () => {
    expect(normaliseDescription('An invoice from Acme', 'x')).toBe('An invoice from Acme.');
    expect(normaliseDescription('', 'Scanned document: Invoice.')).toBe('Scanned document: Invoice.');
  });
});

describe('normaliseRelated', () => {
  it('keeps only library ids, typed by the list they are in', () => {
    expect(
      normaliseRelated(
        [
          { type: 'form', resource_id: 'd1' },
          { type: 'doc', resource_id: 'f1' },
          { type: 'doc', resource_id: 'unknown' },
          'd2',
        ],
        library,
      ),
    ).toEqual([
      { type: 'doc', resource_id: 'd1' },
      { type: 'form', resource_id: 'f1' },
      { type: 'doc', resource_id: 'd2' },
    ]);
  });

  it('uses the claimed type for an id in both lists', () => {
    expect(normaliseRelated([{ type: 'form', resource_id: 'shared' }], library)).toEqual([
      { type: 'form', resource_id: 'shared' },
    ]);
  });

  it('deduplicates and keeps at most five', () => {
    const many = [
      'd1',
      'd1',
      'd2',
      'f1',
      { id: 'shared', type: 'doc' },
      { id: 'shared', type: 'form' },
      'd2',
    ];
    const bigger: Library = { ...library, docs: [...library.docs, { id: 'd3' }] };
    expect(normaliseRelated([...many, 'd3'], bigger)).toEqual([
      { type: 'doc', resource_id: 'd1' },
      { type: 'doc', resource_id: 'd2' },
      { type: 'form', resource_id: 'f1' },
      { type: 'doc', resource_id: 'shared' },
      { type: 'form', resource_id: 'shared' },
    ]);
  });

  it('is empty for anything that is not a list', () => {
    expect(normaliseRelated('d1', library)).toEqual([]);
  });
});
