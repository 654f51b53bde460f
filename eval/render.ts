/**
 * Draws a page and photographs it: `clean` is the page itself (PNG); `mild` and `hard` warp it onto a
 * background (rotation, perspective, scale), add shadow, blur and noise, and save a JPEG. The same warp moves
 * every truth rectangle, so the answer's boxes can be checked against where the values really are.
 */
import { type Canvas, createCanvas } from '@napi-rs/canvas';
import type { Level } from './cases';
import { fontFamily, type PageSpec, type Rect, registerFonts } from './page';
import { Random } from './random';

/** A rectangle as fractions 0..1 of the image, as evidence boxes are (DESIGN §3.2). */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface RenderedImage {
  bytes: Buffer;
  mediaType: 'image/png' | 'image/jpeg';
  width: number;
  height: number;
  /** Maps a rectangle of the clean page to a box of this image. */
  box(rect: Rect): Box;
}

export function drawPage(spec: PageSpec): Canvas {
  registerFonts();
  const canvas = createCanvas(spec.width, spec.height);
  const context = canvas.getContext('2d');
  context.fillStyle = spec.paper;
  context.fillRect(0, 0, spec.width, spec.height);
  for (const element of spec.elements) {
    if (element.type === 'text') {
      context.font = `${element.size}px ${fontFamily(element.font)}`;
      context.fillStyle = element.color;
      context.fillText(element.text, element.x, element.y);
    } else if (element.type === 'line') {
      context.strokeStyle = element.color;
      context.lineWidth = element.width;
      context.setLineDash(element.dash ?? []);
      context.beginPath();
      context.moveTo(element.x1, element.y1);
      context.lineTo(element.x2, element.y2);
      context.stroke();
      context.setLineDash([]);
    } else {
      if (element.fill) {
        context.fillStyle = element.fill;
        context.fillRect(element.x, element.y, element.w, element.h);
      }
      if (element.stroke) {
        context.strokeStyle = element.stroke;
        context.lineWidth = element.width ?? 1;
        context.strokeRect(element.x, element.y, element.w, element.h);
      }
    }
  }
  return canvas;
}

type Point = [number, number];
type Matrix = number[]; // 3x3 row-major, h[8] = 1

/** The homography taking the four `from` points to the four `to` points. */
export function homography(from: Point[], to: Point[]): Matrix {
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i];
    const [u, v] = to[i];
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  // Gauss–Jordan on the 8x9 augmented system.
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let row = col + 1; row < 8; row++) if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) pivot = row;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let row = 0; row < 8; row++) {
      if (row === col) continue;
      const factor = a[row][col] / a[col][col];
      for (let k = col; k < 9; k++) a[row][k] -= factor * a[col][k];
    }
  }
  return [...a.map((row, i) => row[8] / row[i]), 1];
}

