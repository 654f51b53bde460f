/**
 * The page in a phone photo: found against its background, flattened to an upright rectangle (perspective
 * and rotation undone in one warp) and its lighting evened out, so tesseract reads a
 * page rather than a photo. Plain JS on 8-bit pixels (docs/accuracy.md "Photo clean-up for OCR" has what
 * each step costs and gains).
 */
import type { Homography, Point } from '../core/homography';

/** 8-bit pixels, row-major, `channels` per pixel (1 gray, 3 RGB). */
export interface Raster {
  width: number;
  height: number;
  channels: 1 | 3;
  pixels: Uint8Array | Uint8ClampedArray;
}

/** The page's corners in pixels: top-left, top-right, bottom-right, bottom-left. */
export type PageQuad = readonly [Point, Point, Point, Point];

/** A page smaller than this share of the photo is not taken for the page (a label, a card in a hand). */
const MIN_PAGE_SHARE = 0.15;
/** A page this close to the whole photo is already what tesseract reads best: nothing to flatten. */
const MAX_PAGE_SHARE = 0.97;
/** The region must fill its quadrilateral this well to be a flat page seen in perspective. */
const MIN_QUAD_FILL = 0.9;
/** The hull may stick out of the quadrilateral this much (rounded corners, a curl), no more. */
const MAX_HULL_EXCESS = 1.08;

/**
 * The page of a photo taken against a background, from a small rendering of it (about 300 px a side is
 * plenty): the background is what a flood from the photo's border reaches without crossing an edge, the
 * page is the largest region it leaves, and its corners are those of the largest quadrilateral inside
 * that region's hull. Undefined when there is no such page: it fills the photo, runs off an edge, or is
 * not four-sided.
 */
export function findPage(photo: Raster): PageQuad | undefined {
  const { width, height } = photo;
  if (width < 16 || height < 16) return undefined;
  const spread = localSpread(boxBlur3(photo));
  const background = floodFromBorder(spread, width, height, edgeSpread(spread));
  const region = largestRegion(background, width, height);
  if (!region || region.area < MIN_PAGE_SHARE * width * height) return undefined;
  const hull = convexHull(region.outline);
  const quad = largestQuad(hull);
  if (!quad) return undefined;
  const quadArea = polygonArea(quad);
  if (quadArea > MAX_PAGE_SHARE * width * height) return undefined;
  if (region.area < MIN_QUAD_FILL * quadArea || polygonArea(hull) > MAX_HULL_EXCESS * quadArea)
    return undefined;
  return uprightCorners(quad);
}

/**
 * The page `quad` of a gray photo drawn as an upright `width` × `height` rectangle: each of its pixels
 * sampled between the four nearest of the photo through `toSent` (the page's pixels to the photo's).
 * MuPDF's own warp is not used: its map strays from the exact perspective by a percent, and boxes read on
 * the page are carried back through `toSent`.
 */
export function flattenPage(photo: Raster, toSent: Homography, width: number, height: number): Raster {
  const pixels = new Uint8Array(width * height);
  const { width: sw, height: sh, pixels: source } = photo;
  const [h0 = 0, h1 = 0, h2 = 0, h3 = 0, h4 = 0, h5 = 0, h6 = 0, h7 = 0, h8 = 1] = toSent;
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      // Pixel centres: (u + ½, v + ½) of the page lands on (x + ½, y + ½) of the photo.
      const w = h6 * (u + 0.5) + h7 * (v + 0.5) + h8;
      const x = Math.min(sw - 1, Math.max(0, (h0 * (u + 0.5) + h1 * (v + 0.5) + h2) / w - 0.5));
      const y = Math.min(sh - 1, Math.max(0, (h3 * (u + 0.5) + h4 * (v + 0.5) + h5) / w - 0.5));
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const x1 = Math.min(sw - 1, x0 + 1);
      const y1 = Math.min(sh - 1, y0 + 1);
      const fx = x - x0;
      const fy = y - y0;
      const top = (source[y0 * sw + x0] ?? 0) * (1 - fx) + (source[y0 * sw + x1] ?? 0) * fx;
      const bottom = (source[y1 * sw + x0] ?? 0) * (1 - fx) + (source[y1 * sw + x1] ?? 0) * fx;
      pixels[v * width + u] = top * (1 - fy) + bottom * fy + 0.5;
    }
  }
  return { width, height, channels: 1, pixels };
}

