/** A line that separates the OCR text of two images; `joinPages` writes it and readers skip it. */
export const PAGE_MARKER = /^--- Page \d+ ---$/;

/** The marker line above page `n` (1-based). */
export const pageMarker = (n: number) => `--- Page ${n} ---`;

/** The OCR text of several images as one text, each page under a `--- Page N ---` marker (1-based). */
export function joinPages(texts: string[]): string {
  return texts
    .map((text, index) => [pageMarker(index + 1), text.trim()].filter(Boolean).join('\n'))
    .join('\n\n');
}
