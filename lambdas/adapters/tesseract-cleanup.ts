/**
 * Photo clean-up before tesseract reads a picture (docs/accuracy.md "Photo clean-up for OCR" has the
 * measurements): a skewed photo is straightened (tesseract.js's own deskew) and small text enlarged, so its
 * letters reach the size tesseract reads best. Textract needs none of it.
 */
import type { Block } from 'tesseract.js';
import { openPhoto } from './mupdf-images';

export interface PhotoCleanUp {
  /** Straighten a skewed photo by the angle of its text lines (tesseract.js `rotateAuto`). */
  deskew: boolean;
  /** Enlarge a picture whose text is small (x-height under TARGET_X_HEIGHT_PX), by at most MAX_UPSCALE. */
  upscale: boolean;
  /** Read a grayscale picture with its levels stretched from its darkest to its lightest ink. */
  contrast: boolean;
  /** The x-height small text is enlarged to. @default TARGET_X_HEIGHT_PX */
  targetXHeightPx?: number;
}

/** What the measurements kept. */
export const MEASURED_CLEAN_UP: PhotoCleanUp = { deskew: true, upscale: true, contrast: false };

export const NO_CLEAN_UP: PhotoCleanUp = { deskew: false, upscale: false, contrast: false };

/** Letters with an x-height of about this many pixels are read best by tesseract's LSTM models. */
export const TARGET_X_HEIGHT_PX = 20;
/** Enlarging more costs time (pixels grow with its square) and gains nothing measurable. */
export const MAX_UPSCALE = 2;
/** Text this close to the target is read as it is. */
const MIN_UPSCALE = 1.15;

/**
 * How much to enlarge a picture whose layout (tesseract's layout analysis, no recognition) has these
 * blocks: the median x-height of its lines brought to TARGET_X_HEIGHT_PX, never more than MAX_UPSCALE;
 * 1 when its text is large enough or no line was found.
 */
export function upscaleFor(blocks: readonly Block[] | null | undefined, target = TARGET_X_HEIGHT_PX): number {
  const heights = (blocks ?? [])
    .flatMap((block) => block.paragraphs ?? [])
    .flatMap((paragraph) => paragraph.lines ?? [])
    .map(({ rowAttributes: row }) => (row ? row.rowHeight - row.ascenders - row.descenders : 0))
    .filter((height) => height > 0)
    .sort((a, b) => a - b);
  if (heights.length === 0) return 1;
  const median = heights[Math.floor(heights.length / 2)] ?? target;
  const scale = Math.min(MAX_UPSCALE, target / median);
  return scale >= MIN_UPSCALE ? scale : 1;
}

/** The picture tesseract reads and how it was made from the image as sent. */
export interface PreparedPicture {
  bytes: Uint8Array;
  /** Pixels of the picture per pixel of the image as sent. */
  scaleX: number;
  scaleY: number;
}

/**
 * The photo drawn `scale` times its size (MuPDF interpolates), in grayscale with its levels stretched
 * when `contrast` is set, as PNG: nothing is lost to a second JPEG encoding.
 */
export async function preparePicture(
  bytes: Uint8Array,
  mediaType: 'image/jpeg' | 'image/png',
  options: { scale: number; contrast: boolean },
): Promise<PreparedPicture> {
  const photo = await openPhoto(bytes, mediaType);
  try {
    const pixmap = photo.render(options.scale, options.contrast ? 'gray' : 'rgb');
    try {
      if (options.contrast) stretchLevels(pixmap.getPixels());
      return {
        bytes: pixmap.asPNG(),
        scaleX: pixmap.getWidth() / photo.width,
        scaleY: pixmap.getHeight() / photo.height,
      };
    } finally {
      pixmap.destroy();
    }
  } finally {
    photo.close();
  }
}

/** Maps the 1st percentile of the gray levels to black and the 99th to white, in place. */
function stretchLevels(pixels: Uint8ClampedArray): void {
  const histogram = new Uint32Array(256);
  for (const value of pixels) histogram[value] = (histogram[value] ?? 0) + 1;
  const level = (share: number) => {
    let seen = 0;
    for (let value = 0; value < 256; value++) {
      seen += histogram[value] ?? 0;
      if (seen >= pixels.length * share) return value;
    }
    return 255;
  };
  const dark = level(0.01);
  const light = level(0.99);
  if (light - dark < 16) return;
  const span = 255 / (light - dark);
  for (let i = 0; i < pixels.length; i++) pixels[i] = ((pixels[i] ?? 0) - dark) * span;
}
