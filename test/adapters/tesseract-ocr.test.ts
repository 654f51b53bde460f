import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { TesseractOcr } from '../../lambdas/adapters/tesseract-ocr';
import { TaskFailure } from '../../lambdas/core/errors';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));

describe('TesseractOcr', () => {
  const ocr = new TesseractOcr({ poolSize: 2 });
  afterAll(() => ocr.close());

  it('reads the "Label: value" lines of an invoice PNG', async () => {
    const page = await ocr.recognize({
      key: 'invoice.png',
      mediaType: 'image/png',
      bytes: fixture('invoice.png'),
    });
    expect(page.pages).toBe(1);
    expect(page.text).toContain('Invoice Number: INV-2024-0042');
    expect(page.text).toContain('Invoice Date: 03/15/2024');
    expect(page.text).toContain('Total Amount: 149.90');
  });

  it('reads an ID card JPEG and a form with blank fields in parallel', async () => {
    const [card, form] = await Promise.all([
      ocr.recognize({ key: 'id-card.jpg', mediaType: 'image/jpeg', bytes: fixture('id-card.jpg') }),
      ocr.recognize({ key: 'form.png', mediaType: 'image/png', bytes: fixture('form.png') }),
    ]);
    expect(card.text).toContain('Name: John Smith');
    expect(card.text).toContain('ID Number: X1234567');
    expect(form.text).toContain('MEMBERSHIP APPLICATION FORM');
    expect(form.text).toMatch(/Email Address:/);
    expect(form.text).toContain('Membership Type: Gold');
  });

  it('fails an undecodable image with INPUT_UNREADABLE and keeps serving afterwards', async () => {
    const junk = new TextEncoder().encode('this is not an image');
    const failure = await ocr
      .recognize({ key: 'junk.png', mediaType: 'image/png', bytes: junk })
      .catch((e) => e);
    expect(failure).toBeInstanceOf(TaskFailure);
    expect((failure as TaskFailure).code).toBe('INPUT_UNREADABLE');

    const page = await ocr.recognize({
      key: 'id-card.jpg',
      mediaType: 'image/jpeg',
      bytes: fixture('id-card.jpg'),
    });
    expect(page.text).toContain('Nationality: Canadian');
  });

  it('is reported as the tesseract engine and restarts its pool after close()', async () => {
    expect(ocr.name).toBe('tesseract');
    await ocr.close();
    const page = await ocr.recognize({
      key: 'invoice.png',
      mediaType: 'image/png',
      bytes: fixture('invoice.png'),
    });
    expect(page.text).toContain('Vendor: Acme Office Supplies');
  });
});
