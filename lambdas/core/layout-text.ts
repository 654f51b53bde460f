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
/**
 * Two lines whose straightened middles are closer than this share of the smaller one's text height are one
 * row; lines of adjacent rows are a whole row height apart (about 1.2 text heights or more).
 */
const SAME_ROW_OFFSET = 0.5;
/**
 * A vertical gap of this many row heights is written as one empty line (a new block). Smaller gaps, such
 * as between a label and the value printed under it, leave the rows adjacent.
 */
const BLOCK_GAP_ROWS = 2;
/** Steeper than this (in pixels, Δy per Δx) is not a photo's skew but a diagonal line of text; it is not corrected. */
const MAX_SKEW = 0.2;
/** Lines that overlap horizontally by this share of the narrower one are stacked, never one row. */
const STACKED_OVERLAP = 0.3;
/** Word centres closer than this (page widths) say little about a slope: their boxes' jitter dominates. */
const MIN_SLOPE_RUN = 0.03;

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const centreX = (word: LayoutWord) => word.box.left + word.box.width / 2;
const centreY = (word: LayoutWord) => word.box.top + word.box.height / 2;

/** A line's own slope (Δy per Δx, page fractions): the median over its pairs of words far enough apart. */
function lineSlope(words: readonly LayoutWord[]): number | undefined {
  const slopes: number[] = [];
  for (let i = 0; i < words.length; i++)
    for (let j = i + 1; j < words.length; j++) {
      const run = centreX(words[j]) - centreX(words[i]);
      if (Math.abs(run) >= MIN_SLOPE_RUN) slopes.push((centreY(words[j]) - centreY(words[i])) / run);
    }
  return median(slopes);
}

/**
 * The page's skew (Δy per Δx in page fractions): the median of its lines' own slopes, once slopes far from
 * the rest are dropped (OCR's garbage on a bad photo, a line that strings words of two rows together). A
 * photo taken at an angle tilts every row alike; any estimate only straightens, it never joins lines that
 * overlap horizontally (see `layoutRows`), so a wrong one cannot fold a page into one row.
 */
export function pageSkew(page: PageLayout): number {
  // Angles are compared in pixels: a fraction of a wide page's height is fewer pixels than of its width.
  const aspect = page.width > 0 && page.height > 0 ? page.height / page.width : 1;
  const slopes = page.lines
    .filter((line) => line.words.length >= 2)
    .map((line) => lineSlope(line.words))
    .filter((slope): slope is number => slope !== undefined)
    .map((slope) => slope * aspect)
    .filter((slope) => Math.abs(slope) <= 2 * MAX_SKEW);
  const middle = median(slopes);
  if (middle === undefined) return 0;
  // Outliers beyond three median absolute deviations (and a small floor, for pages of perfect lines).
  const spread = median(slopes.map((slope) => Math.abs(slope - middle))) ?? 0;
  const kept = slopes.filter((slope) => Math.abs(slope - middle) <= Math.max(3 * spread, 0.01));
  const slope = median(kept) ?? 0;
  return Math.abs(slope) <= MAX_SKEW ? slope / aspect : 0;
}

/** An OCR line straightened: the middle of its words once the skew is taken out, and its text height. */
interface StraightLine {
  words: LayoutWord[];
  middle: number;
  height: number;
  left: number;
  right: number;
}

/**
 * The height of a word's text on a page of this skew: a tilted word's box is taller than its text by the
 * tilt across its width (a long word on a tilted photo is no larger type than a short one).
 */
export function textHeight(word: LayoutWord, skew: number): number {
  return Math.max(0.35 * word.box.height, word.box.height - Math.abs(skew) * word.box.width);
}

function straightened(words: LayoutWord[], skew: number): StraightLine {
  const middle = median(words.map((word) => centreY(word) - skew * centreX(word))) ?? 0;
  const height = median(words.map((word) => textHeight(word, skew))) ?? 0;
  const left = Math.min(...words.map((word) => word.box.left));
  const right = Math.max(...words.map((word) => word.box.left + word.box.width));
  return { words, middle, height, left, right };
}

/** Whether two lines share a column: one printed over the other, not beside it on one row. */
function stacked(a: StraightLine, b: StraightLine): boolean {
  const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left);
  return overlap > STACKED_OVERLAP * Math.min(a.right - a.left, b.right - b.left);
}

/**
 * The page's visual rows, top to bottom; OCR lines that share a row are merged into it. Lines are compared
 * after straightening the page's skew, each with its nearest neighbour on the row (so a photo's perspective,
 * which bends the skew across the page, matters only over the gap between them); lines that overlap
 * horizontally are never merged, and a row does not grow to take lines it would not have taken at first.
 */
export function layoutRows(page: PageLayout): LayoutRow[] {
  const skew = pageSkew(page);
  const lines = page.lines
    .filter((line) => line.words.length > 0)
    .map((line) => straightened(line.words, skew))
    .sort((a, b) => a.middle - b.middle);
  const rows: StraightLine[][] = [];
  for (const line of lines) {
    // Only the last few rows can be this line's: lines come sorted by their middle.
    const row = rows.slice(-4).find((members) => {
      if (members.some((member) => stacked(member, line))) return false;
      const nearest = members.reduce((best, member) =>
        horizontalGap(member, line) < horizontalGap(best, line) ? member : best,
      );
      return (
        Math.abs(nearest.middle - line.middle) <= SAME_ROW_OFFSET * Math.min(nearest.height, line.height)
      );
    });
    if (row) row.push(line);
    else rows.push([line]);
  }
  return rows
    .map((members) => ({
      words: members.flatMap((member) => member.words).sort((a, b) => a.box.left - b.box.left),
      top: Math.min(...members.map((member) => member.middle - member.height / 2)),
      bottom: Math.max(...members.map((member) => member.middle + member.height / 2)),
    }))
    .sort((a, b) => a.top - b.top);
}

function horizontalGap(a: StraightLine, b: StraightLine): number {
  return Math.max(0, a.left - b.right, b.left - a.right);
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
