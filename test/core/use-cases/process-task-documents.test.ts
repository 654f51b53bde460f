import { DetectDocumentTextCommand, TextractClient } from '@aws-sdk/client-textract';
import { mockClient } from 'aws-sdk-client-mock';
import { imageSize } from 'image-size';
import { afterAll, describe, expect, it } from 'vitest';
import { MupdfDocumentReader } from '../../../lambdas/adapters/mupdf-document-reader';
import { RulesLlm } from '../../../lambdas/adapters/rules/rules-llm';
import { TesseractOcr } from '../../../lambdas/adapters/tesseract-ocr';
import { TextractOcr } from '../../../lambdas/adapters/textract-ocr';
import { MAX_MODEL_TEXT_CHARS } from '../../../lambdas/core/layout-text';
import type { OcrEngine } from '../../../lambdas/core/ports';
import { SubmitImagesRequest } from '../../../lambdas/core/schemas/tasks';
import { getTask } from '../../../lambdas/core/use-cases/get-task';
import { processTask } from '../../../lambdas/core/use-cases/process-task';
import { submitTask } from '../../../lambdas/core/use-cases/submit-task';
import { multiPageTiff, scannedPdf, sidewaysPhoto, textPdf, textStrip } from '../../support/documents';
import { base64, pngImage } from '../../support/events';
import { FakeOcr, memoryWorld } from '../../support/memory-ports';

// The local path end to end: the document reader, tesseract for what has no text layer, the offline rules.
const ocr = new TesseractOcr({ poolSize: 1 });
afterAll(() => ocr.close());

async function run(...inputs: Uint8Array[]) {
  return runWith(ocr, ...inputs);
}

/** Submitted and processed as the worker does it: its reader sizes pages for this engine. */
async function runWith(
  engineFor: OcrEngine | ((world: ReturnType<typeof memoryWorld>) => OcrEngine),
  ...inputs: Uint8Array[]
) {
  const memory = memoryWorld();
  const engine = typeof engineFor === 'function' ? engineFor(memory) : engineFor;
  const documents = new MupdfDocumentReader({ limits: engine.imageLimits });
  const world = { ...memory, documents, ocr: engine, llm: new RulesLlm() };
  const request = SubmitImagesRequest.parse({ images: inputs.map((bytes) => ({ data: base64(bytes) })) });
  const { taskId } = (await submitTask(world, 'user-a', { type: 'document', request })).summary;
  await processTask(world, taskId);
  return getTask(world, 'user-a', taskId);
}

const kvOf = (view: { result?: unknown }) =>
  JSON.stringify((view.result as { kv?: unknown } | undefined)?.kv ?? {});

describe('processTask on documents', () => {
  it('completes a 3-page text PDF from its text layer: values of every page, 3 pages, no OCR', async () => {
    const view = await run(
      await textPdf([['Invoice Number: INV-1001'], ['Order Number: ORD-2002'], ['Total Due: 333.30']]),
    );
    expect(view.status).toBe('completed');
    expect(kvOf(view)).toMatch(/INV-1001.*ORD-2002.*333\.30/);
    expect(view.usage).toMatchObject({ pages: 3, ocrEngine: 'pdf-text' });
    expect(view.evidence?.kv && Object.values(view.evidence.kv).map((e) => 'page' in e && e.page)).toEqual(
      expect.arrayContaining([1, 2, 3]),
    );
  });

  it('completes a 2-page scanned PDF by OCR of each rendered page', async () => {
    const view = await run(await scannedPdf([['Policy Number: POL-7781'], ['Premium: 312.40']]));
    expect(view.status).toBe('completed');
    expect(kvOf(view)).toMatch(/POL-7781.*312\.40/);
    expect(view.usage).toMatchObject({ pages: 2, ocrEngine: 'tesseract' });
  });

  it('completes a 2-page TIFF and a photo after it: pages of every input, in order', async () => {
    const view = await run(
      await multiPageTiff([['Claim Number: CL-3301'], ['Claim Amount: 58.25']]),
      await sidewaysPhoto(['Permit Number: PP-61077']),
    );
    expect(view.status).toBe('completed');
    expect(kvOf(view)).toMatch(/CL-3301.*58\.25.*PP-61077/);
    expect(view.usage).toMatchObject({ pages: 3, ocrEngine: 'tesseract' });
  });

  it('names both readers when a text PDF and a photo are read together', async () => {
    const view = await run(
      await textPdf([['Account Number: AC-5521']]),
      await sidewaysPhoto(['Permit Number: PP-61077']),
    );
    expect(view.usage).toMatchObject({ pages: 2, ocrEngine: 'tesseract+pdf-text' });
    expect(kvOf(view)).toMatch(/AC-5521.*PP-61077/);
  });
});

