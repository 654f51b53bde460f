/**
 * The one text of the pages a model reads (and the offline extractor parses): rows of the page in
 * reading order, words that sit on one visual row on one line even when OCR found them as separate
 * lines, column gaps kept as runs of spaces in proportion to the gap, and a label stacked over its
 * value left on the line right above it, at the same column. Plain newline-joined OCR loses exactly this
 * (the Omni OCR benchmark measures the cost), so every engine's layout goes through here.
 */
import type { LayoutWord, PageLayout } from './layout';
import { pageMarker } from './strategies/ocr-text';

/** The words of one visual row of a page, left to right. */
export interface LayoutRow {
  words: LayoutWord[];
  /** Vertical extent after straightening a skewed page (fractions of the page height). */
  top: number;
  bottom: number;
}

/** Widest text line written: a page is scaled down to this many character columns. */
export const MAX_COLUMNS = 160;
/** A gap between two words at least this many characters wide is a column gap, not a word space. */
const COLUMN_GAP_CHARS = 2.5;
/** Two lines overlapping vertically by this share of the smaller one's height are one row. */
const SAME_ROW_OVERLAP = 0.5;
/**
 * A vertical gap of this many row heights is written as one empty line (a new block). Smaller gaps, such
 * as between a label and the value printed under it, leave the rows adjacent.
 */
const BLOCK_GAP_ROWS = 2;
/** Steeper than this is not a photo's skew but a diagonal line of text; it is not corrected. */
const MAX_SKEW = 0.2;

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const centreX = (word: LayoutWord) => word.box.left + word.box.width / 2;
const centreY = (word: LayoutWord) => word.box.top + word.box.height / 2;

/**
 * The page's skew as the median slope (in page fractions, Δy per Δx) of its longer lines: a photo taken
 * at an angle tilts every row alike, so rows far apart across the page still meet.
 */
function skewOf(page: PageLayout): number {
  const slopes = page.lines
    .filter((line) => line.words.length >= 3 && line.box.width >= 0.2)
    .map((line) => {
      const first = line.words[0];
      const last = line.words[line.words.length - 1];
      return (centreY(last) - centreY(first)) / Math.max(1e-6, centreX(last) - centreX(first));
    });
  const slope = median(slopes) ?? 0;
  return Math.abs(slope) <= MAX_SKEW ? slope : 0;
}

/** The page's visual rows, top to bottom; OCR lines that share a row are merged into it. */
export function layoutRows(page: PageLayout): LayoutRow[] {
  const skew = skewOf(page);
  const lines = page.lines
    .filter((line) => line.words.length > 0)
    .map((line) => {
      const shift = skew * (line.box.left + line.box.width / 2);
      return { words: line.words, top: line.box.top - shift, bottom: line.box.top + line.box.height - shift };
    })
    .sort((a, b) => a.top + a.bottom - (b.top + b.bottom));
  const rows: LayoutRow[] = [];
  for (const line of lines) {
    const height = line.bottom - line.top;
    // Only the last few rows can share this line's height: lines come sorted by their middle.
    const row = rows.slice(-3).find((candidate) => {
      const overlap = Math.min(candidate.bottom, line.bottom) - Math.max(candidate.top, line.top);
      const smaller = Math.min(height, candidate.bottom - candidate.top);
      return overlap > 0 && overlap >= SAME_ROW_OVERLAP * smaller;
    });
    if (row) {
      row.words.push(...line.words);
      row.top = Math.min(row.top, line.top);
      row.bottom = Math.max(row.bottom, line.bottom);
    } else {
      rows.push({ words: [...line.words], top: line.top, bottom: line.bottom });
    }
  }
  for (const row of rows) row.words.sort((a, b) => a.box.left - b.box.left);
  return rows.sort((a, b) => a.top - b.top);
}