/** Each channel averaged over the 3×3 pixels around: the photo's grain no longer reads as edges. */
function boxBlur3(photo: Raster): Raster {
  const { width, height, channels, pixels } = photo;
  const out = new Uint8Array(pixels.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        let n = 0;
        for (let dy = -1; dy <= 1; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= height) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            if (xx < 0 || xx >= width) continue;
            sum += pixels[(yy * width + xx) * channels + c] ?? 0;
            n++;
          }
        }
        out[(y * width + x) * channels + c] = Math.round(sum / n);
      }
    }
  }
  return { width, height, channels, pixels: out };
}

/**
 * Each pixel's local contrast: the largest spread (brightest minus darkest) of any channel over the 3×3
 * pixels around it. A page's edge is a ramp a few pixels wide; a spread sees all of it where a step
 * between two neighbours sees a fraction.
 */
function localSpread(image: Raster): Uint8Array {
  const { width, height, channels, pixels } = image;
  const spread = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let most = 0;
      for (let c = 0; c < channels; c++) {
        let low = 255;
        let high = 0;
        for (let dy = -1; dy <= 1; dy++) {
          const yy = Math.min(height - 1, Math.max(0, y + dy));
          for (let dx = -1; dx <= 1; dx++) {
            const xx = Math.min(width - 1, Math.max(0, x + dx));
            const value = pixels[(yy * width + xx) * channels + c] ?? 0;
            if (value < low) low = value;
            if (value > high) high = value;
          }
        }
        most = Math.max(most, high - low);
      }
      spread[y * width + x] = most;
    }
  }
  return spread;
}

/**
 * The spread that counts as an edge: a few times the typical one (the median, which flat paper and
 * background dominate, so it measures the grain left after smoothing).
 */
function edgeSpread(spread: Uint8Array): number {
  const histogram = new Uint32Array(256);
  for (const value of spread) histogram[value] = (histogram[value] ?? 0) + 1;
  let seen = 0;
  let median = 0;
  for (; median < 255; median++) {
    seen += histogram[median] ?? 0;
    if (seen * 2 >= spread.length) break;
  }
  return Math.max(8, 3 * median);
}

/** Pixels a flood from the photo's border reaches through pixels of a spread under `edge` (1 = reached). */
function floodFromBorder(spread: Uint8Array, width: number, height: number, edge: number): Uint8Array {
  const reached = new Uint8Array(width * height);
  const queue = new Int32Array(width * height);
  let head = 0;
  let tail = 0;
  const visit = (i: number) => {
    if (!reached[i] && (spread[i] ?? 0) < edge) {
      reached[i] = 1;
      queue[tail++] = i;
    }
  };
  for (let x = 0; x < width; x++) {
    visit(x);
    visit((height - 1) * width + x);
  }
  for (let y = 0; y < height; y++) {
    visit(y * width);
    visit(y * width + width - 1);
  }
  while (head < tail) {
    const i = queue[head++] ?? 0;
    const x = i % width;
    for (const j of [x > 0 ? i - 1 : -1, x + 1 < width ? i + 1 : -1, i - width, i + width])
      if (j >= 0 && j < reached.length) visit(j);
  }
  return reached;
}

/**
 * The largest 4-connected region the flood did not reach: its pixel count and its outline (the first and
 * last pixel of each of its rows, corners included, which is all a convex hull needs).
 */
