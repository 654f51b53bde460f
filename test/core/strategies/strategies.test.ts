import { describe, expect, it } from 'vitest';
import type { StrategyContext } from '../../../lambdas/core/ports';
import type { Library } from '../../../lambdas/core/schemas/library';
import { DocumentResult, FormFillingResult, FormResult } from '../../../lambdas/core/schemas/results';
import { strategyFor } from '../../../lambdas/core/strategies/registry';

const library: Library = {
  docs: [{ id: 'p1', name: 'Passport' }, { id: 'both' }],
  forms: [{ id: 'f1', name: 'Gym Signup' }, { id: 'both' }],
};

function context(type: StrategyContext['type'], fields?: string[]): StrategyContext {
  return { type, ocrText: 'text', pages: [], library, fields };
}

describe('strategy registry', () => {
  it('has a strategy for every task type, each with a version and an output budget', () => {
    for (const type of ['document', 'form', 'form_filling'] as const) {
      const strategy = strategyFor(type);
      expect(strategy.type).toBe(type);
      expect(strategy.promptVersion).toMatch(/\S/);
      expect(strategy.maxTokens).toBeGreaterThanOrEqual(1024);
    }
  });
});

describe('document normalisation', () => {
  const normalise = (raw: unknown) => strategyFor('document').normalise(raw, context('document'));

  it('turns a sloppy answer into a valid document result', () => {
    const result = normalise({
      title: 'Invoice',
      tags: ['Invoice', 'invoice', ' tax '],
      description: 'An invoice. It is from Acme. It is due soon. It has two items.',
      kv: { Seller: { Name: 'Acme' }, Date: '2024-03-05', Empty: null },
      related: [{ type: 'form', resource_id: 'p1' }, 'nope'],
    });
    expect(DocumentResult.parse(result)).toEqual({
      title: 'Scanned Invoice Document',
      tags: ['Invoice', 'tax'],
      description: 'An invoice. It is from Acme. It is due soon.',
      kv: { 'Seller.Name': 'Acme', Date: 'Mar 05, 2024' },
      related: [{ type: 'doc', resource_id: 'p1' }],
    });
  });

  it('leaves out a missing title, tags or description (to be repaired) but not a missing kv or related', () => {
    const result = normalise({ title: '', tags: [], description: null });
    expect(DocumentResult.parse(result)).toEqual({
      title: 'Untitled Scanned Document',
      tags: ['document'],
      description: 'Scanned document: Untitled Scanned Document.',
      kv: {},
      related: [],
    });
    const issues = DocumentResult.safeParse(normalise({ kv: { Total: 5 } })).error?.issues ?? [];
    expect(issues.map((issue) => issue.path.join('.'))).toEqual(['title', 'tags', 'description']);
  });

  it('leaves an answer that is not a result to fail validation', () => {
    expect(DocumentResult.safeParse(normalise('not json')).success).toBe(false);
    expect(DocumentResult.safeParse(normalise({ answer: 42 })).success).toBe(false);
  });
});

describe('form normalisation', () => {
  const normalise = (raw: Record<string, unknown>) =>
    FormResult.parse(
      strategyFor('form').normalise({ tags: ['form'], description: 'A form.', ...raw }, context('form')),
    );

  it('always has "Form Type", taken from the title when missing', () => {
    const result = normalise({ title: 'Rental Application Form', kv: { Property: 'Flat 3' } });
    expect(result.kv).toEqual({ 'Form Type': 'Rental Application Form', Property: 'Flat 3' });
    expect(Object.keys(result.kv)[0]).toBe('Form Type');
  });

  it('renames a variant spelling of the form type key', () => {
    expect(normalise({ title: 'Some Form Here', kv: { form_type: 'Tax Return' } }).kv).toEqual({
      'Form Type': 'Tax Return',
    });
  });

  it('keeps kv keys and fields disjoint and deduplicates fields', () => {
    const result = normalise({
      title: 'Gym Membership Form',
      kv: { Name: 'Jane Doe', Email: '' },
      fields: ['Name', 'Phone:', 'phone', 'Signature ______', ' ', 'form type'],
    });
    expect(result.kv).toEqual({ 'Form Type': 'Gym Membership Form', Name: 'Jane Doe' });
    // An empty kv value is a blank field.
    expect(result.fields).toEqual(['Phone', 'Signature', 'Email']);
  });
});

