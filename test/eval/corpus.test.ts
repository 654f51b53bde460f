import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_KINDS, type DocumentCase, type FillCase } from '../../eval/cases';
import { generateCase, generateCorpus } from '../../eval/corpus';
import { checkDigit, td3 } from '../../eval/mrz';
import { render } from '../../eval/render';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('eval corpus generator', () => {
  it('gives the same corpus for the same seed and another for another seed', () => {
    const once = generateCorpus({ seed: 7, count: 1 });
    const again = generateCorpus({ seed: 7, count: 1 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(once));
    expect(JSON.stringify(generateCorpus({ seed: 8, count: 1 }))).not.toBe(JSON.stringify(once));
    expect(once.map((c) => c.kind)).toEqual([...DOCUMENT_KINDS, 'form-filling']);
  });

  it('makes document i of a kind the same whatever else is picked', () => {
    const subset = generateCorpus({ seed: 3, count: 3, kinds: ['invoice'] });
    expect(JSON.stringify(subset[2])).toBe(JSON.stringify(generateCase(3, 'invoice', 2)));
  });

  it('prints every expected value it records, inside the page', () => {
    for (const c of generateCorpus({ seed: 11, count: 2 })) {
      if (c.task === 'form_filling') continue;
      const doc = c as DocumentCase;
      expect(doc.fields.length).toBeGreaterThan(0);
      for (const field of doc.fields) {
        expect(field.rects.length, `${doc.id} ${field.key}`).toBeGreaterThan(0);
        for (const rect of field.rects) {
          expect(rect.x).toBeGreaterThanOrEqual(0);
          expect(rect.y).toBeGreaterThanOrEqual(0);
          expect(rect.x + rect.w).toBeLessThanOrEqual(doc.page.width);
          expect(rect.y + rect.h).toBeLessThanOrEqual(doc.page.height);
        }
      }
    }
  });

  it('writes forms with blanks and filled values apart, and fill cases with fields that must stay empty', () => {
    const form = generateCase(5, 'form', 0) as DocumentCase;
    expect(form.blanks.length).toBeGreaterThanOrEqual(2);
    const filled = new Set(form.fields.map((field) => field.key));
    expect(form.blanks.filter((blank) => filled.has(blank.label))).toEqual([]);
    expect(form.fields.find((field) => field.key === 'Form Type')).toBeDefined();
    const fill = generateCase(5, 'form-filling', 0) as FillCase;
    expect(fill.form.fields).toEqual(fill.expected.map((expected) => expected.field));
    expect(fill.expected.some((expected) => expected.value === undefined)).toBe(true);
    const ids = new Set(fill.library.docs.map((doc) => doc.id));
    for (const expected of fill.expected)
      for (const source of expected.sources) expect(ids.has(source) || source.startsWith('form-')).toBe(true);
  });

  it('writes machine-readable zones with valid check digits (ICAO 9303 specimen)', () => {
    const [line1, line2] = td3({
      documentType: 'P',
      issuingState: 'UTO',
      surname: 'Eriksson',
      givenNames: 'Anna Maria',
      documentNumber: 'L898902C3',
      nationality: 'UTO',
      birthDate: '1974-08-12',
      sex: 'F',
      expiryDate: '2012-04-15',
      personalNumber: 'ZE184226B',
    });
    expect(line1).toBe('P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<');
    expect(line2).toBe('L898902C36UTO7408122F1204159ZE184226B<<<<<10');
    expect(checkDigit('L898902C3')).toBe('6');
  });

  it('renders each level the same way every time, with truth boxes on the image', async () => {
    const doc = generateCase(2, 'receipt', 0) as DocumentCase;
    const clean = await render(doc.page, 'clean', 2, doc.id);
    const hard = await render(doc.page, 'hard', 2, doc.id);
    const hardAgain = await render(doc.page, 'hard', 2, doc.id);
    expect(clean.mediaType).toBe('image/png');
    expect(hard.mediaType).toBe('image/jpeg');
    expect(sha(hardAgain.bytes)).toBe(sha(hard.bytes));
    // Hard photos are smaller than the page (low resolution) and the page sits inside them.
    expect(hard.width).toBeLessThan(clean.width);
    for (const field of doc.fields) {
      const box = hard.box(field.rects[0]);
      expect(box.left).toBeGreaterThan(0);
      expect(box.top).toBeGreaterThan(0);
      expect(box.left + box.width).toBeLessThan(1);
      expect(box.top + box.height).toBeLessThan(1);
      expect(clean.box(field.rects[0]).width).toBeCloseTo(field.rects[0].w / clean.width, 6);
    }
  });
});
