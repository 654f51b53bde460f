import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { DocumentCase } from '../../eval/cases';
import { generateCase } from '../../eval/corpus';
import { render } from '../../eval/render';
import { MEASURED_CLEAN_UP } from '../../lambdas/adapters/tesseract-cleanup';
import { TesseractOcr } from '../../lambdas/adapters/tesseract-ocr';
import { TaskFailure } from '../../lambdas/core/errors';
import { type PageLayout, pageText } from '../../lambdas/core/layout';
import { layoutText } from '../../lambdas/core/layout-text';
import { photographedPage, type SkewedScan, skewedScan } from '../support/documents';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));

const LINES = [
  'Invoice Number: INV-1001',
  'Customer: Jane Example',
  'Date: 2026-01-05',
  'Total Due: 120.00',
  'Reference: ABC-778',
  'Payment Terms: 30 days',
];

/** How far (in page fractions) the centre of a word's box is from where the word is on the picture. */
function offsetOf(layout: PageLayout, scan: SkewedScan, text: string): number {
  const { box } = wordOf(layout, text);
  const truth = scan.centreOf(text);
  return Math.hypot(box.left + box.width / 2 - truth.x, box.top + box.height / 2 - truth.y);
}

function wordOf(layout: PageLayout, text: string) {
  const word = layout.lines.flatMap((line) => line.words).find((candidate) => candidate.text === text);
  expect(word, `the word "${text}"`).toBeDefined();
  return word as NonNullable<typeof word>;
}

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
    const text = pageText(page.layout);
    expect(text).toContain('Invoice Number: INV-2024-0042');
    expect(text).toContain('Invoice Date: 03/15/2024');
    expect(text).toContain('Total Amount: 149.90');
  });

  it('gives the page size in pixels and each word a box in page fractions with a confidence', async () => {
    const { layout } = await ocr.recognize({
      key: 'invoice.png',
      mediaType: 'image/png',
      bytes: fixture('invoice.png'),
    });
    expect(layout).toMatchObject({ width: 900, height: 560, source: 'ocr' });
    // make-fixtures.sh draws "INVOICE" at x=50 with its baseline at y=70 (30 pt) and the total at y=340.
    const heading = wordOf(layout, 'INVOICE');
    expect(heading.box.left * 900).toBeGreaterThan(40);
    expect(heading.box.left * 900).toBeLessThan(60);
    expect((heading.box.top + heading.box.height) * 560).toBeGreaterThan(60);
    expect((heading.box.top + heading.box.height) * 560).toBeLessThan(80);
    const amount = wordOf(layout, '149.90');
    expect((amount.box.top + amount.box.height) * 560).toBeGreaterThan(330);
    expect((amount.box.top + amount.box.height) * 560).toBeLessThan(350);
    expect(amount.confidence).toBeGreaterThan(0.5);
    expect(amount.confidence).toBeLessThanOrEqual(1);
    const totalLine = layout.lines.find((line) => line.text === 'Total Amount: 149.90');
    expect(totalLine?.words.map((word) => word.text)).toEqual(['Total', 'Amount:', '149.90']);
    expect(totalLine?.box.left).toBeLessThan(amount.box.left);
  });

  it("keeps a receipt's columns: amounts on their items' rows, a value under its label", async () => {
    const { layout } = await ocr.recognize({
      key: 'receipt-columns.png',
      mediaType: 'image/png',
      bytes: fixture('receipt-columns.png'),
    });
    const rows = layoutText([layout]).split('\n');
    const row = (start: string) => rows.find((line) => line.startsWith(start)) ?? '';
    expect(row('Almond croissant')).toMatch(/^Almond croissant {3,}2\.80$/);
    expect(row('Total:')).toMatch(/^Total: {3,}8\.25$/);
    // The amounts share a column; the receipt number sits under its label.
    expect(row('Flat white').indexOf('3.50')).toBe(row('Total:').indexOf('8.25'));
    const label = rows.findIndex((line) => line.includes('Receipt No'));
    expect(rows[label + 1].indexOf('R-10057')).toBe(rows[label].indexOf('Receipt No'));
  });

  it('reads an ID card JPEG and a form with blank fields in parallel', async () => {
    const [card, form] = await Promise.all([
      ocr.recognize({ key: 'id-card.jpg', mediaType: 'image/jpeg', bytes: fixture('id-card.jpg') }),
      ocr.recognize({ key: 'form.png', mediaType: 'image/png', bytes: fixture('form.png') }),
    ]);
    expect(pageText(card.layout)).toContain('Name: John Smith');
    expect(pageText(card.layout)).toContain('ID Number: X1234567');
    expect(pageText(form.layout)).toContain('MEMBERSHIP APPLICATION FORM');
    expect(pageText(form.layout)).toMatch(/Email Address:/);
    expect(pageText(form.layout)).toContain('Membership Type: Gold');
  });

  it('reads a page photographed 6° askew straight, each box where its word is on the photo as sent', async () => {
    const scan = await skewedScan(LINES, { degrees: 6, dpi: 150 });
    const { layout } = await ocr.recognize({ key: 'skewed.png', mediaType: 'image/png', bytes: scan.bytes });
    const text = pageText(layout);
    for (const line of LINES) expect(text).toContain(line);
    expect(layout).toMatchObject({ width: scan.width, height: scan.height });
    // Words near the corners move most when the page is straightened (0.03 of the page and more here):
    // their boxes must be turned back onto the photo.
    for (const word of ['Invoice', 'INV-1001', 'Payment', 'days']) {
      expect(offsetOf(layout, scan, word), word).toBeLessThan(0.008);
    }
  });

  it('reads a page photographed in perspective on a table in half shadow, each box on its word in the photo', async () => {
    const photo = await photographedPage(LINES, {
      dpi: 100,
      width: 800,
      height: 900,
      corners: [
        [0.14, 0.1],
        [0.84, 0.05],
        [0.9, 0.9],
        [0.1, 0.86],
      ],
      shadow: 0.5,
    });
    const { layout } = await ocr.recognize({ key: 'photo.jpg', mediaType: 'image/jpeg', bytes: photo.bytes });
    const text = pageText(layout);
    for (const line of LINES) expect(text).toContain(line);
    expect(layout).toMatchObject({ width: photo.width, height: photo.height });
    // The page was read flattened: each box must be carried back through the perspective onto the photo.
    for (const word of ['Invoice', 'INV-1001', 'Payment', 'days', '120.00']) {
      expect(offsetOf(layout, photo, word), word).toBeLessThan(0.01);
    }
  });

  it("reads a photographed ID card's machine-readable zone with its fillers, not as text", async () => {
    // A generated ID card (eval/documents.ts) photographed badly: turned, in perspective, small and blurred.
    const card = generateCase(1, 'id-card', 0) as DocumentCase;
    const image = await render(card.page, 'hard', 1, card.id);
    const photo = { key: 'card.jpg', mediaType: image.mediaType, bytes: new Uint8Array(image.bytes) };
    const zoneLines = (layout: PageLayout) =>
      layout.lines.map((line) => line.text.replace(/\s+/g, '')).filter((text) => /<</.test(text));
    const pageReadOnly = new TesseractOcr({
      poolSize: 1,
      cleanUp: { ...MEASURED_CLEAN_UP, rereadZones: false },
    });
    try {
      // Read as a page, its filler runs come back (where they come back at all) as letters: `<ccececansccence`.
      const asPage = zoneLines((await pageReadOnly.recognize(photo)).layout);
      expect(asPage.every((text) => /[a-z]/.test(text))).toBe(true);
    } finally {
      await pageReadOnly.close();
    }
    const { layout } = await ocr.recognize(photo);
    expect(zoneLines(layout).length).toBeGreaterThanOrEqual(2);
    expect(zoneLines(layout).filter((text) => /[a-z]/.test(text))).toEqual([]);
    expect(pageText(layout)).toContain('OKAFOR<<OSCAR');
    // Three pools start and the card is read twice: slow on a loaded machine, and not what is tested.
  }, 120_000);

  it('enlarges a low-resolution page with small text and keeps its boxes as fractions of it', async () => {
    // 16 pt type at 60 DPI: letters about 6 px high, too small for tesseract as sent.
    const scan = await skewedScan(LINES, { degrees: -3, dpi: 60 });
    const { layout } = await ocr.recognize({ key: 'small.png', mediaType: 'image/png', bytes: scan.bytes });
    const text = pageText(layout);
    for (const value of ['INV-1001', '2026-01-05', '120.00', 'ABC-778']) expect(text).toContain(value);
    expect(layout).toMatchObject({ width: scan.width, height: scan.height });
    for (const word of ['INV-1001', '120.00', 'days']) {
      expect(offsetOf(layout, scan, word), word).toBeLessThan(0.01);
    }
  });

  it('reads as sent, not enlarged, when an enlarged read would end after the task deadline', async () => {
    const scan = await skewedScan(LINES, { degrees: -3, dpi: 60 });
    const image = { key: 'small.png', mediaType: 'image/png' as const, bytes: scan.bytes };
    const late = await ocr.recognize(image, { deadline: Date.now() });
    const straightOnly = new TesseractOcr({ poolSize: 1, cleanUp: { ...MEASURED_CLEAN_UP, upscale: false } });
    try {
      expect(late.layout).toEqual((await straightOnly.recognize(image)).layout);
    } finally {
      await straightOnly.close();
    }
    expect(pageText((await ocr.recognize(image)).layout)).not.toBe(pageText(late.layout));
  });

  it('reads every label of a form beside drawn boxes, cells and lines when asked for sparse text', async () => {
    // A generated form (eval/forms.ts): labels in two columns, blanks drawn as boxes, cells, lines and dots.
    // Read as a page, tesseract drops some labels beside drawn marks (this one: 3 of 9).
    const form = generateCase(5, 'form', 0) as DocumentCase;
    const image = await render(form.page, 'clean', 5, form.id);
    const { layout } = await ocr.recognize({
      key: 'form.png',
      mediaType: image.mediaType,
      bytes: new Uint8Array(image.bytes),
      textLayout: 'sparse',
    });
    const words = (text: string) =>
      text
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, ' ')
        .trim();
    const read = words(pageText(layout));
    const missed = form.blanks.map((blank) => blank.label).filter((label) => !read.includes(words(label)));
    expect(missed).toEqual([]);
    expect(form.blanks.length).toBeGreaterThan(5);
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
    expect(pageText(page.layout)).toContain('Nationality: Canadian');
  });

  it('is reported as the tesseract engine and restarts its pool after close()', async () => {
    expect(ocr.name).toBe('tesseract');
    await ocr.close();
    const page = await ocr.recognize({
      key: 'invoice.png',
      mediaType: 'image/png',
      bytes: fixture('invoice.png'),
    });
    expect(pageText(page.layout)).toContain('Vendor: Acme Office Supplies');
  });
});