export function apply(h: Matrix, [x, y]: Point): Point {
  const w = h[6] * x + h[7] * y + h[8];
  return [(h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w];
}

function invert(m: Matrix): Matrix {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [
    A,
    -(b * i - c * h),
    b * f - c * e,
    B,
    a * i - c * g,
    -(a * f - c * d),
    C,
    -(a * h - b * g),
    a * e - b * d,
  ].map((v) => v / det);
}

interface Photo {
  degrees: [number, number];
  perspective: number;
  scale: [number, number];
  blur: [number, number];
  noise: [number, number];
  shadow: [number, number];
  quality: [number, number];
}

const PHOTOS: Record<Exclude<Level, 'clean'>, Photo> = {
  mild: {
    degrees: [1, 3],
    perspective: 0,
    scale: [0.85, 1],
    blur: [0.4, 0.9],
    noise: [4, 9],
    shadow: [0, 0.15],
    quality: [60, 80],
  },
  hard: {
    degrees: [5, 8],
    perspective: 0.045,
    scale: [0.5, 0.65],
    blur: [0.6, 1.1],
    noise: [9, 16],
    shadow: [0.3, 0.5],
    quality: [45, 65],
  },
};

const BACKGROUNDS = [
  [120, 98, 76],
  [70, 76, 84],
  [150, 146, 138],
  [52, 58, 48],
];

export async function render(spec: PageSpec, level: Level, seed: number, id: string): Promise<RenderedImage> {
  const page = drawPage(spec);
  if (level === 'clean') {
    return {
      bytes: await page.encode('png'),
      mediaType: 'image/png',
      width: spec.width,
      height: spec.height,
      box: (rect) => ({
        left: rect.x / spec.width,
        top: rect.y / spec.height,
        width: rect.w / spec.width,
        height: rect.h / spec.height,
      }),
    };
  }
  const random = Random.for(seed, 'photo', id, level);
  const photo = PHOTOS[level];
  const { width: W, height: H } = spec;
  const angle = ((random.chance(0.5) ? 1 : -1) * random.real(...photo.degrees) * Math.PI) / 180;
  const scale = random.real(...photo.scale);
  const corners: Point[] = [
    [0, 0],
    [W, 0],
    [W, H],
    [0, H],
  ];
  const moved = corners.map(([x, y]): Point => {
    const dx = (x - W / 2) * scale;
    const dy = (y - H / 2) * scale;
    const jitter = photo.perspective * Math.max(W, H) * scale;
    return [
      dx * Math.cos(angle) - dy * Math.sin(angle) + random.real(-jitter, jitter),
      dx * Math.sin(angle) + dy * Math.cos(angle) + random.real(-jitter, jitter),
    ];
  });
  const margin = Math.round(Math.max(W, H) * scale * random.real(0.03, 0.08));
  const minX = Math.min(...moved.map((p) => p[0]));
  const minY = Math.min(...moved.map((p) => p[1]));
  const to = moved.map(([x, y]): Point => [x - minX + margin, y - minY + margin]);
  const outW = Math.ceil(Math.max(...to.map((p) => p[0])) + margin);
  const outH = Math.ceil(Math.max(...to.map((p) => p[1])) + margin);
  const forward = homography(corners, to);
  const backward = invert(forward);

  const source = page.getContext('2d').getImageData(0, 0, W, H).data;
  const out = createCanvas(outW, outH);
  const context = out.getContext('2d');
  const image = context.createImageData(outW, outH);
  const pixels = image.data;
  const background = random.pick(BACKGROUNDS);
  for (let v = 0; v < outH; v++) {
    for (let u = 0; u < outW; u++) {
      const w = backward[6] * u + backward[7] * v + backward[8];
      const x = (backward[0] * u + backward[1] * v + backward[2]) / w;
      const y = (backward[3] * u + backward[4] * v + backward[5]) / w;
      const o = (v * outW + u) * 4;
      if (x < 0 || y < 0 || x > W - 1 || y > H - 1) {
        pixels[o] = background[0];
        pixels[o + 1] = background[1];
        pixels[o + 2] = background[2];
        pixels[o + 3] = 255;
        continue;
      }
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      const x1 = Math.min(x0 + 1, W - 1);
      const y1 = Math.min(y0 + 1, H - 1);
      for (let c = 0; c < 3; c++) {
        const p00 = source[(y0 * W + x0) * 4 + c];
        const p10 = source[(y0 * W + x1) * 4 + c];
        const p01 = source[(y1 * W + x0) * 4 + c];
        const p11 = source[(y1 * W + x1) * 4 + c];
        pixels[o + c] = p00 * (1 - fx) * (1 - fy) + p10 * fx * (1 - fy) + p01 * (1 - fx) * fy + p11 * fx * fy;
      }
      pixels[o + 3] = 255;
    }
  }
  context.putImageData(image, 0, 0);

  // A shadow across part of the page (a hand or the phone), darker on one side.
  const shadow = random.real(...photo.shadow);
  if (shadow > 0.02) {
    const side = random.int(0, 3);
    const gradient =
      side === 0
        ? context.createLinearGradient(0, 0, outW, 0)
        : side === 1
          ? context.createLinearGradient(outW, 0, 0, 0)
          : side === 2
            ? context.createLinearGradient(0, 0, 0, outH)
            : context.createLinearGradient(0, outH, 0, 0);
    gradient.addColorStop(0, `rgba(0,0,0,${shadow.toFixed(2)})`);
    gradient.addColorStop(random.real(0.35, 0.7), 'rgba(0,0,0,0)');
    context.fillStyle = gradient;
    context.fillRect(0, 0, outW, outH);
  }

  const blurred = createCanvas(outW, outH);
  const blurContext = blurred.getContext('2d');
  blurContext.filter = `blur(${random.real(...photo.blur).toFixed(2)}px)`;
  blurContext.drawImage(out, 0, 0);
  blurContext.filter = 'none';

  const noisy = blurContext.getImageData(0, 0, outW, outH);
  const sigma = random.real(...photo.noise);
  for (let i = 0; i < noisy.data.length; i += 4) {
    const grain = random.gaussian() * sigma;
    noisy.data[i] += grain;
    noisy.data[i + 1] += grain;
    noisy.data[i + 2] += grain;
  }
  blurContext.putImageData(noisy, 0, 0);

  const quality = Math.round(random.real(...photo.quality));
  return {
    bytes: await blurred.encode('jpeg', quality),
    mediaType: 'image/jpeg',
    width: outW,
    height: outH,
    box(rect) {
      const points = [
        apply(forward, [rect.x, rect.y]),
        apply(forward, [rect.x + rect.w, rect.y]),
        apply(forward, [rect.x + rect.w, rect.y + rect.h]),
        apply(forward, [rect.x, rect.y + rect.h]),
      ];
      const left = Math.min(...points.map((p) => p[0]));
      const top = Math.min(...points.map((p) => p[1]));
      const right = Math.max(...points.map((p) => p[0]));
      const bottom = Math.max(...points.map((p) => p[1]));
      return {
        left: left / outW,
        top: top / outH,
        width: (right - left) / outW,
        height: (bottom - top) / outH,
      };
    },
  };
}
