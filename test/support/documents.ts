/**
 * Document fixtures made in the tests: text PDFs with pdf-lib, scans (pages of text rendered to pictures
 * by MuPDF and put into a PDF without a text layer), multi-page TIFFs and sideways EXIF photos.
 */
import * as mupdf from 'mupdf';
import { degrees, PDFDocument, PDFName, StandardFonts } from 'pdf-lib';
import { type Homography, homographyBetween, mapPoint } from '../../lambdas/core/homography';

/** A PDF whose pages carry these lines as real text (a text layer), A5 portrait. */
export async function textPdf(pages: string[][], options: { rotate?: number } = {}): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = document.addPage([420, 595]);
    lines.forEach((line, n) => {
      page.drawText(line, { x: 40, y: 540 - n * 30, size: 16, font });
    });
    if (options.rotate) page.setRotation(degrees(options.rotate));
  }
  return document.save();
}

/** Each page of a PDF rendered to a grayscale picture of `dpi`. */
function renderPages(pdf: Uint8Array, dpi: number, colour = mupdf.ColorSpace.DeviceGray) {
  const document = mupdf.Document.openDocument(pdf, 'application/pdf');
  const pictures: mupdf.Pixmap[] = [];
  for (let n = 0; n < document.countPages(); n++) {
    pictures.push(document.loadPage(n).toPixmap(mupdf.Matrix.scale(dpi / 72, dpi / 72), colour, false, true));
  }
  return pictures;
}

/** A scanned PDF: every page is only a picture of the lines, no text layer. */
export async function scannedPdf(pages: string[][]): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  for (const picture of renderPages(await textPdf(pages), 150)) {
    const png = await document.embedPng(picture.asPNG());
    const page = document.addPage([420, 595]);
    page.drawImage(png, { x: 0, y: 0, width: 420, height: 595 });
  }
  return document.save();
}

/** A PDF whose trailer says it is encrypted (standard security handler, unknown password). */
export async function encryptedPdf(): Promise<Uint8Array> {
  const document = await PDFDocument.load(await textPdf([['Secret: 42']]));
  const key = 'A'.repeat(32);
  document.context.trailerInfo.Encrypt = document.context.obj({
    Filter: PDFName.of('Standard'),
    V: 1,
    R: 2,
    O: document.context.obj(key),
    U: document.context.obj(key),
    P: -4,
  });
  return document.save({ useObjectStreams: false });
}

/** A multi-page grayscale TIFF (uncompressed strips), one page per list of lines. */
export async function multiPageTiff(pages: string[][]): Promise<Uint8Array> {
  const pictures = renderPages(await textPdf(pages), 150).map((p) => ({
    width: p.getWidth(),
    height: p.getHeight(),
    pixels: p.getPixels(),
  }));
  const entries = 9;
  const ifdSize = 2 + entries * 12 + 4;
  let offset = 8;
  const layout = pictures.map((picture) => {
    const ifd = offset;
    const data = ifd + ifdSize;
    offset = data + picture.pixels.length + (picture.pixels.length % 2);
    return { ifd, data };
  });
  const bytes = new Uint8Array(offset);
  const view = new DataView(bytes.buffer);
  bytes.set([0x49, 0x49, 0x2a, 0x00]);
  view.setUint32(4, layout[0]?.ifd ?? 0, true);
  pictures.forEach((picture, n) => {
    const { ifd, data } = layout[n] as { ifd: number; data: number };
    const tags: [number, number, number][] = [
      [256, 4, picture.width],
      [257, 4, picture.height],
      [258, 3, 8],
      [259, 3, 1],
      [262, 3, 1],
      [273, 4, data],
      [277, 3, 1],
      [278, 4, picture.height],
      [279, 4, picture.pixels.length],
    ];
    view.setUint16(ifd, entries, true);
    tags.forEach(([tag, type, value], i) => {
      const at = ifd + 2 + i * 12;
      view.setUint16(at, tag, true);
      view.setUint16(at + 2, type, true);
      view.setUint32(at + 4, 1, true);
      if (type === 3) view.setUint16(at + 8, value, true);
      else view.setUint32(at + 8, value, true);
    });
    view.setUint32(ifd + 2 + entries * 12, layout[n + 1]?.ifd ?? 0, true);
    bytes.set(picture.pixels, data);
  });
  return bytes;
}

/**
 * A phone photo stored sideways: the page turned a quarter left, with EXIF orientation 6 ("turn right to
 * view"), as phones write them.
 */
export async function sidewaysPhoto(lines: string[]): Promise<Uint8Array> {
  const [picture] = renderPages(await textPdf([lines], { rotate: 270 }), 150, mupdf.ColorSpace.DeviceRGB);
  if (!picture) throw new Error('no page rendered');
  const jpeg = picture.asJPEG(92, false);
  // APP1 "Exif": a big-endian TIFF header and one IFD entry, Orientation (0x0112) = 6.
  const app1 = [0xff, 0xe1, 0, 34, 0x45, 0x78, 0x69, 0x66, 0, 0, 0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8];
  app1.push(0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0);
  return new Uint8Array([...jpeg.slice(0, 2), ...app1, ...jpeg.slice(2)]);
}

interface PlacedWord {
  text: string;
  x: number;
  y: number;
}

