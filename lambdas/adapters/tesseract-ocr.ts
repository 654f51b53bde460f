import { createRequire } from 'node:module';
import path from 'node:path';
import { imageSize } from 'image-size';
import { createScheduler, createWorker, OEM, type Page, type Scheduler, type Word } from 'tesseract.js';
import { TaskFailure } from '../core/errors';
import { type LayoutLine, type LayoutWord, lineOf, type PageLayout, pageBox } from '../core/layout';
import type { OcrEngine, OcrImage, OcrPage } from '../core/ports';

export interface TesseractOcrOptions {
  /** Workers in the pool; each holds a WebAssembly engine (~40 MB), so keep it near the core count. */
  poolSize?: number;
  /** Directory holding `eng.traineddata.gz`; defaults to the npm package `@tesseract.js-data/eng`. */
  langPath?: string;
}

/** The traineddata ships in an npm package, so OCR needs neither apt nor the network. */
function bundledLangPath(): string {
  const require = createRequire(import.meta.url);
  const packageDir = path.dirname(require.resolve('@tesseract.js-data/eng/package.json'));
  return path.join(packageDir, '4.0.0_best_int');
}

/** Offline OCR port: tesseract.js on a small pool of workers, created on the first image. */
export class TesseractOcr implements OcrEngine {
  readonly name = 'tesseract';
  private readonly poolSize: number;
  private readonly langPath: string;
  private scheduler?: Promise<Scheduler>;

  constructor(options: TesseractOcrOptions = {}) {
    this.poolSize = Math.max(1, options.poolSize ?? 2);
    this.langPath = options.langPath ?? bundledLangPath();
  }

  async recognize(image: OcrImage): Promise<OcrPage> {
    const scheduler = await this.pool();
    try {
      // `blocks` is off by default in tesseract.js 7: without it there are no words or boxes.
      const { data } = await scheduler.addJob('recognize', Buffer.from(image.bytes), {}, { blocks: true });
      return { layout: layoutOf(data, image.bytes), pages: 1 };
    } catch (error) {
      // tesseract.js rejects with a plain string when the image cannot be decoded.
      throw new TaskFailure('INPUT_UNREADABLE', `image ${image.key} could not be read by tesseract`, {
        cause: error,
      });
    }
  }

  /** Stops the workers; the next image starts a fresh pool. */
  async close(): Promise<void> {
    const pending = this.scheduler;
    this.scheduler = undefined;
    if (!pending) return;
    const scheduler = await pending.catch(() => undefined);
    await scheduler?.terminate();
  }

  private pool(): Promise<Scheduler> {
    this.scheduler ??= this.startPool().catch((error: unknown) => {
      this.scheduler = undefined;
      throw new TaskFailure('OCR_FAILURE', 'the tesseract engine could not start', { cause: error });
    });
    return this.scheduler;
  }

  private async startPool(): Promise<Scheduler> {
    const scheduler = createScheduler();
    const workers = await Promise.all(
      Array.from({ length: this.poolSize }, () =>
        createWorker('eng', OEM.LSTM_ONLY, {
          langPath: this.langPath,
          gzip: true,
          cacheMethod: 'none',
          // Without a handler tesseract.js rethrows a failed job outside any promise and kills the process.
          errorHandler: () => {},
        }),
      ),
    );
    for (const worker of workers) scheduler.addWorker(worker);
    return scheduler;
  }
}

/** Tesseract's boxes are pixels of the image and its confidences percentages; the layout's are fractions. */
function layoutOf(data: Page, bytes: Uint8Array): PageLayout {
  const { width = 0, height = 0 } = imageSize(bytes);
  const toWord = (word: Word): LayoutWord => ({
    text: word.text.trim(),
    box: pageBox(
      word.bbox.x0 / width,
      word.bbox.y0 / height,
      (word.bbox.x1 - word.bbox.x0) / width,
      (word.bbox.y1 - word.bbox.y0) / height,
    ),
    confidence: Math.round(Math.max(0, Math.min(100, word.confidence)) * 10) / 1000,
  });
  const lines: LayoutLine[] = [];
  for (const block of data.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        const words = line.words.filter((word) => word.text.trim().length > 0).map(toWord);
        if (words.length > 0) lines.push(lineOf(words));
      }
    }
  }
  return { width, height, lines, source: 'ocr' };
}
