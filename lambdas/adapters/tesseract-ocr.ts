import { createRequire } from 'node:module';
import path from 'node:path';
import { imageSize } from 'image-size';
import {
  createScheduler,
  createWorker,
  type Line,
  OEM,
  type Page,
  PSM,
  type RecognizeOptions,
  type Scheduler,
  type Word,
} from 'tesseract.js';
import { TaskFailure } from '../core/errors';
import { MAX_IMAGE_SIDE_PX } from '../core/images';
import { type LayoutLine, type LayoutWord, lineOf, type PageLayout } from '../core/layout';
import type { CallOptions, OcrEngine, OcrImage, OcrImageLimits, OcrPage, TextLayout } from '../core/ports';
import { boxInSentImage, type ReadFrame } from '../core/read-frame';
import {
  type CleanedPhoto,
  cleanPhoto,
  MEASURED_CLEAN_UP,
  type PhotoCleanUp,
  type PreparedPicture,
  preparePicture,
  upscaleFor,
} from './tesseract-cleanup';
import { isZoneReading, ZONE_CHARACTERS, zoneBands } from './tesseract-zone';

export interface TesseractOcrOptions {
  /** Workers in the pool; each holds a WebAssembly engine (~40 MB), so keep it near the core count. */
  poolSize?: number;
  /** Directory holding `eng.traineddata.gz`; defaults to the npm package `@tesseract.js-data/eng`. */
  langPath?: string;
  /** Clean-up steps before reading (docs/accuracy.md). @default MEASURED_CLEAN_UP */
  cleanUp?: PhotoCleanUp;
}

/**
 * Tesseract reads the picture in memory (no byte limit); a side is kept within Textract's 10,000 px, which
 * bounds its time and memory the same way.
 */
const TESSERACT_IMAGE_LIMITS: OcrImageLimits = {
  maxSidePx: MAX_IMAGE_SIDE_PX,
  maxBytes: Number.POSITIVE_INFINITY,
  maxRenderedBytes: Number.POSITIVE_INFINITY,
};

/** Tesseract's layout analysis alone (no recognition): text lines and their heights, a fifth of a read. */
/** The pools of workers: one per page segmentation mode, one for machine-readable zones. */
type PoolKind = TextLayout | 'zone';

const LAYOUT_ONLY = { layoutBlocks: true, text: false, blocks: false, hocr: false, tsv: false };

/** The traineddata ships in an npm package, so OCR needs neither apt nor the network. */
function bundledLangPath(): string {
  const require = createRequire(import.meta.url);
  const packageDir = path.dirname(require.resolve('@tesseract.js-data/eng/package.json'));
  return path.join(packageDir, '4.0.0_best_int');
}

/** Offline OCR port: tesseract.js on a small pool of workers, created on the first image. */
export class TesseractOcr implements OcrEngine {
  readonly name = 'tesseract';
  readonly imageLimits = TESSERACT_IMAGE_LIMITS;
  private readonly poolSize: number;
  private readonly langPath: string;
  private readonly cleanUp: PhotoCleanUp;
  /**
   * One pool per page segmentation mode (tesseract sets the mode per worker, not per image), and one for
   * machine-readable zones (their characters only, a block of lines).
   */
  private readonly schedulers = new Map<PoolKind, Promise<Scheduler>>();

  constructor(options: TesseractOcrOptions = {}) {
    this.poolSize = Math.max(1, options.poolSize ?? 2);
    this.langPath = options.langPath ?? bundledLangPath();
    this.cleanUp = options.cleanUp ?? MEASURED_CLEAN_UP;
  }

