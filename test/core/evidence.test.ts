import { describe, expect, it } from 'vitest';
import { groundResult } from '../../lambdas/core/evidence';
import { type PageLayout, typesetLayout } from '../../lambdas/core/layout';
import type { Library } from '../../lambdas/core/schemas/library';

const EMPTY: Library = { docs: [], forms: [] };
const keep = { dropUngrounded: false };

/** A document result with these kv values, grounded against pages typeset from these texts. */
function ground(kv: Record<string, string | number | boolean>, ...texts: string[]) {
  const pages = texts.map((text) => typesetLayout(text));
  const result = { title: 'T t t', tags: ['x'], description: 'D.', kv, related: [] };
  return groundResult('document', result, pages, EMPTY, keep).evidence.kv ?? {};
}

describe('groundResult: kv values', () => {
  it('finds a value as printed, with its page, words and the box around them', () => {
    const pages = [typesetLayout('ACME LTD'), typesetLayout('Summary\nInvoice No: INV-0042')];
    const result = { kv: { 'Invoice Number': 'INV-0042' } };
    const { evidence } = groundResult('document', result, pages, EMPTY, keep);
    const found = evidence.kv?.['Invoice Number'];
    expect(found).toMatchObject({ page: 2, text: 'INV-0042', grounded: true, confidence: 1 });
    const word = pages[1].lines[1].words[2];
    expect(found?.box).toEqual(word.box);
    expect(evidence.pages).toEqual([
      { page: 1, width: 1000, height: 1400 },
      { page: 2, width: 1000, height: 1400 },
    ]);
  });

  it('ignores case, spacing and punctuation: "jane  doe" rests on "JANE DOE,"', () => {
    expect(ground({ Name: 'jane  doe' }, 'Name: JANE DOE, London')).toMatchObject({
      Name: { text: 'JANE DOE,', grounded: true },
    });
  });

  it.each([
    ['14/03/2024', '14/03/2024'],
    ['2024-03-14', '2024-03-14'],
    ['14 March 2024', '14 March 2024'],
    ['March 14th, 2024', 'March 14th, 2024'],
    ['Date:14.03.2024', 'Date:14.03.2024'],
  ])('matches a normalised date to the date printed as %s', (printed, words) => {
    expect(ground({ Date: 'Mar 14, 2024' }, `Issued on\n${printed}`).Date).toMatchObject({
      text: words,
      grounded: true,
    });
  });

  it('grounds a date printed ambiguously (05/03/2024) under either reading, with less confidence', () => {
    const kv = ground({ Date: 'Mar 05, 2024', Other: 'May 03, 2024' }, 'Date 05/03/2024');
    expect(kv.Date).toMatchObject({ text: '05/03/2024', grounded: true });
    expect(kv.Other).toMatchObject({ text: '05/03/2024', grounded: true });
    expect(kv.Date?.confidence).toBeLessThan(0.9);
  });

  it('matches amounts by their number: 1234.5 on "£1,234.50", "45" on "45.00", "178,80" on "178.80"', () => {
    const kv = ground(
      { Total: 1234.5, Items: '45', Net: '178,80' },
      'Total £1,234.50\nItems 45.00\nNet 178.80',
    );
    expect(kv.Total).toMatchObject({ text: '£1,234.50', grounded: true });
    expect(kv.Items).toMatchObject({ text: '45.00', grounded: true });
    expect(kv.Net).toMatchObject({ text: '178.80', grounded: true });
  });

  it('rejoins a word OCR split across two lines ("Manches-" / "ter")', () => {
    expect(ground({ City: 'Manchester' }, 'Ship to 12 Oak Road, Manches-\nter M1 2AB').City).toMatchObject({
      text: 'Manches- ter',
      grounded: true,
    });
  });

  it('finds a value that runs onto the next line, and its box covers both', () => {
    const pages = [typesetLayout('Address: 48 Elm Street,\nLeeds LS6 2QT\nPhone: 555')];
    const result = { kv: { Address: '48 Elm Street, Leeds LS6 2QT' } };
    const found = groundResult('document', result, pages, EMPTY, keep).evidence.kv?.Address;
    expect(found).toMatchObject({ text: '48 Elm Street, Leeds LS6 2QT', grounded: true });
    const [first, second] = pages[0].lines;
    expect(found?.box?.top).toBe(first.box.top);
    expect((found?.box?.top ?? 0) + (found?.box?.height ?? 0)).toBeCloseTo(
      second.box.top + second.box.height,
      4,
    );
  });

  it('finds words a model put together from two places close by ("Jane Marie Doe")', () => {
    const kv = ground({ 'Full Name': 'Jane Marie Doe' }, 'Surname: DOE\nGiven names: JANE MARIE');
    expect(kv['Full Name']).toMatchObject({ grounded: true });
    expect(kv['Full Name']?.text?.split(' ').sort()).toEqual(['DOE', 'JANE', 'MARIE']);
  });

  it('forgives an OCR slip the model corrected ("Suppl1es")', () => {
    const kv = ground({ Vendor: 'Acme Office Supplies' }, 'Vendor: Acme Office Suppl1es');
    expect(kv.Vendor).toMatchObject({ text: 'Acme Office Suppl1es', grounded: true });
    expect(kv.Vendor?.confidence).toBeLessThan(1);
  });

  it("grounds what a passport's machine-readable zone states: its dates, its nationality, its number", () => {
    const zone = 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10';
    const kv = ground(
      {
        'Date of Birth': 'Aug 12, 1974',
        'Expiry Date': 'Apr 15, 2012',
        Nationality: 'UTO',
        'Document Number': 'L898902C3',
      },
      zone,
    );
    for (const key of ['Date of Birth', 'Expiry Date', 'Nationality', 'Document Number'])
      expect(kv[key]).toMatchObject({ grounded: true, text: 'L898902C36UTO7408122F1204159ZE184226B<<<<<10' });
    // Six digits without their check digit are no date.
    expect(
      ground({ 'Date of Birth': 'Aug 12, 1974' }, 'L898902C36UTO7408125F1204159<<<<<<<<<<<')['Date of Birth'],
    ).toMatchObject({
      grounded: false,
    });
  });

  it('flags an invented value: grounded false, no page, words or box', () => {
    const kv = ground({ Total: '42.00', IBAN: 'GB33BUKB20201555555555' }, 'Total: 42.00');
    expect(kv.IBAN).toEqual({ confidence: 0, grounded: false });
    expect(kv.Total?.grounded).toBe(true);
  });

  it('does not ground a number on a longer one that merely contains it', () => {
    expect(ground({ Quantity: '42' }, 'Order 1425 of 2024').Quantity).toEqual({
      confidence: 0,
      grounded: false,
    });
  });

  it('prefers the occurrence next to its label', () => {
    const kv = ground({ 'Due Date': '9.99' }, 'Coffee 9.99\nTea 3.00\nDue Date: 9.99');
    expect(kv['Due Date']?.box?.top).toBeGreaterThan(0.06);
  });

  it("scales confidence by the OCR's confidence in the words", () => {
    const page = typesetLayout('Total: 42.00', { confidence: 0.5 });
    const found = groundResult('document', { kv: { Total: '42.00' } }, [page], EMPTY, keep).evidence.kv
      ?.Total;
    expect(found).toMatchObject({ grounded: true, confidence: 0.5 });
  });

  it('grounds a boolean (a ticked box) on its label', () => {
    expect(ground({ 'Terms Accepted': true }, '[x] Terms accepted')['Terms Accepted']).toMatchObject({
      text: 'Terms accepted',
      grounded: true,
    });
  });

  it('drops ungrounded values when told to, but never the form type', () => {
    const result = { kv: { 'Form Type': 'Lease Agreement', Rent: '900', Pet: 'Goldfish' }, fields: [] };
    const grounding = groundResult('form', result, [typesetLayout('TENANCY\nRent: 900')], EMPTY, {
      dropUngrounded: true,
    });
    expect(grounding.ungrounded).toBe(2);
    expect(grounding.result).toMatchObject({ kv: { 'Form Type': 'Lease Agreement', Rent: '900' } });
    expect(Object.keys(grounding.evidence.kv ?? {})).toEqual(['Form Type', 'Rent']);
  });

  it('survives a result that is not a record and pages without words', () => {
    expect(groundResult('document', 'nonsense', [], EMPTY, keep)).toEqual({
      result: 'nonsense',
      evidence: { pages: [] },
      ungrounded: 0,
    });
    const empty: PageLayout = { width: 10, height: 10, lines: [], source: 'ocr' };
    expect(groundResult('document', { kv: { A: 'b' } }, [empty], EMPTY, keep).evidence.kv).toEqual({
      A: { confidence: 0, grounded: false },
    });
  });

  it('keeps a kv key named __proto__ as an own entry', () => {
    const kv = JSON.parse('{"__proto__": "42.00"}');
    const evidence = groundResult('document', { kv }, [typesetLayout('Total 42.00')], EMPTY, keep).evidence;
    expect(Object.hasOwn(evidence.kv ?? {}, '__proto__')).toBe(true);
  });
});

