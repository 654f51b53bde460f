/**
 * Word recall of the tesseract clean-up variants on the eval corpus, without the rest of the pipeline: for
 * each rendered document, the share of its printed words found in the OCR text (lower-cased, punctuation
 * stripped, each printed word matched once). The figures in docs/accuracy.md "Photo clean-up for OCR".
 *
 *   npx tsx eval/ocr-recall.ts [--seed N] [--count N] [--levels mild,hard] [--variants none,measured]
 */
import { parseArgs } from 'node:util';
import { MEASURED_CLEAN_UP, NO_CLEAN_UP, type PhotoCleanUp } from '../lambdas/adapters/tesseract-cleanup';
import { TesseractOcr } from '../lambdas/adapters/tesseract-ocr';
import { pageText } from '../lambdas/core/layout';
import { DOCUMENT_KINDS, type DocumentCase, LEVELS, type Level } from './cases';
import { generateCorpus } from './corpus';
import { render } from './render';

const VARIANTS: Record<string, PhotoCleanUp> = {
  none: NO_CLEAN_UP,
  deskew: { ...NO_CLEAN_UP, deskew: true },
  upscale: { ...NO_CLEAN_UP, upscale: true },
  'deskew+upscale': { ...NO_CLEAN_UP, deskew: true, upscale: true },
  'deskew+upscale+contrast': { ...NO_CLEAN_UP, deskew: true, upscale: true, contrast: true },
  'page+deskew+upscale': { ...NO_CLEAN_UP, flattenPage: true, deskew: true, upscale: true },
  'lighting+deskew+upscale': { ...NO_CLEAN_UP, evenLighting: true, deskew: true, upscale: true },
  measured: MEASURED_CLEAN_UP,
  'measured+upscale3': { ...MEASURED_CLEAN_UP, maxUpscale: 3 },
};

const words = (text: string) =>
  text
    .split(/\s+/)
    .map((word) => word.toLowerCase().replace(/[^\p{L}\p{N}]/gu, ''))
    .filter(Boolean);

/** Share of the printed words found in what was read, each read word used once. */
function recall(printed: string[], read: string[]): number {
  const left = new Map<string, number>();
  for (const word of read) left.set(word, (left.get(word) ?? 0) + 1);
  let found = 0;
  for (const word of printed) {
    const n = left.get(word) ?? 0;
    if (n > 0) {
      found++;
      left.set(word, n - 1);
    }
  }
  return printed.length === 0 ? 1 : found / printed.length;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '1' },
      count: { type: 'string', default: '2' },
      levels: { type: 'string', default: 'mild,hard' },
      variants: { type: 'string', default: 'none,measured' },
    },
  });
  const seed = Number(values.seed);
  const levels = values.levels.split(',') as Level[];
  const variants = values.variants.split(',');
  for (const level of levels) if (!LEVELS.includes(level)) throw new Error(`unknown level ${level}`);
  for (const name of variants) if (!VARIANTS[name]) throw new Error(`unknown variant ${name}`);
  const cases = generateCorpus({
    seed,
    count: Number(values.count),
    kinds: DOCUMENT_KINDS,
  }) as DocumentCase[];
  for (const name of variants) {
    const ocr = new TesseractOcr({ poolSize: 2, cleanUp: VARIANTS[name] });
    try {
      for (const level of levels) {
        const started = Date.now();
        const recalls = await Promise.all(
          cases.map(async (document) => {
            const image = await render(document.page, level, seed, document.id);
            const printed = document.page.elements.flatMap((e) => (e.type === 'text' ? words(e.text) : []));
            const { layout } = await ocr.recognize({
              key: document.id,
              mediaType: image.mediaType,
              bytes: new Uint8Array(image.bytes),
            });
            return recall(printed, words(pageText(layout)));
          }),
        );
        const mean = recalls.reduce((sum, value) => sum + value, 0) / recalls.length;
        const seconds = Math.round((Date.now() - started) / 1000);
        console.log(
          `seed ${seed} ${level} ${name}: word recall ${(mean * 100).toFixed(1)} % over ${recalls.length} documents, ${seconds} s`,
        );
      }
    } finally {
      await ocr.close();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
