import { randomBytes } from 'node:crypto';
import { imageSize } from 'image-size';
import * as mupdf from 'mupdf';
import { afterAll, describe, expect, it } from 'vitest';
import { MupdfDocumentReader } from '../../lambdas/adapters/mupdf-document-reader';
import { TesseractOcr } from '../../lambdas/adapters/tesseract-ocr';
import { textractImageLimits } from '../../lambdas/adapters/textract-ocr';
import { TaskFailure } from '../../lambdas/core/errors';
import { pageText } from '../../lambdas/core/layout';
import type { InputPage } from '../../lambdas/core/ports';
import {
  encryptedPdf,
  multiPageTiff,
  scannedPdf,
  sidewaysPhoto,
  textPdf,
  textStrip,
} from '../support/documents';
import { pngHeader } from '../support/events';

const reader = new MupdfDocumentReader();
const ocr = new TesseractOcr({ poolSize: 1 });
afterAll(() => ocr.close());

async function ocrText(page: InputPage | undefined): Promise<string> {
  if (page?.kind !== 'image') throw new Error(`expected an image page, got ${page?.kind}`);
  return pageText((await ocr.recognize({ key: 'page', ...page.image })).layout);
}

async function failureOf(run: Promise<unknown>): Promise<string | undefined> {
  try {
    await run;
  } catch (error) {
    if (error instanceof TaskFailure) return error.code;
    throw error;
  }
  return undefined;
}

describe('MupdfDocumentReader', () => {
  it('reads each page of a text PDF from its text layer, in order, with line and word boxes', async () => {
    const pdf = await textPdf([
      ['Invoice Number: INV-1001', 'Date: 2026-01-05'],
      ['Subtotal: 100.00'],
      ['Total Due: 120.00'],
    ]);
    const pages = await reader.pages({ mediaType: 'application/pdf', bytes: pdf });
    expect(pages.map((page) => page.kind)).toEqual(['text-layer', 'text-layer', 'text-layer']);
    const layouts = pages.map((page) => (page.kind === 'text-layer' ? page.layout : undefined));
    expect(layouts.map((layout) => layout && pageText(layout))).toEqual([
      'Invoice Number: INV-1001\nDate: 2026-01-05',
      'Subtotal: 100.00',
      'Total Due: 120.00',
    ]);
    const first = layouts[0];
    expect(first).toMatchObject({ source: 'text-layer', width: 1167, height: 1653 });
    const line = first?.lines[0];
    expect(line?.words.map((word) => word.text)).toEqual(['Invoice', 'Number:', 'INV-1001']);
    expect(line?.confidence).toBe(1);
    // Drawn 40 pt from the left, its baseline 55 pt from the top of a 420 x 595 pt page (16 pt type).
    expect(line?.box.left).toBeCloseTo(40 / 420, 2);
    expect(line?.box.top).toBeGreaterThan(0.05);
    expect(line?.box.top).toBeLessThan(0.08);
    const [invoice, number] = line?.words ?? [];
    expect(invoice && number && invoice.box.left + invoice.box.width).toBeLessThan(number?.box.left ?? 0);
  });

  it('renders the pages of a scanned PDF for OCR, which reads the text of each', async () => {
    const pdf = await scannedPdf([['Policy Number: POL-7781'], ['Premium: 312.40']]);
    const pages = await reader.pages({ mediaType: 'application/pdf', bytes: pdf });
    expect(pages.map((page) => page.kind)).toEqual(['image', 'image']);
    expect(pages[0]).toMatchObject({ image: { mediaType: 'image/png', rendered: true } });
    expect(await ocrText(pages[0])).toContain('POL-7781');
    expect(await ocrText(pages[1])).toContain('312.40');
  });

  it('reads a mixed PDF: the text page from its layer, the scanned page by OCR', async () => {
    const { PDFDocument } = await import('pdf-lib');
    const mixed = await PDFDocument.create();
    for (const part of [await textPdf([['Account: AC-5521']]), await scannedPdf([['Balance: 77.10']])]) {
      const source = await PDFDocument.load(part);
      const [page] = await mixed.copyPages(source, [0]);
      if (page) mixed.addPage(page);
    }
    const pages = await reader.pages({ mediaType: 'application/pdf', bytes: await mixed.save() });
    expect(pages.map((page) => page.kind)).toEqual(['text-layer', 'image']);
    expect(await ocrText(pages[1])).toContain('77.10');
  });

  it('decodes every page of a multi-page TIFF', async () => {
    const tiff = await multiPageTiff([['Claim: CL-3301'], ['Amount: 58.25']]);
    const pages = await reader.pages({ mediaType: 'image/tiff', bytes: tiff });
    expect(pages.map((page) => page.kind)).toEqual(['image', 'image']);
    expect(await ocrText(pages[0])).toContain('CL-3301');
    expect(await ocrText(pages[1])).toContain('58.25');
  });

  it('turns a sideways EXIF photo upright before OCR', async () => {
    const photo = await sidewaysPhoto(['Permit Number: PP-61077']);
    const [page] = await reader.pages({ mediaType: 'image/jpeg', bytes: photo });
    expect(page).toMatchObject({ kind: 'image', image: { mediaType: 'image/jpeg', rendered: true } });
    expect(await ocrText(page)).toContain('PP-61077');
  });

  it('passes a photo without orientation through unchanged', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    expect(await reader.pages({ mediaType: 'image/png', bytes: png })).toEqual([
      { kind: 'image', image: { mediaType: 'image/png', bytes: png } },
    ]);
  });

  it('ends an encrypted, a truncated and a garbage PDF as INPUT_UNREADABLE', async () => {
    const pdf = await textPdf([['Total: 1.00']]);
    for (const bytes of [
      await encryptedPdf(),
      pdf.slice(0, 200),
      new TextEncoder().encode('%PDF-1.7 not really'),
    ]) {
      expect(await failureOf(reader.pages({ mediaType: 'application/pdf', bytes }))).toBe('INPUT_UNREADABLE');
    }
  });
});

