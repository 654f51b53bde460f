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