describe('processTask on photos over the OCR limits', () => {
  // 12,000 px wide: once refused with 422 INVALID_IMAGE, now scaled down to 10,000 px for OCR.
  const words = ['Invoice Number: INV-1001', 'Total Due: 120.00'];

  it('completes a photo wider than 10,000 px with tesseract: its values, boxes and size those of the photo', async () => {
    const strip = await textStrip(words, 12_000);
    const view = await runWith(ocr, strip);
    expect(view.status).toBe('completed');
    expect(kvOf(view)).toMatch(/INV-1001.*120\.00/);
    const { height = 0 } = imageSize(strip);
    expect(view.evidence?.pages).toEqual([{ page: 1, width: 12_000, height }]);
    const total = Object.values(view.evidence?.kv ?? {}).find((e) => 'text' in e && e.text === '120.00');
    // The second phrase starts half-way along the strip (40 pt margin on a 2,880 pt page).
    expect(total && 'box' in total && total.box?.left).toBeGreaterThan(0.5);
    expect(total && 'box' in total && total.box?.left).toBeLessThan(0.75);
  });

  it('sends Textract the photo scaled to 10,000 px as bytes and keeps the fractions it answers', async () => {
    const textract = mockClient(TextractClient);
    textract.on(DetectDocumentTextCommand).resolves({
      Blocks: [
        {
          BlockType: 'LINE',
          Id: 'l1',
          Text: 'Invoice Number: INV-1001',
          Confidence: 99,
          Relationships: [{ Type: 'CHILD', Ids: ['w1', 'w2', 'w3'] }],
          Geometry: { BoundingBox: { Left: 0.01, Top: 0.3, Width: 0.1, Height: 0.3 } },
        },
        {
          BlockType: 'WORD',
          Id: 'w1',
          Text: 'Invoice',
          Confidence: 99,
          Geometry: { BoundingBox: { Left: 0.01, Top: 0.3, Width: 0.03, Height: 0.3 } },
        },
        {
          BlockType: 'WORD',
          Id: 'w2',
          Text: 'Number:',
          Confidence: 99,
          Geometry: { BoundingBox: { Left: 0.045, Top: 0.3, Width: 0.03, Height: 0.3 } },
        },
        {
          BlockType: 'WORD',
          Id: 'w3',
          Text: 'INV-1001',
          Confidence: 99,
          Geometry: { BoundingBox: { Left: 0.08, Top: 0.3, Width: 0.03, Height: 0.3 } },
        },
      ],
      DocumentMetadata: { Pages: 1 },
    });
    try {
      // Its retry budget runs on the world's clock, as the task deadline does.
      const engine = ({ clock }: ReturnType<typeof memoryWorld>) =>
        new TextractOcr(new TextractClient({}), 'bucket', {
          document: 's3',
          retry: { now: () => clock.now().getTime() },
        });
      const view = await runWith(engine, await textStrip(words, 12_000));
      expect(view.status).toBe('completed');
      const sent = textract.commandCalls(DetectDocumentTextCommand)[0]?.args[0].input.Document;
      expect(sent?.S3Object).toBeUndefined();
      const bytes = sent?.Bytes ?? new Uint8Array();
      expect(imageSize(bytes).width).toBe(10_000);
      expect(bytes.byteLength).toBeLessThanOrEqual(5_000_000);
      expect(view.evidence?.pages?.[0]?.width).toBe(12_000);
      const number = Object.values(view.evidence?.kv ?? {}).find((e) => 'text' in e && e.text === 'INV-1001');
      expect(number && 'box' in number && number.box).toEqual({
        left: 0.08,
        top: 0.3,
        width: 0.03,
        height: 0.3,
      });
    } finally {
      textract.restore();
    }
  });
});

describe('processTask on long documents', () => {
  it('sends at most MAX_MODEL_TEXT_CHARS with every page marker, completes, and says the text was cut', async () => {
    const world = memoryWorld();
    const longPage = Array.from({ length: 150 }, (_, n) => `Row ${n + 1}: ${'y'.repeat(50)}`).join('\n');
    world.ocr = new FakeOcr(() => longPage);
    const sent: string[] = [];
    const answer = world.llm.answer;
    world.llm.answer = (request) => {
      sent.push(request.context.ocrText);
      return answer(request);
    };
    const images = Array.from({ length: 20 }, (_, n) => ({ data: base64(pngImage(6, 6, n)) }));
    const request = SubmitImagesRequest.parse({ images });
    const { taskId } = (await submitTask(world, 'user-a', { type: 'document', request })).summary;
    await processTask(world, taskId);
    const view = await getTask(world, 'user-a', taskId);
    expect(view.status).toBe('completed');
    expect(view.usage).toMatchObject({ pages: 20, textTruncated: true });
    expect(sent[0]?.length).toBeLessThanOrEqual(MAX_MODEL_TEXT_CHARS + 20 * 100);
    for (let n = 1; n <= 20; n++) expect(sent[0]).toContain(`--- Page ${n} ---`);
  });

  it('leaves textTruncated out when everything was sent', async () => {
    const view = await run(await textPdf([['Invoice Number: INV-9']]));
    expect(view.usage).not.toHaveProperty('textTruncated');
  });
});
