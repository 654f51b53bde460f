/** Small page layouts built by hand for the offline extractor's tests: words placed where a page prints them. */
import { type LayoutWord, lineOf, type PageLayout } from '../../lambdas/core/layout';

/** One run of text on a row: its left edge (page fraction) and, optionally, its size. */
export interface Run {
  text: string;
  x: number;
  /** Character height as a page fraction. @default 0.02 */
  size?: number;
}

/** A row: the top of its text and its runs; each run's words are spaced as one font would space them. */
export interface Row {
  y: number;
  runs: Run[];
}

/** A character is about half as wide as it is tall, on a square page; a word space is one character wide. */
function wordsOf(run: Run, y: number): LayoutWord[] {
  const size = run.size ?? 0.02;
  const char = size * 0.5;
  const words: LayoutWord[] = [];
  let x = run.x;
  for (const text of run.text.split(' ').filter(Boolean)) {
    words.push({ text, box: { left: x, top: y, width: text.length * char, height: size }, confidence: 0.95 });
    x += (text.length + 1) * char;
  }
  return words;
}

/** A page of the given rows, each run one OCR line (as tesseract often splits a row at wide gaps). */
export function pageOf(rows: Row[]): PageLayout {
  return {
    width: 1000,
    height: 1000,
    source: 'ocr',
    lines: rows.flatMap((row) => row.runs.map((run) => lineOf(wordsOf(run, row.y)))),
  };
}