function largestRegion(
  reached: Uint8Array,
  width: number,
  height: number,
): { area: number; outline: Point[] } | undefined {
  const label = new Int32Array(width * height);
  const queue = new Int32Array(width * height);
  let best: { id: number; area: number } | undefined;
  let next = 0;
  for (let start = 0; start < label.length; start++) {
    if (reached[start] || label[start]) continue;
    next++;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    label[start] = next;
    while (head < tail) {
      const i = queue[head++] ?? 0;
      const x = i % width;
      const visit = (j: number) => {
        if (!reached[j] && !label[j]) {
          label[j] = next;
          queue[tail++] = j;
        }
      };
      if (x > 0) visit(i - 1);
      if (x + 1 < width) visit(i + 1);
      if (i >= width) visit(i - width);
      if (i + width < label.length) visit(i + width);
    }
    if (!best || tail > best.area) best = { id: next, area: tail };
  }
  if (!best) return undefined;
  const outline: Point[] = [];
  for (let y = 0; y < height; y++) {
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++) {
      if (label[y * width + x] !== best.id) continue;
      if (first < 0) first = x;
      last = x;
    }
    if (first < 0) continue;
    // Pixel corners, so the hull holds whole pixels.
    outline.push([first, y], [first, y + 1], [last + 1, y], [last + 1, y + 1]);
  }
  return { area: best.area, outline };
}

const cross = (o: Point, a: Point, b: Point) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

/** Andrew's monotone chain: the hull's vertices in order, no three on a line. */
function convexHull(points: readonly Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (sorted.length < 3) return sorted;
  const half = (list: readonly Point[]) => {
    const chain: Point[] = [];
    for (const point of list) {
      while (
        chain.length >= 2 &&
        cross(chain[chain.length - 2] as Point, chain[chain.length - 1] as Point, point) <= 0
      )
        chain.pop();
      chain.push(point);
    }
    chain.pop();
    return chain;
  };
  return [...half(sorted), ...half([...sorted].reverse())];
}

/** Hulls are cut to this many vertices before the cubic search (the page's hull has a few dozen). */
const MAX_HULL_VERTICES = 64;

/** The largest-area quadrilateral with its corners on the hull's vertices. */
function largestQuad(hull: readonly Point[]): PageQuad | undefined {
  const step = Math.max(1, hull.length / MAX_HULL_VERTICES);
  const points: Point[] = [];
  for (let k = 0; k < hull.length; k += step) points.push(hull[Math.floor(k)] as Point);
  const n = points.length;
  if (n < 4) return undefined;
  const at = (k: number) => points[k % n] as Point;
  const triangle = (a: Point, b: Point, c: Point) => Math.abs(cross(a, b, c)) / 2;
  let best: { area: number; quad: PageQuad } | undefined;
  for (let i = 0; i < n; i++) {
    for (let k = i + 2; k < i + n - 1; k++) {
      let left = 0;
      let j = i + 1;
      for (let m = i + 1; m < k; m++) {
        const area = triangle(at(i), at(m), at(k));
        if (area > left) [left, j] = [area, m];
      }
      let right = 0;
      let l = k + 1;
      for (let m = k + 1; m < i + n; m++) {
        const area = triangle(at(k), at(m), at(i));
        if (area > right) [right, l] = [area, m];
      }
      if (!best || left + right > best.area)
        best = { area: left + right, quad: [at(i), at(j), at(k), at(l)] };
    }
  }
  return best?.quad;
}

function polygonArea(points: readonly Point[]): number {
  let twice = 0;
  for (let i = 0; i < points.length; i++) {
    const [x0, y0] = points[i] as Point;
    const [x1, y1] = points[(i + 1) % points.length] as Point;
    twice += x0 * y1 - x1 * y0;
  }
  return Math.abs(twice) / 2;
}

/** The four corners clockwise on screen from the one nearest the top-left: the page as the photo holds it. */
function uprightCorners(quad: readonly Point[]): PageQuad {
  const cx = quad.reduce((sum, [x]) => sum + x, 0) / 4;
  const cy = quad.reduce((sum, [, y]) => sum + y, 0) / 4;
  const clockwise = [...quad].sort(
    (a, b) => Math.atan2(a[1] - cy, a[0] - cx) - Math.atan2(b[1] - cy, b[0] - cx),
  );
  let first = 0;
  for (let k = 1; k < 4; k++) {
    const [x, y] = clockwise[k] as Point;
    const [fx, fy] = clockwise[first] as Point;
    if (x + y < fx + fy) first = k;
  }
  return [0, 1, 2, 3].map((k) => clockwise[(first + k) % 4] as Point) as unknown as PageQuad;
}