  /**
   * The page is found in the photo and flattened, its lighting evened out; a layout pass finds the skew
   * and the text size; the picture is enlarged when its text is small, read turned straight, and every box
   * mapped back into the image as sent.
   */
  async recognize(image: OcrImage, options: CallOptions = {}): Promise<OcrPage> {
    const scheduler = await this.pool('page');
    // Forms are read as sparse text (PSM 11): the default mode drops labels beside drawn boxes and cells.
    const reader = image.textLayout === 'sparse' ? await this.pool('sparse') : scheduler;
    let cleaned: CleanedPhoto | undefined;
    try {
      const { width, height } = sizeOf(image.bytes);
      cleaned = await this.cleanedPhoto(image, width * height, options.deadline);
      const started = Date.now();
      let radians = 0;
      let scale = 1;
      if (this.cleanUp.deskew || this.cleanUp.upscale) {
        const survey = await scheduler.addJob(
          'recognize',
          Buffer.from(cleaned ? cleaned.png(1).bytes : image.bytes),
          // Its layout analysis prints a resolution guess for every picture without a DPI: not worth a log line.
          { rotateAuto: this.cleanUp.deskew, debug_file: '/dev/null' } as Partial<RecognizeOptions>,
          LAYOUT_ONLY,
        );
        radians = survey.data.rotateRadians ?? 0;
        // tesseract.js 7 returns the layout blocks beside its typed fields.
        if (this.cleanUp.upscale)
          scale = upscaleFor(
            (survey.data as { layoutBlocks?: Page['blocks'] }).layoutBlocks,
            this.cleanUp.targetXHeightPx,
            this.cleanUp.maxUpscale,
          );
        if (
          options.deadline !== undefined &&
          !enlargedReadFits(Date.now() - started, scale, options.deadline)
        )
          scale = 1;
      }
      const prepared = cleaned
        ? drawnPicture(cleaned, scale)
        : scale > 1 || this.cleanUp.contrast
          ? await preparePicture(image.bytes, image.mediaType, { scale, contrast: this.cleanUp.contrast })
          : { bytes: image.bytes, scaleX: 1, scaleY: 1 };
      // `blocks` is off by default in tesseract.js 7: without it there are no words or boxes.
      const reading = Date.now();
      const { data } = await reader.addJob(
        'recognize',
        Buffer.from(prepared.bytes),
        { rotateRadians: radians },
        { blocks: true },
      );
      const turned = data.rotateRadians ?? radians;
      const pictureWidth = Math.round((cleaned?.width ?? width) * prepared.scaleX);
      const pictureHeight = Math.round((cleaned?.height ?? height) * prepared.scaleY);
      const lines = this.cleanUp.rereadZones
        ? await this.withZonesReread(linesOf(data), {
            bytes: prepared.bytes,
            radians: turned,
            width: pictureWidth,
            height: pictureHeight,
            readMs: Date.now() - reading,
            deadline: options.deadline,
          })
        : linesOf(data);
      const frame: ReadFrame = {
        width,
        height,
        scaleX: prepared.scaleX,
        scaleY: prepared.scaleY,
        radians: turned,
        ...(cleaned?.page ? { page: cleaned.page } : {}),
      };
      return { layout: layoutOf(lines, frame), pages: 1 };
    } catch (error) {
      if (error instanceof TaskFailure) throw error;
      // tesseract.js rejects with a plain string when the image cannot be decoded.
      throw new TaskFailure('INPUT_UNREADABLE', `image ${image.key} could not be read by tesseract`, {
        cause: error,
      });
    } finally {
      cleaned?.close();
    }
  }

  /**
   * The photo with its page flattened and its lighting evened out, when the clean-up asks for either and
   * the task's deadline leaves room for it; undefined to read the image as sent.
   */
  private async cleanedPhoto(
    image: OcrImage,
    pixels: number,
    deadline: number | undefined,
  ): Promise<CleanedPhoto | undefined> {
    const { flattenPage, evenLighting } = this.cleanUp;
    if (!(flattenPage || evenLighting)) return undefined;
    if (
      deadline !== undefined &&
      Date.now() + PAGE_CLEAN_UP_BUDGET_MS_PER_MEGAPIXEL * (pixels / 1e6) > deadline
    )
      return undefined;
    return cleanPhoto(image.bytes, image.mediaType, { flattenPage, evenLighting });
  }

  /**
   * The page read's lines with each band that looks like a machine-readable zone read again (same picture,
   * same turn, only that rectangle, zone characters only); a band whose re-read holds no zone line keeps
   * what the page read found. Skipped when the re-reads would end after the task's deadline (a band costs
   * about its share of the page read).
   */
  private async withZonesReread(
    lines: Line[],
    picture: {
      bytes: Uint8Array;
      radians: number;
      width: number;
      height: number;
      readMs: number;
      deadline: number | undefined;
    },
  ): Promise<Line[]> {
    const bands = zoneBands(lines, picture.width, picture.height);
    if (bands.length === 0) return lines;
    const share =
      bands.reduce((sum, { rectangle }) => sum + rectangle.width * rectangle.height, 0) /
      Math.max(1, picture.width * picture.height);
    if (picture.deadline !== undefined && Date.now() + 2 * picture.readMs * share > picture.deadline)
      return lines;
    const zone = await this.pool('zone');
    let result = lines;
    for (const band of bands) {
      const { data } = await zone.addJob(
        'recognize',
        Buffer.from(picture.bytes),
        { rotateRadians: picture.radians, rectangle: band.rectangle },
        { blocks: true },
      );
      const reread = linesOf(data).filter((line) => isZoneReading(line.text));
      if (reread.length === 0) continue;
      const at = result.indexOf(band.lines[0] as Line);
      result = result.filter((line) => !band.lines.includes(line));
      result.splice(Math.max(0, at), 0, ...reread);
    }
    return result;
  }

