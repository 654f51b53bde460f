/**
 * Machine-readable zones (ICAO 9303: passports, ID cards, visas) on photos. Tesseract's page read takes a
 * zone's filler runs `<<<<` for text (`ccaccacicaceace`, `«ccc cxwcacel`), and a photo's zone is then lost to
 * the parser (`rules/machine-readable-zone.ts`). A line that looks like a zone read that way is read again
 * alone, with only the zone's characters allowed, as one block of lines.
 */
import type { Line } from 'tesseract.js';

/** The characters a machine-readable zone is printed in. */
export const ZONE_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';

/** A zone line is 30, 36 or 44 characters; fewer than this read is not one. */
const MIN_ZONE_LINE_CHARS = 20;
/**
 * What a page read makes of a filler run: `<` itself (rare in prose), `«`, `‹`, or a run of small round
 * letters (`ccaccacicaceace`) that no English word is made of.
 */
const MISREAD_FILLERS = /[<«‹]|[(aceiuwx]{6,}/;

/** Whether a line of the page read may be a zone line, its fillers misread. */
export function mayBeZoneLine(text: string): boolean {
  const squeezed = text.replace(/\s+/g, '');
  return squeezed.length >= MIN_ZONE_LINE_CHARS && MISREAD_FILLERS.test(squeezed);
}

/** Whether a line of the zone's re-read is a zone line: its fillers must be there now. */
export function isZoneReading(text: string): boolean {
  const squeezed = text.replace(/\s+/g, '');
  // The re-read may run a long filler run together (`<<<<<<<<` as `<<`), so it can be short.
  return squeezed.length >= 10 && /^[A-Z0-9<]+$/.test(squeezed) && squeezed.includes('<');
}

export interface ZoneBand {
  /** Pixels of the picture read, as tesseract.js's `rectangle` takes them. */
  rectangle: { left: number; top: number; width: number; height: number };
  /** The page read's lines it replaces when its re-read holds zone lines. */
  lines: Line[];
}

/**
 * The bands of the picture (`width` × `height` px) holding lines that may be zone lines: neighbouring such
 * lines (less than a line apart) form one band, widened by a line's height all round so no character is cut.
 */
export function zoneBands(lines: readonly Line[], width: number, height: number): ZoneBand[] {
  const candidates = lines.filter((line) => mayBeZoneLine(line.text)).sort((a, b) => a.bbox.y0 - b.bbox.y0);
  const groups: Line[][] = [];
  for (const line of candidates) {
    const group = groups[groups.length - 1];
    const last = group?.[group.length - 1];
    const lineHeight = line.bbox.y1 - line.bbox.y0;
    if (group && last && line.bbox.y0 - last.bbox.y1 < lineHeight) group.push(line);
    else groups.push([line]);
  }
  return groups.map((group) => {
    const x0 = Math.min(...group.map((line) => line.bbox.x0));
    const x1 = Math.max(...group.map((line) => line.bbox.x1));
    const y0 = Math.min(...group.map((line) => line.bbox.y0));
    const y1 = Math.max(...group.map((line) => line.bbox.y1));
    const margin = Math.round((y1 - y0) / group.length);
    const left = Math.max(0, x0 - margin);
    const top = Math.max(0, y0 - margin);
    return {
      rectangle: {
        left,
        top,
        width: Math.max(1, Math.min(width, x1 + margin) - left),
        height: Math.max(1, Math.min(height, y1 + margin) - top),
      },
      lines: group,
    };
  });
}