describe('MupdfDocumentReader within the OCR engine limits', () => {
  const forTextract = new MupdfDocumentReader({ limits: textractImageLimits('s3') });
  const imageOf = (page: InputPage | undefined) => {
    if (page?.kind !== 'image') throw new Error(`expected an image page, got ${page?.kind}`);
    return page.image;
  };

  it('scales a photo wider than 10,000 px down to fit Textract, keeping its own size and its text', async () => {
    const strip = await textStrip(['Invoice Number: INV-1001', 'Total Due: 120.00'], 12_000);
    const [page] = await forTextract.pages({ mediaType: 'image/png', bytes: strip });
    const image = imageOf(page);
    const { height = 0 } = imageSize(strip);
    expect(image).toMatchObject({ rendered: true, sourceSize: { width: 12_000, height } });
    const scaled = imageSize(image.bytes);
    expect(scaled.width).toBe(10_000);
    expect(scaled.height).toBeCloseTo((height * 10_000) / 12_000, -1);
    // Sent as bytes (it is not the stored object): under Textract's 5 MB for a document in the request.
    expect(image.bytes.byteLength).toBeLessThanOrEqual(5_000_000);
    const text = await ocrText(page);
    expect(text).toContain('INV-1001');
    expect(text).toContain('120.00');
  });

  it('re-encodes a photo over the byte limit, smaller until it fits', async () => {
    const noise = new mupdf.Pixmap(mupdf.ColorSpace.DeviceRGB, [0, 0, 1200, 1200], false);
    noise.getPixels().set(randomBytes(1200 * 1200 * 3));
    const png = noise.asPNG();
    expect(png.byteLength).toBeGreaterThan(2_000_000);
    const limits = { maxSidePx: 10_000, maxBytes: 1_000_000, maxRenderedBytes: 1_000_000 };
    const [page] = await new MupdfDocumentReader({ limits }).pages({ mediaType: 'image/png', bytes: png });
    const image = imageOf(page);
    expect(image.mediaType).toBe('image/jpeg');
    expect(image.bytes.byteLength).toBeLessThanOrEqual(1_000_000);
    expect(image.sourceSize).toEqual({ width: 1200, height: 1200 });
  });

  it('passes a photo within the limits through as it was sent', async () => {
    const strip = await textStrip(['Total Due: 120.00'], 2_000);
    const [page] = await forTextract.pages({ mediaType: 'image/png', bytes: strip });
    expect(page).toEqual({ kind: 'image', image: { mediaType: 'image/png', bytes: strip } });
  });

  it('ends a photo with more pixels than the worker can decode as INPUT_UNREADABLE, without decoding it', async () => {
    const header = pngHeader(12_000, 6_000);
    expect(await failureOf(forTextract.pages({ mediaType: 'image/png', bytes: header }))).toBe(
      'INPUT_UNREADABLE',
    );
  });
});
