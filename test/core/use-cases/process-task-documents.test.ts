import { afterAll, describe, expect, it } from 'vitest';
import { RulesLlm } from '../../../lambdas/adapters/rules/rules-llm';
import { TesseractOcr } from '../../../lambdas/adapters/tesseract-ocr';
import { MAX_MODEL_TEXT_CHARS } from '../../../lambdas/core/layout-text';
import { SubmitImagesRequest } from '../../../lambdas/core/schemas/tasks';
import { getTask } from '../../../lambdas/core/use-cases/get-task';
import { processTask } from '../../../lambdas/core/use-cases/process-task';
import { submitTask } from '../../../lambdas/core/use-cases/submit-task';
import { multiPageTiff, scannedPdf, sidewaysPhoto, textPdf } from '../../support/documents';
import { base64, pngImage } from '../../support/events';
import { FakeOcr, memoryWorld } from '../../support/memory-ports';

// The local path end to end: the document reader, tesseract for what has no text layer, the offline rules.
const ocr = new TesseractOcr({ poolSize: 1 });
afterAll(() => ocr.close());

async function run(...inputs: Uint8Array[]) {
  const world = { ...memoryWorld(), ocr, llm: new RulesLlm() };
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
