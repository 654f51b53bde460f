/**
 * An OCR engine may read another picture than the one the user sent: the page found in a photo and
 * flattened, scaled (small text enlarged, an oversized photo shrunk) and turned to straighten it. Evidence boxes must point into the
 * image as sent (DESIGN §3.2), so every box read on the prepared picture is mapped back through its frame.
 */
import { type Homography, mapPoint } from './homography';
import { type Box, pageBox } from './layout';

/**
 * How the picture read was made from the image as sent: its page flattened (when one was found), scaled,
 * then turned about its centre.
 */
export interface ReadFrame {
  /** Pixels of the image as sent. */
  width: number;
  height: number;
  /** Pixels of the picture read per pixel of the image as sent (of the flattened page, when there is one). */
  scaleX: number;
  scaleY: number;
  /**
   * The turn applied to the scaled picture before reading, about its centre and keeping its size, in
   * tesseract.js's convention (`rotateRadians` of its result).
   */
  radians: number;
  /**
   * The page found in the photo, drawn as an upright rectangle of `width` × `height` px before scaling;
   * `toSent` takes its pixels to those of the image as sent (a perspective map).
   */
  page?: { width: number; height: number; toSent: Homography };
}

/** The frame of a picture read as sent: nothing to map back. */
export const identityFrame = (width: number, height: number): ReadFrame => ({
  width,
  height,
  scaleX: 1,
  scaleY: 1,
  radians: 0,
});

/**
 * A rectangle in pixels of the picture read (x0,y0 top-left, x1,y1 bottom-right) as a box in fractions of
 * the image as sent: its corners turned back about the centre, the scale divided out and, from a flattened
 * page, carried back into the photo; a turned or warped rectangle becomes the upright box that holds it,
 * as a word on a skewed photo is.
 */
export function boxInSentImage(frame: ReadFrame, x0: number, y0: number, x1: number, y1: number): Box {
  const { width, height, scaleX, scaleY, radians, page } = frame;
  if (!(width > 0 && height > 0)) return { left: 0, top: 0, width: 0, height: 0 };
  const cx = ((page?.width ?? width) * scaleX) / 2;
  const cy = ((page?.height ?? height) * scaleY) / 2;
  const cos = Math.cos(-radians);
  const sin = Math.sin(-radians);
  const corners = [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ].map(([px = 0, py = 0]) => {
    const dx = px - cx;
    const dy = py - cy;
    const x = (cx + dx * cos - dy * sin) / scaleX;
    const y = (cy + dx * sin + dy * cos) / scaleY;
    return page ? mapPoint(page.toSent, x, y) : ([x, y] as const);
  });
  const xs = corners.map(([x]) => x);
  const ys = corners.map(([, y]) => y);
  const left = Math.min(...xs);
  const top = Math.min(...ys);
  return pageBox(
    left / width,
    top / height,
    (Math.max(...xs) - left) / width,
    (Math.max(...ys) - top) / height,
  );
}
