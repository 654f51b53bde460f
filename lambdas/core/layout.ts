/**
 * The page as read: what OCR engines and PDF text layers return, what the LLM prompt is built from and
 * what evidence (DESIGN §3.2) points into. Boxes are fractions 0..1 of their page so they do not depend on
 * the resolution a page was read at; `width`/`height` are the pixels of the page as read.
 */

/** A rectangle as fractions 0..1 of its page, origin top-left. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface LayoutWord {
  text: string;
  box: Box;
  /** 0..1; 1 for a PDF text layer. */
  confidence: number;
}

export interface LayoutLine {
  text: string;
  box: Box;
  /** 0..1; the mean of its words' confidence. */
  confidence: number;
  /** In reading order; joined with single spaces they give `text`. */
  words: LayoutWord[];
}

/** What read a page: an OCR engine, or a PDF's own text layer (exact, not billed as OCR). */
export type PageSource = 'ocr' | 'text-layer';

export interface PageLayout {
  /** Pixels of the page as read (for a text layer: points at 72 DPI scaled to the render size). */
  width: number;
  height: number;
  /** In reading order (top to bottom, then left to right). */
  lines: LayoutLine[];
  source: PageSource;
}

/** The plain text of a page: its lines, one per row, in reading order. */
export function pageText(page: PageLayout): string {
  return page.lines.map((line) => line.text).join('\n');
}

/** The smallest box holding all of `boxes` (an empty box at the origin for none). */
export function unionBox(boxes: readonly Box[]): Box {
  if (boxes.length === 0) return { left: 0, top: 0, width: 0, height: 0 };
  const left = Math.min(...boxes.map((box) => box.left));
  const top = Math.min(...boxes.map((box) => box.top));
  const right = Math.max(...boxes.map((box) => box.left + box.width));
  const bottom = Math.max(...boxes.map((box) => box.top + box.height));
  return { left, top, width: rounded(right - left), height: rounded(bottom - top) };
}

/** A fraction rounded to 4 decimals (a tenth of a pixel on a 1,000 px page): stored layouts stay small. */
export function fraction(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 10_000) / 10_000;
}

const rounded = (value: number) => Math.round(value * 10_000) / 10_000;

/** A box clamped to the page and rounded; a box reaching past an edge is cut there. */
export function pageBox(left: number, top: number, width: number, height: number): Box {
  const l = fraction(left);
  const t = fraction(top);
  return {
    left: l,
    top: t,
    width: rounded(Math.max(0, Math.min(left + width, 1) - l)),
    height: rounded(Math.max(0, Math.min(top + height, 1) - t)),
  };
}

/** A line made of its words (in reading order): text, box and confidence follow from them. */
export function lineOf(words: readonly LayoutWord[]): LayoutLine {
  return {
    text: words.map((word) => word.text).join(' '),
    box: unionBox(words.map((word) => word.box)),
    confidence:
      words.length === 0
        ? 0
        : Math.round((words.reduce((sum, word) => sum + word.confidence, 0) / words.length) * 1000) / 1000,
    words: [...words],
  };
}

/** The words of a text, split on white space; empty ones dropped. */
/** Lower-case letters and digits of a text in runs (accents dropped): what matching and label reading compare. */
export function plainWords(text: string): string[] {
  return (
    text
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

export function splitWords(text: string): string[] {
  return text.split(/\s+/).filter((word) => word.length > 0);
}

/**
 * A plain text laid out as if typeset in a fixed-width font, one line per row: for engines that give no
 * geometry of their own (the simulated OCR of capacity benchmarks) and for tests.
 */
export function typesetLayout(
  text: string,
  options: { width?: number; height?: number; confidence?: number; source?: PageSource } = {},
): PageLayout {
  const { width = 1000, height = 1400, confidence = 1, source = 'ocr' } = options;
  const rows = text.split(/\r?\n/);
  const rowHeight = 1 / Math.max(40, rows.length + 2);
  const charWidth = 1 / Math.max(100, ...rows.map((row) => row.length + 2));
  const lines: LayoutLine[] = [];
  rows.forEach((row, index) => {
    const words: LayoutWord[] = [];
    for (const match of row.matchAll(/\S+/g)) {
      words.push({
        text: match[0],
        box: pageBox(
          (match.index + 1) * charWidth,
          (index + 1) * rowHeight,
          match[0].length * charWidth,
          rowHeight * 0.8,
        ),
        confidence,
      });
    }
    if (words.length > 0) lines.push(lineOf(words));
  });
  return { width, height, lines, source };
}