/** Every word of a PDF page's text layer at its centre (page points), sent through `place`. */
function wordCentres(page: mupdf.Page, place: (x: number, y: number) => [number, number]): PlacedWord[] {
  const words: PlacedWord[] = [];
  let [text, xs, ys] = ['', [] as number[], [] as number[]];
  const endWord = () => {
    if (text) {
      const [x, y] = place((Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2);
      words.push({ text, x, y });
    }
    [text, xs, ys] = ['', [], []];
  };
  page.toStructuredText('preserve-whitespace').walk({
    onChar(c, _origin, _font, _size, quad) {
      if (/\s/.test(c)) return endWord();
      text += c;
      xs.push(quad[0], quad[2], quad[4], quad[6]);
      ys.push(quad[1], quad[3], quad[5], quad[7]);
    },
    endLine: endWord,
  });
  return words;
}

const centreIn = (words: readonly PlacedWord[]) => (word: string) => {
  const found = words.find((candidate) => candidate.text === word);
  if (!found) throw new Error(`"${word}" is not on the page`);
  return { x: found.x, y: found.y };
};

/** A page of text photographed at an angle, with where each of its words really is on the picture. */
export interface SkewedScan {
  bytes: Uint8Array;
  width: number;
  height: number;
  /** Centre of the first word with this text, as fractions of the picture. */
  centreOf(word: string): { x: number; y: number };
}

/**
 * The lines of a text PDF rendered turned by `degrees` (clockwise) at `dpi` as a grayscale PNG; the truth of
 * each word's place comes from the PDF's own text layer, sent through the same turn.
 */
export async function skewedScan(
  lines: string[],
  options: { degrees: number; dpi: number },
): Promise<SkewedScan> {
  const document = mupdf.Document.openDocument(await textPdf([lines]), 'application/pdf');
  const page = document.loadPage(0);
  const matrix = mupdf.Matrix.concat(
    mupdf.Matrix.scale(options.dpi / 72, options.dpi / 72),
    mupdf.Matrix.rotate(options.degrees),
  );
  const picture = page.toPixmap(matrix, mupdf.ColorSpace.DeviceGray, false, true);
  const [width, height, originX, originY] = [
    picture.getWidth(),
    picture.getHeight(),
    picture.getX(),
    picture.getY(),
  ];
  const words = wordCentres(page, (x, y) => [
    (x * matrix[0] + y * matrix[2] + matrix[4] - originX) / width,
    (x * matrix[1] + y * matrix[3] + matrix[5] - originY) / height,
  ]);
  return { bytes: picture.asPNG(), width, height, centreOf: centreIn(words) };
}

/**
 * A long strip of text as a grayscale PNG `pixelsWide` across (a scrolling screenshot, a panorama of a
 * shelf label): the words are spread along it, 20 pt type on a page 80 pt tall rendered at 300 DPI.
 */
export async function textStrip(words: string[], pixelsWide: number): Promise<Uint8Array> {
  const dpi = 300;
  const widthPt = (pixelsWide * 72) / dpi;
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  const page = document.addPage([widthPt, 80]);
  words.forEach((word, n) => {
    page.drawText(word, { x: 40 + (n * (widthPt - 80)) / words.length, y: 30, size: 20, font });
  });
  const [picture] = renderPages(await document.save(), dpi);
  if (!picture) throw new Error('no page rendered');
  return picture.asPNG();
}

/**
 * The lines of a text PDF as a phone photographs the page: at `dpi`, warped so its corners land on `corners`
 * (fractions of a `width` × `height` photo: turned, in perspective) on a brown table, a shadow darkening
 * one side, as a JPEG. Each word's place comes from the PDF's text layer sent through the same warp.
 */
export async function photographedPage(
  lines: string[],
  options: { dpi: number; width: number; height: number; corners: [number, number][]; shadow: number },
): Promise<SkewedScan> {
  const document = mupdf.Document.openDocument(await textPdf([lines]), 'application/pdf');
  const page = document.loadPage(0);
  const scale = options.dpi / 72;
  const flat = page.toPixmap(mupdf.Matrix.scale(scale, scale), mupdf.ColorSpace.DeviceGray, false, true);
  const [pw, ph] = [flat.getWidth(), flat.getHeight()];
  const source = flat.getPixels();
  const { width, height } = options;
  const to = options.corners.map(([x, y]) => [x * width, y * height] as const);
  const toPage = homographyBetween(to, [
    [0, 0],
    [pw, 0],
    [pw, ph],
    [0, ph],
  ]) as Homography;
  const toPhoto = homographyBetween(
    [
      [0, 0],
      [pw, 0],
      [pw, ph],
      [0, ph],
    ],
    to,
  ) as Homography;
  const photo = new mupdf.Pixmap(mupdf.ColorSpace.DeviceRGB, [0, 0, width, height], false);
  const pixels = photo.getPixels();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [u, v] = mapPoint(toPage, x + 0.5, y + 0.5);
      const light = 1 - options.shadow * Math.max(0, 1 - (2 * x) / width);
      const o = (y * width + x) * 3;
      if (u < 0 || v < 0 || u >= pw || v >= ph) {
        pixels.set([120 * light, 98 * light, 76 * light], o);
      } else {
        const value = (source[Math.floor(v) * pw + Math.floor(u)] ?? 0) * light;
        pixels.set([value, value, value], o);
      }
    }
  }
  const bytes = photo.asJPEG(85, false);
  const words = wordCentres(page, (x, y) => {
    const [px, py] = mapPoint(toPhoto, x * scale, y * scale);
    return [px / width, py / height];
  });
  return { bytes, width, height, centreOf: centreIn(words) };
}