/** Width of one character column in page fractions: the median glyph width, or narrower for a wide page. */
function columnWidth(words: LayoutWord[]): number {
  const left = Math.min(...words.map((word) => word.box.left));
  const right = Math.max(...words.map((word) => word.box.left + word.box.width));
  const glyph = median(
    words.filter((word) => word.text.length >= 2).map((word) => word.box.width / word.text.length),
  );
  return Math.max(glyph ?? 0, (right - left) / MAX_COLUMNS, 1e-6);
}

/** One page as rows of text: words on a row joined by a space, or by spaces up to their column. */
export function pageLayoutText(page: PageLayout): string {
  const rows = layoutRows(page);
  const words = rows.flatMap((row) => row.words);
  if (words.length === 0) return '';
  const charWidth = columnWidth(words);
  const origin = Math.min(...words.map((word) => word.box.left));
  const rowHeight = median(rows.map((row) => row.bottom - row.top)) ?? 0;
  const out: string[] = [];
  let previous: LayoutRow | undefined;
  for (const row of rows) {
    if (previous && row.top - previous.bottom > BLOCK_GAP_ROWS * rowHeight) out.push('');
    let text = '';
    let right = origin;
    for (const word of row.words) {
      const column = Math.round((word.box.left - origin) / charWidth);
      if (text.length === 0) text = ' '.repeat(column);
      else if (word.box.left - right >= COLUMN_GAP_CHARS * charWidth) {
        // At least three spaces, so a reader splitting columns on runs of spaces sees this one.
        text += ' '.repeat(Math.max(3, column - text.length));
      } else text += ' ';
      text += word.text;
      right = word.box.left + word.box.width;
    }
    out.push(text.trimEnd());
    previous = row;
  }
  return out.join('\n');
}

/**
 * At most this many characters of page text go to a model per task (~25k tokens): 50 dense pages would be
 * several times that, slower and dearer to answer, and past what some models accept.
 */
export const MAX_MODEL_TEXT_CHARS = 100_000;

/**
 * `layoutText` within `maxChars`: every page keeps its marker and a fair share of the budget (a short page's
 * unused share goes to the longer ones), cut at a line end where one is near. `cut` says whether text was
 * left out, so the task can say so in `usage`; a long document is never failed for its length.
 */
export function cappedLayoutText(
  pages: readonly PageLayout[],
  maxChars = MAX_MODEL_TEXT_CHARS,
): { text: string; cut: boolean } {
  const texts = pages.map((page) => pageLayoutText(page).replace(/^\n+/, ''));
  const total = texts.reduce((sum, text) => sum + text.length, 0);
  if (total <= maxChars) return { text: layoutText(pages), cut: false };
  const allowance = new Array<number>(texts.length).fill(0);
  let remaining = maxChars;
  const shortestFirst = texts
    .map((text, n) => ({ n, length: text.length }))
    .sort((a, b) => a.length - b.length);
  shortestFirst.forEach(({ n, length }, i) => {
    const share = Math.floor(remaining / (shortestFirst.length - i));
    allowance[n] = Math.min(length, share);
    remaining -= allowance[n] ?? 0;
  });
  const text = texts
    .map((full, n) => {
      const limit = allowance[n] ?? 0;
      let kept = full;
      if (full.length > limit) {
        const lineEnd = full.lastIndexOf('\n', limit);
        kept = `${full.slice(0, lineEnd > limit / 2 ? lineEnd : limit)}\n[… text of this page cut]`;
      }
      return kept ? `${pageMarker(n + 1)}\n${kept}` : pageMarker(n + 1);
    })
    .join('\n\n');
  return { text, cut: true };
}

/**
 * All pages as one text for a model, each under its `--- Page N ---` marker; a page's first row keeps its
 * indentation (a right-aligned heading stays on the right).
 */
export function layoutText(pages: readonly PageLayout[]): string {
  return pages
    .map((page, index) => {
      const text = pageLayoutText(page).replace(/^\n+/, '');
      return text ? `${pageMarker(index + 1)}\n${text}` : pageMarker(index + 1);
    })
    .join('\n\n');
}
