import { imageSize } from 'image-size';
import { decodedLength, decodeStrictBase64, withoutWhitespace } from './base64';
import { ImageRejected, ValidationError } from './errors';
import type { DocumentMediaType, PageCounter } from './ports';
import { MAX_IMAGE_BYTES } from './schemas/uploads';
import type { ImageInput } from './task';

/** Textract's synchronous limit on either side of an image: larger photos are scaled down to it in the worker. */
export const MAX_IMAGE_SIDE_PX = 10_000;

/**
 * The longest side a photo may have: scaled down at most 2× to Textract's 10,000 px, text 30 px tall stays
 * at the 15 px OCR still reads; a longer strip would lose its text.
 */
export const MAX_INPUT_SIDE_PX = 2 * MAX_IMAGE_SIDE_PX;

/**
 * The most pixels a photo the worker must decode (to scale down, re-encode or turn upright) may hold: MuPDF
 * takes about 10 bytes a pixel (measured: 1.1 GB for 100 megapixels), and the worker has 1 GB. A 50 MP phone
 * photo fits.
 */
export const MAX_DECODED_PIXELS = 60_000_000;

/** At most this many pages per task, counting every page of every input (DESIGN §3.1). */
export const MAX_PAGES_PER_TASK = 50;

export type AcceptedMediaType = ImageInput['mediaType'];
export type PhotoMediaType = Exclude<AcceptedMediaType, DocumentMediaType>;
export type RecognisedMediaType = AcceptedMediaType;

/** What the API learned about a photo from its bytes. */
export interface InspectedImage {
  mediaType: PhotoMediaType;
  width: number;
  height: number;
}

/** What the API learned about any input (photo, PDF, TIFF) from its bytes. */
export interface InspectedInput {
  mediaType: AcceptedMediaType;
  pages: number;
}

