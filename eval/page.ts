/**
 * A page as the generator lays it out: plain data (text runs, lines, boxes) in pixels of the clean page,
 * with the rectangle of every run measured in the real font, so the truth knows where each value is.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';

export const FONTS = [
  'sans',
  'sans-bold',
  'serif',
  'serif-bold',
  'mono',
  'mono-bold',
  'condensed',
  'condensed-bold',
] as const;
export type Font = (typeof FONTS)[number];

const FONT_FILES: Record<Font, string> = {
  sans: 'DejaVuSans.ttf',
  'sans-bold': 'DejaVuSans-Bold.ttf',
  serif: 'DejaVuSerif.ttf',
  'serif-bold': 'DejaVuSerif-Bold.ttf',
  mono: 'DejaVuSansMono.ttf',
  'mono-bold': 'DejaVuSansMono-Bold.ttf',
  condensed: 'DejaVuSansCondensed.ttf',
  'condensed-bold': 'DejaVuSansCondensed-Bold.ttf',
};

/** Each font is registered under its own family name, so no weight matching can pick another file. */
export const fontFamily = (font: Font) => `Eval-${font}`;

let registered = false;
export function registerFonts(): void {
  if (registered) return;
  const dir = path.join(
    path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')),
    'ttf',
  );
  for (const font of FONTS) GlobalFonts.registerFromPath(path.join(dir, FONT_FILES[font]), fontFamily(font));
  registered = true;
}

/** A rectangle in pixels of the clean page. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type Element =
  | { type: 'text'; x: number; y: number; text: string; font: Font; size: number; color: string }
  | {
      type: 'line';
      x1: number;
      y1: number;
      x2: number;
      y2: number;
      width: number;
      color: string;
      dash?: number[];
    }
  | {
      type: 'rect';
      x: number;
      y: number;
      w: number;
      h: number;
      stroke?: string;
      fill?: string;
      width?: number;
    };

export interface PageSpec {
  width: number;
  height: number;
  paper: string;
  elements: Element[];
}

export interface TextStyle {
  font?: Font;
  size?: number;
  color?: string;
}

export function union(rects: readonly Rect[]): Rect {
  const x = Math.min(...rects.map((r) => r.x));
  const y = Math.min(...rects.map((r) => r.y));
  const right = Math.max(...rects.map((r) => r.x + r.w));
  const bottom = Math.max(...rects.map((r) => r.y + r.h));
  return { x, y, w: right - x, h: bottom - y };
}

let measurer: SKRSContext2D | undefined;

/** Lays out one page; `text` returns where the run's ink is. */
export class PageBuilder {
  readonly elements: Element[] = [];

  constructor(
    readonly width: number,
    /** A receipt is cut where its text ends. */
    public height: number,
    readonly defaults: Required<TextStyle>,
    readonly paper = '#ffffff',
  ) {
    registerFonts();
    measurer ??= createCanvas(8, 8).getContext('2d');
  }

  measure(text: string, style: TextStyle = {}): { width: number; ascent: number; descent: number } {
    const { font, size } = { ...this.defaults, ...style };
    const context = measurer as SKRSContext2D;
    context.font = `${size}px ${fontFamily(font)}`;
    const metrics = context.measureText(text);
    return {
      width: metrics.width,
      ascent: Math.max(metrics.actualBoundingBoxAscent, size * 0.5),
      descent: Math.max(metrics.actualBoundingBoxDescent, 0),
    };
  }

  /** A run of text with its baseline at `y`, starting at `x`. */
  text(x: number, y: number, text: string, style: TextStyle = {}): Rect {
    const { font, size, color } = { ...this.defaults, ...style };
    const m = this.measure(text, { font, size });
    this.elements.push({ type: 'text', x: Math.round(x), y: Math.round(y), text, font, size, color });
    return {
      x: Math.round(x),
      y: Math.round(y - m.ascent),
      w: Math.ceil(m.width),
      h: Math.ceil(m.ascent + m.descent),
    };
  }

  /** A run ending at `right`. */
  textRight(right: number, y: number, text: string, style: TextStyle = {}): Rect {
    return this.text(right - this.measure(text, style).width, y, text, style);
  }

  textCentre(centre: number, y: number, text: string, style: TextStyle = {}): Rect {
    return this.text(centre - this.measure(text, style).width / 2, y, text, style);
  }

  line(x1: number, y1: number, x2: number, y2: number, width = 1, color = '#222222', dash?: number[]): void {
    this.elements.push({ type: 'line', x1, y1, x2, y2, width, color, ...(dash ? { dash } : {}) });
  }

  rect(
    x: number,
    y: number,
    w: number,
    h: number,
    options: { stroke?: string; fill?: string; width?: number },
  ): void {
    this.elements.push({ type: 'rect', x, y, w, h, ...options });
  }

  spec(): PageSpec {
    return { width: this.width, height: this.height, paper: this.paper, elements: this.elements };
  }
}