/** Background blocks are this share of the picture's longer side: larger than letters, smaller than a shadow. */
const LIGHTING_BLOCK_SHARE = 1 / 128;
/** Blocks either side a background block's brightest neighbour is taken from: it spans a heading's letters. */
const LIGHTING_REACH = 2;

/**
 * The gray picture with its lighting evened out, in place: each pixel divided by the paper's brightness
 * around it (the brightest pixel of each block, the brightest of its neighbouring blocks, averaged over
 * them, interpolated back), so paper in a shadow is as white as paper in the light and ink keeps its
 * contrast. Tesseract's global threshold then cuts ink from paper everywhere on the page.
 */
export function evenLighting(picture: Raster): void {
  const { width, height, pixels } = picture;
  const block = Math.max(4, Math.round(Math.max(width, height) * LIGHTING_BLOCK_SHARE));
  const bw = Math.ceil(width / block);
  const bh = Math.ceil(height / block);
  const brightest = new Uint8Array(bw * bh);
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / block) * bw;
    for (let x = 0; x < width; x++) {
      const i = row + Math.floor(x / block);
      const value = pixels[y * width + x] ?? 0;
      if (value > (brightest[i] ?? 0)) brightest[i] = value;
    }
  }
  const paper = boxMean(maxFilter(brightest, bw, bh, LIGHTING_REACH), bw, bh, LIGHTING_REACH);
  for (let y = 0; y < height; y++) {
    const by = Math.min(bh - 1, Math.max(0, (y + 0.5) / block - 0.5));
    const y0 = Math.floor(by);
    const y1 = Math.min(bh - 1, y0 + 1);
    const fy = by - y0;
    for (let x = 0; x < width; x++) {
      const bx = Math.min(bw - 1, Math.max(0, (x + 0.5) / block - 0.5));
      const x0 = Math.floor(bx);
      const x1 = Math.min(bw - 1, x0 + 1);
      const fx = bx - x0;
      const top = (paper[y0 * bw + x0] ?? 0) * (1 - fx) + (paper[y0 * bw + x1] ?? 0) * fx;
      const bottom = (paper[y1 * bw + x0] ?? 0) * (1 - fx) + (paper[y1 * bw + x1] ?? 0) * fx;
      const light = Math.max(1, top * (1 - fy) + bottom * fy);
      const i = y * width + x;
      pixels[i] = Math.min(255, Math.round((255 * (pixels[i] ?? 0)) / light));
    }
  }
}

/** Each cell the largest of the cells within `reach` along its row and its column (separable square). */
function maxFilter(values: Uint8Array, width: number, height: number, reach: number): Uint8Array {
  const across = new Uint8Array(values.length);
  const out = new Uint8Array(values.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let most = 0;
      for (let k = Math.max(0, x - reach); k <= Math.min(width - 1, x + reach); k++)
        most = Math.max(most, values[y * width + k] ?? 0);
      across[y * width + x] = most;
    }
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let most = 0;
      for (let k = Math.max(0, y - reach); k <= Math.min(height - 1, y + reach); k++)
        most = Math.max(most, across[k * width + x] ?? 0);
      out[y * width + x] = most;
    }
  return out;
}

/** Each cell the mean of the cells within `reach` along its row, then its column. */
function boxMean(values: Uint8Array, width: number, height: number, reach: number): Float32Array {
  const across = new Float32Array(values.length);
  const out = new Float32Array(values.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let sum = 0;
      let n = 0;
      for (let k = Math.max(0, x - reach); k <= Math.min(width - 1, x + reach); k++, n++)
        sum += values[y * width + k] ?? 0;
      across[y * width + x] = sum / n;
    }
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let sum = 0;
      let n = 0;
      for (let k = Math.max(0, y - reach); k <= Math.min(height - 1, y + reach); k++, n++)
        sum += across[k * width + x] ?? 0;
      out[y * width + x] = sum / n;
    }
  return out;
}
