/**
 * Photo clean-up before tesseract reads a picture (docs/accuracy.md "Photo clean-up for OCR" has the
 * measurements): the page is found in the photo and flattened, its lighting evened out, a skewed page
 * straightened (tesseract.js's own deskew) and small text enlarged, so its letters reach the size tesseract
 * reads best. Textract needs none of it.
 */
import type { Block } from 'tesseract.js';
import { homographyBetween, type Point } from '../core/homography';
import type { ReadFrame } from '../core/read-frame';
import { loadMupdf, type MuPdf, type OpenedPhoto, openPhoto, type Pixmap } from './mupdf-images';
import { evenLighting, findPage, flattenPage, type PageQuad, type Raster } from './photo-page';

export interface PhotoCleanUp {
  /** Find the page against its background and read it flattened to an upright rectangle. */
  flattenPage: boolean;
  /** Divide out the lighting (shadows, a dim side) so one threshold separates ink from paper. */
  evenLighting: boolean;
  /** Straighten a skewed photo by the angle of its text lines (tesseract.js `rotateAuto`). */
  deskew: boolean;
  /** Enlarge a picture whose text is small (x-height under TARGET_X_HEIGHT_PX), by at most MAX_UPSCALE. */
  upscale: boolean;
  /** Read a grayscale picture with its levels stretched from its darkest to its lightest ink. */
  contrast: boolean;
  /** Read lines that look like a machine-readable zone again, alone, with only the zone's characters. */
  rereadZones: boolean;
  /** The x-height small text is enlarged to. @default TARGET_X_HEIGHT_PX */
  targetXHeightPx?: number;
  /** The most a picture is enlarged. @default MAX_UPSCALE */
  maxUpscale?: number;
}

/** What the measurements kept. */
export const MEASURED_CLEAN_UP: PhotoCleanUp = {
  flattenPage: true,
  evenLighting: true,
  deskew: true,
  upscale: true,
  contrast: false,
  rereadZones: true,
};

