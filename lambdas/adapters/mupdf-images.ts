/**
 * Pictures decoded, turned and resampled with MuPDF (WASM: it runs in the ARM64 Lambda bundle without a native
 * build, and locally with nothing installed by hand). Shared by the document reader (pages sized for the OCR
 * engine) and the tesseract clean-up (small text enlarged).
 */
import { TaskFailure } from '../core/errors';

export type MuPdf = typeof import('mupdf');
export type Pixmap = InstanceType<MuPdf['Pixmap']>;

let loading: Promise<MuPdf> | undefined;
/** Loaded on first use: a task of plain photos within the limits never compiles the 10 MB WASM module. */
export const loadMupdf = (): Promise<MuPdf> => {
  loading ??= import('mupdf');
  return loading;
};

/** A JPEG or PNG opened for rendering: its upright size in pixels and a renderer at any scale. */
export interface OpenedPhoto {
  /** Pixels of the photo as a viewer shows it (EXIF orientation applied). */
  width: number;
  height: number;
  /** The photo upright, `scale` × its own pixels, in gray or colour. The caller destroys the pixmap. */
  render(scale: number, colour: 'gray' | 'rgb'): Pixmap;
  close(): void;
}

/**
 * Opens a photo as MuPDF's one-page image document, which applies the JPEG's EXIF orientation; drawing
 * it smaller lets MuPDF decode a JPEG at a fraction of its size, so a huge photo never lies in memory whole.
 */
export async function openPhoto(
  bytes: Uint8Array,
  mediaType: 'image/jpeg' | 'image/png',
): Promise<OpenedPhoto> {
  const mupdf = await loadMupdf();
  let document: InstanceType<MuPdf['Document']>;
  let page: ReturnType<InstanceType<MuPdf['Document']>['loadPage']>;
  let stored: { width: number; height: number };
  try {
    document = mupdf.Document.openDocument(bytes, mediaType);
    page = document.loadPage(0);
    const image = new mupdf.Image(bytes);
    stored = { width: image.getWidth(), height: image.getHeight() };
    image.destroy();
  } catch (cause) {
    throw new TaskFailure(
      'INPUT_UNREADABLE',
      `this ${mediaType === 'image/jpeg' ? 'JPEG' : 'PNG'} cannot be decoded`,
      {
        cause,
      },
    );
  }
  // The image page is laid out at the photo's declared DPI, turned when its orientation says so: `unit`
  // turns its points back into pixels.
  const [x0, y0, x1, y1] = page.getBounds();
  const turned = x1 - x0 > y1 - y0 !== stored.width > stored.height;
  const width = turned ? stored.height : stored.width;
  const height = turned ? stored.width : stored.height;
  const unit = width / (x1 - x0);
  return {
    width,
    height,
    render(scale, colour) {
      const space = colour === 'gray' ? mupdf.ColorSpace.DeviceGray : mupdf.ColorSpace.DeviceRGB;
      return page.toPixmap(mupdf.Matrix.scale(unit * scale, unit * scale), space, false, true);
    },
    close() {
      page.destroy();
      document.destroy();
    },
  };
}

/** JPEG quality of a picture the worker re-encodes for OCR: no visible loss on text. */
const JPEG_QUALITY = 90;
/** Attempts at fitting a picture under a byte limit, each one smaller by what the last one overshot. */
const FIT_ATTEMPTS = 5;

/**
 * The picture rendered at `scale` and encoded as JPEG (PNG when `png` is true and it fits) under `maxBytes`:
 * each attempt over the limit is drawn again smaller, by the square root of how far it overshot.
 * Throws INPUT_UNREADABLE when even the last attempt does not fit.
 */
export function encodeWithin(
  render: (scale: number) => Pixmap,
  scale: number,
  maxBytes: number,
  options: { png?: boolean } = {},
): { bytes: Uint8Array; mediaType: 'image/jpeg' | 'image/png'; width: number; height: number } {
  let current = scale;
  for (let attempt = 0; attempt < FIT_ATTEMPTS; attempt++) {
    const pixmap = render(current);
    try {
      const width = pixmap.getWidth();
      const height = pixmap.getHeight();
      if (options.png && attempt === 0) {
        const png = pixmap.asPNG();
        if (png.byteLength <= maxBytes) return { bytes: png, mediaType: 'image/png', width, height };
      }
      const jpeg = pixmap.asJPEG(JPEG_QUALITY, false);
      if (jpeg.byteLength <= maxBytes) return { bytes: jpeg, mediaType: 'image/jpeg', width, height };
      current *= Math.sqrt(maxBytes / jpeg.byteLength) * 0.95;
    } finally {
      pixmap.destroy();
    }
  }
  throw new TaskFailure(
    'INPUT_UNREADABLE',
    `this image cannot be made smaller than ${maxBytes} bytes for OCR`,
  );
}