  /** Stops the workers; the next image starts a fresh pool. */
  async close(): Promise<void> {
    const pending = [...this.schedulers.values()];
    this.schedulers.clear();
    await Promise.all(pending.map(async (starting) => (await starting.catch(() => undefined))?.terminate()));
  }

  private pool(textLayout: PoolKind): Promise<Scheduler> {
    let scheduler = this.schedulers.get(textLayout);
    if (!scheduler) {
      scheduler = this.startPool(textLayout).catch((error: unknown) => {
        this.schedulers.delete(textLayout);
        throw new TaskFailure('OCR_FAILURE', 'the tesseract engine could not start', { cause: error });
      });
      this.schedulers.set(textLayout, scheduler);
    }
    return scheduler;
  }

  private async startPool(textLayout: PoolKind): Promise<Scheduler> {
    const scheduler = createScheduler();
    // Zones are rare and their bands small: one worker reads them.
    const size = textLayout === 'zone' ? 1 : this.poolSize;
    const workers = await Promise.all(
      Array.from({ length: size }, () =>
        createWorker('eng', OEM.LSTM_ONLY, {
          langPath: this.langPath,
          gzip: true,
          cacheMethod: 'none',
          // Without a handler tesseract.js rethrows a failed job outside any promise and kills the process.
          errorHandler: () => {},
        }),
      ),
    );
    if (textLayout === 'sparse')
      await Promise.all(
        workers.map((worker) => worker.setParameters({ tessedit_pageseg_mode: PSM.SPARSE_TEXT })),
      );
    if (textLayout === 'zone')
      await Promise.all(
        workers.map((worker) =>
          worker.setParameters({
            tessedit_pageseg_mode: PSM.SINGLE_BLOCK,
            tessedit_char_whitelist: ZONE_CHARACTERS,
          }),
        ),
      );
    for (const worker of workers) scheduler.addWorker(worker);
    return scheduler;
  }
}

/** The cleaned photo drawn `scale` times its size, as tesseract reads it. */
function drawnPicture(cleaned: CleanedPhoto, scale: number): PreparedPicture {
  const drawn = cleaned.png(scale);
  return { bytes: drawn.bytes, scaleX: drawn.width / cleaned.width, scaleY: drawn.height / cleaned.height };
}

/**
 * The time a photo's clean-up and the reads after it need, per megapixel of the photo: the clean-up took
 * up to 1 s per megapixel on this machine under heavy load, the reads after it several times that
 * (docs/accuracy.md). A task whose deadline is closer is read as sent rather than outlive its worker.
 */
const PAGE_CLEAN_UP_BUDGET_MS_PER_MEGAPIXEL = 3000;

/**
 * Whether a read of the picture enlarged by `scale` would still end before the task's deadline, judged by
 * the survey that just took `surveyMs` (queueing included): a read costs about four surveys (measured: the
 * layout pass is a fifth of a read), times the growth in pixels. On a loaded machine the task is read as
 * sent rather than outlive its worker.
 */
function enlargedReadFits(surveyMs: number, scale: number, deadline: number): boolean {
  return scale <= 1 || Date.now() + 4 * surveyMs * scale * scale <= deadline;
}

/** Pixels of the image as sent; an unreadable header leaves the decoding to tesseract, which says so. */
function sizeOf(bytes: Uint8Array): { width: number; height: number } {
  try {
    const { width = 0, height = 0 } = imageSize(bytes);
    return { width, height };
  } catch {
    return { width: 0, height: 0 };
  }
}

/** Tesseract's lines of a page in its reading order (blocks, then paragraphs). */
function linesOf(data: Page): Line[] {
  return (data.blocks ?? []).flatMap((block) => block.paragraphs.flatMap((paragraph) => paragraph.lines));
}

/**
 * Tesseract's boxes are pixels of the picture it read and its confidences percentages; the layout's boxes
 * are fractions of the image as sent.
 */
function layoutOf(read: readonly Line[], frame: ReadFrame): PageLayout {
  const { width, height } = frame;
  const toWord = (word: Word): LayoutWord => ({
    text: word.text.trim(),
    box: boxInSentImage(frame, word.bbox.x0, word.bbox.y0, word.bbox.x1, word.bbox.y1),
    confidence: Math.round(Math.max(0, Math.min(100, word.confidence)) * 10) / 1000,
  });
  const lines: LayoutLine[] = [];
  for (const line of read) {
    const words = line.words.filter((word) => word.text.trim().length > 0).map(toWord);
    if (words.length > 0) lines.push(lineOf(words));
  }
  return { width, height, lines, source: 'ocr' };
}