export const NO_CLEAN_UP: PhotoCleanUp = {
  flattenPage: false,
  evenLighting: false,
  deskew: false,
  upscale: false,
  contrast: false,
  rereadZones: false,
};

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
export function upscaleFor(
  blocks: readonly Block[] | null | undefined,
  target = TARGET_X_HEIGHT_PX,
  most = MAX_UPSCALE,
): number {
  const heights = (blocks ?? [])
    .flatMap((block) => block.paragraphs ?? [])
    .flatMap((paragraph) => paragraph.lines ?? [])
    .map(({ rowAttributes: row }) => (row ? row.rowHeight - row.ascenders - row.descenders : 0))
    .filter((height) => height > 0)
    .sort((a, b) => a - b);
  if (heights.length === 0) return 1;
  const median = heights[Math.floor(heights.length / 2)] ?? target;
  const scale = Math.min(most, target / median);
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

/** The page is looked for on a rendering this many pixels on its longer side: edges survive, grain does not. */
const PAGE_SEARCH_SIDE_PX = 320;

/** The photo as the page clean-up holds it: drawn at any scale, and how its pixels lie in the photo as sent. */
export interface CleanedPhoto {
  /** The picture at scale 1 in gray: the flattened page, or the whole photo when no page was found. */
  picture: Raster;
  width: number;
  height: number;
  /** Set when the page was found and is drawn flattened. */
  page?: ReadFrame['page'];
  /**
   * The picture `scale` times its size in gray, as PNG (which tells tesseract its resolution: a PGM,
   * which does not, reads worse).
   */
  png(scale: number): { bytes: Uint8Array; width: number; height: number };
  close(): void;
}

/**
 * The photo in gray with its page found and flattened (`flattenPage`) and its lighting evened out
 * (`evenLighting`); a photo whose page is not found (it fills the picture, runs off an edge) is kept whole.
 * The caller closes it.
 */
export async function cleanPhoto(
  bytes: Uint8Array,
  mediaType: 'image/jpeg' | 'image/png',
  options: Pick<PhotoCleanUp, 'flattenPage' | 'evenLighting'>,
): Promise<CleanedPhoto> {
  const mupdf = await loadMupdf();
  const photo = await openPhoto(bytes, mediaType);
  let gray: Raster;
  let quad: PageQuad | undefined;
  try {
    quad = options.flattenPage ? pageQuadOf(photo) : undefined;
    gray = rasterOf(photo.render(1, 'gray'));
  } finally {
    photo.close();
  }
  const [width, height] = quad ? uprightSize(quad) : [gray.width, gray.height];
  const rectangle: Point[] = [
    [0, 0],
    [width, 0],
    [width, height],
    [0, height],
  ];
  const toSent = quad ? homographyBetween(rectangle, quad) : undefined;
  const picture = toSent ? flattenPage(gray, toSent, width, height) : gray;
  if (options.evenLighting) evenLighting(picture);
  // Enlarged by MuPDF's image scaler, which tesseract reads better than pixels sampled between four.
  const base = new mupdf.Pixmap(mupdf.ColorSpace.DeviceGray, [0, 0, width, height], false);
  base.getPixels().set(picture.pixels);
  return {
    picture,
    width,
    height,
    ...(toSent ? { page: { width, height, toSent } } : {}),
    png(scale) {
      const drawn = scale === 1 ? base : scaledBy(mupdf, base, scale);
      try {
        return { bytes: drawn.asPNG(), width: drawn.getWidth(), height: drawn.getHeight() };
      } finally {
        if (drawn !== base) drawn.destroy();
      }
    },
    close() {
      base.destroy();
    },
  };
}

/** A gray pixmap drawn `scale` times its size by MuPDF's image scaler. */
function scaledBy(mupdf: MuPdf, pixmap: Pixmap, scale: number): Pixmap {
  const width = Math.max(1, Math.round(pixmap.getWidth() * scale));
  const height = Math.max(1, Math.round(pixmap.getHeight() * scale));
  const image = new mupdf.Image(pixmap);
  const out = new mupdf.Pixmap(mupdf.ColorSpace.DeviceGray, [0, 0, width, height], false);
  const device = new mupdf.DrawDevice(mupdf.Matrix.identity, out);
  try {
    out.clear(255);
    device.fillImage(image, [width, 0, 0, height, 0, 0], 1);
    device.close();
    return out;
  } finally {
    device.destroy();
    image.destroy();
  }
}

/** The flattened page's size: its longer top or bottom edge across, its longer left or right edge down. */
function uprightSize([tl, tr, br, bl]: PageQuad): [number, number] {
  const side = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);
  return [
    Math.max(1, Math.round(Math.max(side(tl, tr), side(bl, br)))),
    Math.max(1, Math.round(Math.max(side(tl, bl), side(tr, br)))),
  ];
}

/** The page's corners in pixels of the photo, looked for on a small rendering of it. */
function pageQuadOf(photo: OpenedPhoto): PageQuad | undefined {
  const scale = Math.min(1, PAGE_SEARCH_SIDE_PX / Math.max(photo.width, photo.height));
  const small = rasterOf(photo.render(scale, 'rgb'));
  const quad = findPage(small);
  if (!quad) return undefined;
  const sx = photo.width / small.width;
  const sy = photo.height / small.height;
  return quad.map(([x, y]) => [x * sx, y * sy] as const) as unknown as PageQuad;
}

/** A MuPDF pixmap's pixels copied out of the WASM heap (gray or RGB, no alpha), the pixmap destroyed. */
function rasterOf(pixmap: Pixmap): Raster {
  try {
    const channels = pixmap.getNumberOfComponents() === 1 ? 1 : 3;
    return {
      width: pixmap.getWidth(),
      height: pixmap.getHeight(),
      channels,
      pixels: new Uint8Array(pixmap.getPixels()),
    };
  } finally {
    pixmap.destroy();
  }
}