describe('groundResult: form fields', () => {
  it("points each blank field at its label's words", () => {
    const page = typesetLayout('MEMBERSHIP FORM\nFull Name: ________\nEmail Address: ________');
    const result = { kv: { 'Form Type': 'Membership' }, fields: ['Full Name', 'Email Address', 'Signature'] };
    const { evidence } = groundResult('form', result, [page], EMPTY, keep);
    expect(evidence.fields?.['Email Address']).toMatchObject({
      text: 'Email Address:',
      grounded: true,
      page: 1,
    });
    expect(evidence.fields?.['Full Name']?.box?.top).toBe(page.lines[1].box.top);
    expect(evidence.fields?.Signature).toEqual({ confidence: 0, grounded: false });
  });
});

describe('groundResult: form filling', () => {
  const library: Library = {
    docs: [
      {
        id: 'p1',
        name: 'Passport',
        extractedInfo: { 'Full Name': 'Jane Doe', 'Last Name': 'Doe', 'Date of Birth': '14.07.1990' },
      },
    ],
    forms: [{ id: 'f2', formFields: [{ name: 'Mobile', value: '+1 555 0100' }] }],
  };

  it('cites the library item and the key whose value was used', () => {
    const result = {
      Surname: { value: 'Doe', source: { type: 'doc', resource_id: 'p1' } },
      DOB: { value: 'Jul 14, 1990', source: { type: 'doc', resource_id: 'p1' } },
      Phone: { value: '+1 555 0100', source: { type: 'form', resource_id: 'f2' } },
      'Given Name': { value: 'Jane', source: { type: 'doc', resource_id: 'p1' } },
      Nickname: { value: 'JD', source: { type: 'doc', resource_id: 'p1' } },
    };
    const { evidence } = groundResult('form_filling', result, [], library, keep);
    expect(evidence.fill).toMatchObject({
      Surname: { resourceId: 'p1', sourceKey: 'Last Name' },
      DOB: { resourceId: 'p1', sourceKey: 'Date of Birth' },
      Phone: { resourceId: 'f2', sourceKey: 'Mobile' },
      // Part of a value: "Jane" of "Jane Doe".
      'Given Name': { resourceId: 'p1', sourceKey: 'Full Name' },
      // No key of p1 holds "JD": cited without a key, with no confidence.
      Nickname: { resourceId: 'p1', confidence: 0 },
    });
    expect(evidence.fill?.Nickname?.sourceKey).toBeUndefined();
    // "Doe" is in both "Full Name" and "Last Name": the key holding exactly that value wins.
    expect(evidence.fill?.Surname?.confidence).toBeGreaterThanOrEqual(0.75);
    // A key named like the field counts for more.
    expect(evidence.fill?.DOB?.confidence).toBeLessThan(1);
    const named = groundResult(
      'form_filling',
      { 'Date of Birth': { value: 'Jul 14, 1990', source: { type: 'doc', resource_id: 'p1' } } },
      [],
      library,
      keep,
    ).evidence.fill?.['Date of Birth'];
    expect(named).toEqual({ resourceId: 'p1', sourceKey: 'Date of Birth', confidence: 1 });
    expect(evidence.fill?.['Given Name']?.confidence).toBeLessThan(0.75);
  });

  it('cites the key a derived value came from, a little less sure than of a stated one', () => {
    const payslip: Library = {
      docs: [
        {
          id: 's1',
          name: 'Payslip',
          extractedInfo: { 'Annual Salary': '54,000', 'Given Names': 'Jane', Surname: 'Doe' },
        },
      ],
      forms: [],
    };
    const result = {
      'Monthly Income': { value: '4,500.00', source: { type: 'doc', resource_id: 's1' } },
      'Full Name': { value: 'Jane Doe', source: { type: 'doc', resource_id: 's1' } },
    };
    const { evidence, ungrounded } = groundResult('form_filling', result, [], payslip, keep);
    expect(evidence.fill?.['Monthly Income']).toMatchObject({ resourceId: 's1', sourceKey: 'Annual Salary' });
    expect(evidence.fill?.['Full Name']).toMatchObject({ resourceId: 's1', sourceKey: 'Given Names' });
    expect(evidence.fill?.['Monthly Income']?.confidence).toBeGreaterThan(0.6);
    expect(evidence.fill?.['Monthly Income']?.confidence).toBeLessThanOrEqual(0.85);
    expect(ungrounded).toBe(0);
  });

  it('counts fills their item does not support, and drops them when asked', () => {
    const result = {
      Surname: { value: 'Doe', source: { type: 'doc', resource_id: 'p1' } },
      Nickname: { value: 'JD', source: { type: 'doc', resource_id: 'p1' } },
    };
    expect(groundResult('form_filling', result, [], library, keep)).toMatchObject({ result, ungrounded: 1 });
    const dropped = groundResult('form_filling', result, [], library, { dropUngrounded: true });
    expect(dropped.ungrounded).toBe(1);
    expect(dropped.result).toEqual({ Surname: result.Surname });
    expect(Object.keys(dropped.evidence.fill ?? {})).toEqual(['Surname']);
  });
});
