/**
 * Reads PDF, TIFF and photos into pages with MuPDF (WASM, so it runs in the ARM64 Lambda bundle without a
 * native build): a PDF page with a text layer becomes its exact layout; a page without one, and every TIFF
 * page, is rendered for OCR; a JPEG with an EXIF orientation is turned upright first (MuPDF applies it); a
 * picture over the OCR engine's limits (pixels a side, bytes) is scaled down and re-encoded to fit.
 */
import exifr from 'exifr';
import { imageSize } from 'image-size';
import { TaskFailure } from '../core/errors';
import { MAX_DECODED_PIXELS } from '../core/images';
import type { Box, LayoutLine, LayoutWord, PageLayout } from '../core/layout';
import type { DocumentReader, InputPage, OcrImageLimits } from '../core/ports';
import type { ImageInput } from '../core/task';
import { encodeWithin, loadMupdf, type MuPdf, openPhoto } from './mupdf-images';

/** Scanned pages are rendered at this resolution: enough for OCR of body text, small enough to send. */
export const RENDER_DPI = 200;
/** Rendered pages stay within Textract's 10,000 px a side and well under its 10 MB (grayscale PNG). */
const MAX_RENDER_SIDE_PX = 8_000;
const MAX_RENDER_PIXELS = 24_000_000;
/** A page whose text layer holds fewer letters or digits than this is treated as scanned. */
const MIN_TEXT_LAYER_CHARS = 3;

/** No limit: an engine that takes any picture (a photo then passes as sent unless it needs turning). */
export const NO_IMAGE_LIMITS: OcrImageLimits = {
  maxSidePx: Number.POSITIVE_INFINITY,
  maxBytes: Number.POSITIVE_INFINITY,
  maxRenderedBytes: Number.POSITIVE_INFINITY,
};

export interface MupdfDocumentReaderOptions {
  /** What the OCR engine accepts; larger pictures are scaled down to fit. @default NO_IMAGE_LIMITS */
  limits?: OcrImageLimits;
}

export class MupdfDocumentReader implements DocumentReader {
  readonly textLayerName = 'pdf-text';
  private readonly limits: OcrImageLimits;

  constructor(options: MupdfDocumentReaderOptions = {}) {
    this.limits = options.limits ?? NO_IMAGE_LIMITS;
  }

  async pages(input: { mediaType: ImageInput['mediaType']; bytes: Uint8Array }): Promise<InputPage[]> {
    const { mediaType, bytes } = input;
    if (mediaType === 'image/png' || mediaType === 'image/jpeg')
      return [await photoPage(bytes, mediaType, this.limits)];
    const mupdf = await loadMupdf();
    const label = mediaType === 'application/pdf' ? 'PDF' : 'TIFF';
    let document: InstanceType<MuPdf['Document']>;
    try {
      document = mupdf.Document.openDocument(bytes, mediaType);
    } catch (cause) {
      throw new TaskFailure('INPUT_UNREADABLE', `this ${label} cannot be opened`, { cause });
    }
    try {
      if (document.needsPassword()) {
        throw new TaskFailure('INPUT_UNREADABLE', 'this PDF is encrypted; send it without a password');
      }
      const count = document.countPages();
      if (count < 1) throw new TaskFailure('INPUT_UNREADABLE', `this ${label} has no pages`);
      const pages: InputPage[] = [];
      for (let n = 0; n < count; n++) {
        try {
          const page = document.loadPage(n);
          const layout = mediaType === 'application/pdf' ? textLayer(page) : undefined;
          pages.push(
            layout
              ? { kind: 'text-layer', layout }
              : { kind: 'image', image: render(mupdf, page, this.limits) },
          );
          page.destroy();
        } catch (cause) {
          if (cause instanceof TaskFailure) throw cause;
          throw new TaskFailure('INPUT_UNREADABLE', `page ${n + 1} of this ${label} cannot be read`, {
            cause,
          });
        }
      }
      return pages;
    } finally {
      document.destroy();
    }
  }
}

/**
 * A photo as sent; or, when its EXIF orientation says it is stored sideways or it is over the engine's
 * limits, rendered upright and scaled down to fit (its upright size kept as `sourceSize`).
 */
async function photoPage(
  bytes: Uint8Array,
  mediaType: 'image/jpeg' | 'image/png',
  limits: OcrImageLimits,
): Promise<InputPage> {
  const asSent: InputPage = { kind: 'image', image: { mediaType, bytes } };
  const orientation =
    mediaType === 'image/jpeg' ? await exifr.orientation(bytes).catch(() => undefined) : undefined;
  const sideways = orientation !== undefined && orientation !== 1;
  const size = pixelSize(bytes);
  // A header the engine cannot read either: it says so itself (INPUT_UNREADABLE).
  if (size === undefined && !sideways) return asSent;
  const fits =
    size !== undefined &&
    Math.max(size.width, size.height) <= limits.maxSidePx &&
    bytes.byteLength <= limits.maxBytes;
  if (fits && !sideways) return asSent;
  // Checked at submit too; here for photos that came in before that check, so a decode never exhausts memory.
  if (size !== undefined && size.width * size.height > MAX_DECODED_PIXELS) {
    throw new TaskFailure(
      'INPUT_UNREADABLE',
      `this photo has ${size.width}x${size.height} px, more than the ${MAX_DECODED_PIXELS / 1_000_000} megapixels that can be scaled down for OCR`,
    );
  }
  const photo = await openPhoto(bytes, mediaType);
  try {
    const scale = Math.min(1, limits.maxSidePx / Math.max(photo.width, photo.height));
    const fitted = encodeWithin((s) => photo.render(s, 'rgb'), scale, limits.maxRenderedBytes);
    return {
      kind: 'image',
      image: {
        mediaType: fitted.mediaType,
        bytes: fitted.bytes,
        rendered: true,
        sourceSize: { width: photo.width, height: photo.height },
      },
    };
  } finally {
    photo.close();
  }
}

function pixelSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  try {
    const { width = 0, height = 0 } = imageSize(bytes);
    return width > 0 && height > 0 ? { width, height } : undefined;
  } catch {
    return undefined;
  }
}

type Page = ReturnType<InstanceType<MuPdf['Document']>['loadPage']>;

/**
 * The page rendered to grayscale PNG at RENDER_DPI, smaller when the page is huge; a PNG over the engine's
 * byte limit becomes a JPEG, drawn smaller until it fits.
 */
function render(
  mupdf: MuPdf,
  page: Page,
  limits: OcrImageLimits,
): { mediaType: 'image/png' | 'image/jpeg'; bytes: Uint8Array; rendered: true } {
  const [x0, y0, x1, y1] = page.getBounds();
  const width = x1 - x0;
  const height = y1 - y0;
  const scale = Math.min(
    RENDER_DPI / 72,
    MAX_RENDER_SIDE_PX / Math.max(width, height),
    Math.sqrt(MAX_RENDER_PIXELS / Math.max(1, width * height)),
    limits.maxSidePx / Math.max(width, height),
  );
  const draw = (s: number) =>
    page.toPixmap(mupdf.Matrix.scale(s, s), mupdf.ColorSpace.DeviceGray, false, true);
  const { mediaType, bytes } = encodeWithin(draw, scale, limits.maxRenderedBytes, { png: true });
  return { mediaType, bytes, rendered: true };
}

/** The page's text layer as a layout (lines and words with boxes, confidence 1), or undefined if it has none. */
function textLayer(page: Page): PageLayout | undefined {
  const [x0, y0, x1, y1] = page.getBounds();
  const width = x1 - x0;
  const height = y1 - y0;
  const text = page.toStructuredText('preserve-whitespace');
  const lines: LayoutLine[] = [];
  let words: LayoutWord[] = [];
  let word: { text: string; quads: number[][] } | undefined;
  let letters = 0;
  const endWord = () => {
    if (word && word.text.length > 0) words.push({ text: word.text, box: boxOf(word.quads), confidence: 1 });
    word = undefined;
  };
  text.walk({
    beginLine() {
      words = [];
    },
    onChar(c, _origin, _font, _size, quad) {
      if (/\s/.test(c)) return endWord();
      if (/[\p{L}\p{N}]/u.test(c)) letters++;
      word ??= { text: '', quads: [] };
      word.text += c;
      word.quads.push([...quad]);
    },
    endLine() {
      endWord();
      if (words.length === 0) return;
      lines.push({
        text: words.map((w) => w.text).join(' '),
        box: union(words.map((w) => w.box)),
        confidence: 1,
        words,
      });
    },
  });
  text.destroy();
  if (letters < MIN_TEXT_LAYER_CHARS) return undefined;

  function boxOf(quads: number[][]): Box {
    const xs = quads.flatMap((q) => [q[0], q[2], q[4], q[6]] as number[]);
    const ys = quads.flatMap((q) => [q[1], q[3], q[5], q[7]] as number[]);
    const left = clamp((Math.min(...xs) - x0) / width);
    const top = clamp((Math.min(...ys) - y0) / height);
    return {
      left,
      top,
      width: clamp((Math.max(...xs) - x0) / width) - left,
      height: clamp((Math.max(...ys) - y0) / height) - top,
    };
  }
  const scale = RENDER_DPI / 72;
  return {
    width: Math.round(width * scale),
    height: Math.round(height * scale),
    lines: readingOrder(lines),
    source: 'text-layer',
  };
}

/** Top to bottom; lines whose middles sit within half a line of each other, left to right. */
function readingOrder(lines: LayoutLine[]): LayoutLine[] {
  const sorted = [...lines].sort((a, b) => a.box.top - b.box.top);
  const rows: LayoutLine[][] = [];
  for (const line of sorted) {
    const row = rows.at(-1);
    const first = row?.[0];
    const middle = (l: LayoutLine) => l.box.top + l.box.height / 2;
    if (row && first && Math.abs(middle(line) - middle(first)) < first.box.height / 2) row.push(line);
    else rows.push([line]);
  }
  return rows.flatMap((row) => row.sort((a, b) => a.box.left - b.box.left));
}

function union(boxes: Box[]): Box {
  const left = Math.min(...boxes.map((b) => b.left));
  const top = Math.min(...boxes.map((b) => b.top));
  const right = Math.max(...boxes.map((b) => b.left + b.width));
  const bottom = Math.max(...boxes.map((b) => b.top + b.height));
  return { left, top, width: right - left, height: bottom - top };
}

const clamp = (value: number) => Math.min(1, Math.max(0, value));
