import * as mupdf from 'mupdf';
import { describe, expect, it } from 'vitest';
import { evenLighting, findPage, type Raster } from '../../lambdas/adapters/photo-page';
import { cleanPhoto } from '../../lambdas/adapters/tesseract-cleanup';
import { mapPoint } from '../../lambdas/core/homography';
import { photographedPage, skewedScan } from '../support/documents';

const LINES = ['Invoice Number: INV-1001', 'Customer: Jane Example', 'Total Due: 120.00'];
const CORNERS: [number, number][] = [
  [0.14, 0.1],
  [0.84, 0.05],
  [0.9, 0.9],
  [0.1, 0.86],
];

function decoded(bytes: Uint8Array, colour: 'gray' | 'rgb'): Raster {
  const image = new mupdf.Image(bytes);
  const space = colour === 'gray' ? mupdf.ColorSpace.DeviceGray : mupdf.ColorSpace.DeviceRGB;
  const pixmap = image.toPixmap().convertToColorSpace(space);
  return {
    width: pixmap.getWidth(),
    height: pixmap.getHeight(),
    channels: colour === 'gray' ? 1 : 3,
    pixels: new Uint8Array(pixmap.getPixels()),
  };
}

/** Otsu's threshold: the gray level that best splits the picture's histogram in two. */
function otsu(pixels: Uint8Array | Uint8ClampedArray): number {
  const histogram = new Array<number>(256).fill(0);
  for (const value of pixels) histogram[value] = (histogram[value] ?? 0) + 1;
  const total = pixels.length;
  const sum = histogram.reduce((acc, n, value) => acc + n * value, 0);
  let [below, belowSum, best, threshold] = [0, 0, -1, 0];
  for (let t = 0; t < 256; t++) {
    below += histogram[t] ?? 0;
    belowSum += t * (histogram[t] ?? 0);
    const above = total - below;
    if (below === 0 || above === 0) continue;
    const between = below * above * (belowSum / below - (sum - belowSum) / above) ** 2;
    if (between > best) [best, threshold] = [between, t];
  }
  return threshold;
}

describe('findPage', () => {
  it('finds the corners of a page photographed turned and in perspective on a table', async () => {
    const [width, height] = [300, 340];
    const photo = await photographedPage(LINES, { dpi: 30, width, height, corners: CORNERS, shadow: 0.45 });
    const quad = findPage(decoded(photo.bytes, 'rgb'));
    expect(quad).toBeDefined();
    (quad ?? []).forEach(([x, y], n) => {
      const [tx = 0, ty = 0] = CORNERS[n] ?? [];
      expect(Math.hypot(x - tx * width, y - ty * height), `corner ${n}`).toBeLessThan(4);
    });
  });

  it('finds no page in a scan that is all page', async () => {
    const scan = await skewedScan(LINES, { degrees: 0, dpi: 40 });
    expect(findPage(decoded(scan.bytes, 'gray'))).toBeUndefined();
  });
});

describe('cleanPhoto', () => {
  it('draws the page upright with none of the table left inside it, its corners mapped back', async () => {
    const [width, height] = [600, 680];
    const photo = await photographedPage(LINES, { dpi: 60, width, height, corners: CORNERS, shadow: 0.45 });
    const cleaned = await cleanPhoto(photo.bytes, 'image/jpeg', { flattenPage: true, evenLighting: true });
    try {
      const page = cleaned.picture;
      // Its longest sides, upright: the page's left and right edges are about 0.77 of the photo's 680 px.
      expect(page.height).toBeGreaterThan(0.75 * height);
      expect(page.width).toBeGreaterThan(0.7 * width);
      // The table is 98 gray and the shadow halves the light: a frame 3 % inside the page is all white paper.
      const inset = Math.round(page.width * 0.03);
      let darkest = 255;
      for (let y = inset; y < page.height - inset; y++)
        for (const x of [inset, page.width - inset])
          darkest = Math.min(darkest, page.pixels[y * page.width + x] ?? 0);
      expect(darkest).toBeGreaterThan(200);
      // Drawn twice as large, it is the same page.
      expect(cleaned.png(2).width).toBe(2 * page.width);
      // Its corners are the page's corners in the photo, within a few pixels.
      const toSent = cleaned.page?.toSent ?? [];
      const [x, y] = mapPoint(toSent, page.width, page.height);
      expect(Math.hypot(x - 0.9 * width, y - 0.9 * height)).toBeLessThan(8);
    } finally {
      cleaned.close();
    }
  });

  it('keeps a scan that is all page whole, with no page frame to map through', async () => {
    const scan = await skewedScan(LINES, { degrees: 0, dpi: 40 });
    const cleaned = await cleanPhoto(scan.bytes, 'image/png', { flattenPage: true, evenLighting: false });
    try {
      expect(cleaned.page).toBeUndefined();
      expect(cleaned.picture).toMatchObject({ width: scan.width, height: scan.height });
    } finally {
      cleaned.close();
    }
  });
});

describe('evenLighting', () => {
  it('lets one threshold find the ink of a page half in shadow', () => {
    const [width, height] = [400, 300];
    const pixels = new Uint8Array(width * height);
    const ink = new Uint8Array(width * height);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        // Lines of "text": strokes 3 px wide every 12 px, in rows 10 px tall.
        const isInk = y % 30 >= 10 && y % 30 < 20 && x % 12 < 3;
        ink[y * width + x] = isInk ? 1 : 0;
        // A shadow: the left side gets 40 % of the light, the right side all of it.
        const light = 0.4 + 0.6 * (x / width);
        pixels[y * width + x] = Math.round((isInk ? 50 : 240) * light);
      }
    const picture: Raster = { width, height, channels: 1, pixels };
    const misread = (threshold: number) =>
      pixels.reduce((n, value, i) => n + (Number(value <= threshold) !== ink[i] ? 1 : 0), 0);
    // As photographed, one threshold takes the shadowed paper for ink.
    expect(misread(otsu(pixels)) / pixels.length).toBeGreaterThan(0.1);
    evenLighting(picture);
    expect(misread(otsu(pixels))).toBe(0);
  });
});