describe('form filling normalisation', () => {
  const fields = ['Date of Birth', 'Last Name', 'Phone', 'Member No'];
  const normalise = (raw: unknown) =>
    FormFillingResult.parse(strategyFor('form_filling').normalise(raw, context('form_filling', fields)));

  it('keeps only given field names, written exactly as given', () => {
    expect(
      normalise({
        values: {
          ' date of  BIRTH ': { value: 'Jul 14, 1990', source: { type: 'doc', resource_id: 'p1' } },
          Nickname: { value: 'JD', source: { type: 'doc', resource_id: 'p1' } },
        },
      }),
    ).toEqual({ 'Date of Birth': { value: 'Jul 14, 1990', source: { type: 'doc', resource_id: 'p1' } } });
  });

  it('stringifies values and drops empty ones', () => {
    expect(
      normalise({
        values: {
          'Member No': { value: 12345, source: { resource_id: 'f1' } },
          Phone: { value: '  ', source: { type: 'form', resource_id: 'f1' } },
          'Last Name': { value: null, source: { type: 'doc', resource_id: 'p1' } },
        },
      }),
    ).toEqual({ 'Member No': { value: '12345', source: { type: 'form', resource_id: 'f1' } } });
  });

  it('resolves the source type from the library and drops unknown sources', () => {
    expect(
      normalise({
        values: {
          Phone: { value: '+1 555 0100', source: { type: 'doc', resource_id: 'f1' } },
          'Last Name': { value: 'Doe', source: { type: 'doc', resource_id: 'ghost' } },
          'Date of Birth': { value: '1990-07-14', source: 'p1' },
        },
      }),
    ).toEqual({
      Phone: { value: '+1 555 0100', source: { type: 'form', resource_id: 'f1' } },
      'Date of Birth': { value: 'Jul 14, 1990', source: { type: 'doc', resource_id: 'p1' } },
    });
  });

  it("drops a value not of the field's kind, and a value from another person's item", () => {
    const people: Library = {
      docs: [
        { id: 'me-1', extractedInfo: { 'Full Name': 'Jane Doe' } },
        { id: 'me-2', extractedInfo: { 'Account Holder': 'Jane Doe' } },
        { id: 'colleague', extractedInfo: { 'Full Name': 'Max Roe', 'Date of Birth': 'Feb 02, 1980' } },
      ],
      forms: [],
    };
    const answer = {
      values: {
        'Date of Birth': { value: 'Feb 02, 1980', source: { type: 'doc', resource_id: 'colleague' } },
        Phone: { value: 'ask at reception', source: { type: 'doc', resource_id: 'me-1' } },
        'Last Name': { value: 'Doe', source: { type: 'doc', resource_id: 'me-1' } },
      },
    };
    const result = strategyFor('form_filling').normalise(answer, {
      ...context('form_filling', fields),
      library: people,
    });
    expect(FormFillingResult.parse(result)).toEqual({
      'Last Name': { value: 'Doe', source: { type: 'doc', resource_id: 'me-1' } },
    });
  });

  it('accepts a bare map, but not a wrapper around something else', () => {
    const bare = { Phone: { value: '+1 555 0100', source: { type: 'form', resource_id: 'f1' } } };
    expect(normalise(bare)).toEqual(bare);
    const normaliseRaw = (raw: unknown) =>
      strategyFor('form_filling').normalise(raw, context('form_filling', fields));
    expect(FormFillingResult.safeParse(normaliseRaw({ values: 'none' })).success).toBe(false);
    expect(FormFillingResult.safeParse(normaliseRaw('none')).success).toBe(false);
  });
});