const SIGNATURES: { mediaType: RecognisedMediaType; bytes: number[] }[] = [
  { mediaType: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { mediaType: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { mediaType: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { mediaType: 'image/tiff', bytes: [0x49, 0x49, 0x2a, 0x00] },
  { mediaType: 'image/tiff', bytes: [0x4d, 0x4d, 0x00, 0x2a] },
];

/** The media type the magic number at the start of `bytes` announces, if any we know. */
export function detectMediaType(bytes: Uint8Array): RecognisedMediaType | undefined {
  return SIGNATURES.find(({ bytes: signature }) => signature.every((byte, i) => bytes[i] === byte))
    ?.mediaType;
}

/** Refuses an image larger than Textract's synchronous limit (PAYLOAD_TOO_LARGE). */
export function checkImageSize(size: number, label: string): void {
  if (size > MAX_IMAGE_BYTES) {
    throw new ImageRejected(
      'PAYLOAD_TOO_LARGE',
      `${label} is ${size} bytes; an image may be at most ${MAX_IMAGE_BYTES}`,
    );
  }
}

export const isDocument = (mediaType: RecognisedMediaType | undefined): mediaType is DocumentMediaType =>
  mediaType === 'application/pdf' || mediaType === 'image/tiff';

/**
 * Type and page count of a v1 input from its bytes: a photo is one page, a PDF or TIFF as many as it holds.
 * `bytes` must be the whole file for a PDF or TIFF (their page lists are spread through the file).
 */
export async function inspectInput(
  bytes: Uint8Array,
  label: string,
  pageCounter: PageCounter,
  totalSize = bytes.byteLength,
): Promise<InspectedInput> {
  const mediaType = detectMediaType(bytes);
  if (!isDocument(mediaType)) return { mediaType: inspectImage(bytes, label, totalSize).mediaType, pages: 1 };
  checkImageSize(totalSize, label);
  const counted = await pageCounter.count(bytes, mediaType);
  const kind = mediaType === 'application/pdf' ? 'PDF' : 'TIFF';
  if (counted.status === 'encrypted') {
    throw new ImageRejected('INVALID_IMAGE', `${label} is an encrypted PDF; send it without a password`);
  }
  if (counted.status !== 'counted') {
    throw new ImageRejected('INVALID_IMAGE', `${label} is a ${kind} that cannot be opened`);
  }
  return { mediaType, pages: counted.pages };
}

/** 422 TOO_MANY_PAGES when the inputs of one task hold more pages than a task may have. */
export function checkPageCount(pages: number): void {
  if (pages > MAX_PAGES_PER_TASK) {
    throw new ImageRejected(
      'TOO_MANY_PAGES',
      `the inputs hold ${pages} pages; a task may have at most ${MAX_PAGES_PER_TASK}`,
    );
  }
}

/**
 * Decides a photo's type and dimensions from the bytes, never from a declared type. `bytes` may be only the start
 * of the file (enough for the header); `totalSize` is the whole file's size.
 */
export function inspectImage(bytes: Uint8Array, label: string, totalSize = bytes.byteLength): InspectedImage {
  checkImageSize(totalSize, label);
  const mediaType = detectMediaType(bytes);
  if (isDocument(mediaType)) {
    throw new ImageRejected(
      'UNSUPPORTED_MEDIA_TYPE',
      `${label} is ${mediaType === 'application/pdf' ? 'a PDF' : 'a TIFF'}, which is only accepted by the v1 API; send JPEG or PNG`,
    );
  }
  if (mediaType === undefined) {
    throw new ImageRejected('UNSUPPORTED_MEDIA_TYPE', `${label} is not a JPEG or PNG image`);
  }
  let width: number;
  let height: number;
  try {
    ({ width, height } = imageSize(bytes));
  } catch {
    throw new ImageRejected('INVALID_IMAGE', `${label} has an unreadable ${mediaType} header`);
  }
  if (!(width > 0 && height > 0)) {
    throw new ImageRejected('INVALID_IMAGE', `${label} has no readable dimensions`);
  }
  checkReadableSize(width, height, label);
  return { mediaType, width, height };
}

/**
 * 422 INVALID_IMAGE for a photo the worker cannot read even scaled down: a side over MAX_INPUT_SIDE_PX, or
 * one over Textract's 10,000 px with more pixels than the worker can decode. Anything else is read, larger
 * photos scaled down to fit the OCR engine.
 */
export function checkReadableSize(width: number, height: number, label: string): void {
  const side = Math.max(width, height);
  if (side > MAX_INPUT_SIDE_PX) {
    throw new ImageRejected(
      'INVALID_IMAGE',
      `${label} is ${width}x${height} px; a side may be at most ${MAX_INPUT_SIDE_PX} px`,
    );
  }
  if (side > MAX_IMAGE_SIDE_PX && width * height > MAX_DECODED_PIXELS) {
    throw new ImageRejected(
      'INVALID_IMAGE',
      `${label} is ${width}x${height} px; an image over ${MAX_IMAGE_SIDE_PX} px a side is scaled down to fit OCR, which takes at most ${MAX_DECODED_PIXELS / 1_000_000} megapixels`,
    );
  }
}

/**
 * Decodes strict base64 (whitespace and line breaks allowed, as encoders wrap lines). `path` names the
 * field in the request, for the error details.
 */
export function decodeBase64Image(data: string, path: string): Uint8Array {
  const compact = withoutWhitespace(data);
  // Checked before decoding so a huge string is refused without allocating its bytes.
  checkImageSize(compact.length % 4 === 0 ? decodedLength(compact) : (compact.length * 3) >> 2, path);
  const bytes = compact.length === 0 ? undefined : decodeStrictBase64(compact);
  if (!bytes) {
    throw new ValidationError('image data is not valid base64', [
      { path, message: 'must be the base64 of the file bytes' },
    ]);
  }
  // A plain view of the decoded bytes: no copy.
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
