import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../lambdas/core/errors';
import { decodeBase64Image, detectMediaType, inspectImage } from '../../lambdas/core/images';
import { MAX_IMAGE_BYTES } from '../../lambdas/core/schemas/uploads';
import { pngHeader, pngImage } from '../support/events';

const jpeg = new Uint8Array(readFileSync(new URL('../fixtures/id-card.jpg', import.meta.url)));

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return `${error.name} ${error.code}`;
    throw error;
  }
  return undefined;
}

describe('images', () => {
  it('reads type and dimensions of a PNG and a JPEG from their bytes', () => {
    expect(inspectImage(pngImage(30, 20), 'images[0]')).toEqual({
      mediaType: 'image/png',
      width: 30,
      height: 20,
    });
    const inspected = inspectImage(jpeg, 'images[0]');
    expect(inspected.mediaType).toBe('image/jpeg');
    expect(inspected.width).toBeGreaterThan(0);
  });

  it('recognises PDF and TIFF; a photo-only check (the compat protocol) refuses them (415)', () => {
    const pdf = new TextEncoder().encode('%PDF-1.7\n...');
    const tiff = new Uint8Array([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]);
    expect(detectMediaType(pdf)).toBe('application/pdf');
    expect(detectMediaType(tiff)).toBe('image/tiff');
    expect(() => inspectImage(pdf, 'images[0]')).toThrow(/PDF.*only accepted by the v1 API/);
    expect(codeOf(() => inspectImage(tiff, 'images[0]'))).toBe('ImageRejected UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses bytes of no known type (415), whatever the caller may think they are', () => {
    expect(codeOf(() => inspectImage(new TextEncoder().encode('GIF89a....'), 'images[0]'))).toBe(
      'ImageRejected UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('refuses a PNG signature followed by garbage (422)', () => {
    const broken = new Uint8Array([...pngHeader(10, 10).slice(0, 8), 1, 2, 3]);
    expect(codeOf(() => inspectImage(broken, 'images[0]'))).toBe('ImageRejected INVALID_IMAGE');
  });

  it('refuses a JPEG header whose frame is cut off (422)', () => {
    expect(codeOf(() => inspectImage(jpeg.slice(0, 4), 'images[0]'))).toBe('ImageRejected INVALID_IMAGE');
  });

  it('accepts a side over 10,000 px (the worker scales it down) up to 20,000, and refuses 20,001 (422)', () => {
    expect(inspectImage(pngHeader(10_000, 10_000), 'images[0]').width).toBe(10_000);
    expect(inspectImage(pngHeader(10_001, 50), 'images[0]').width).toBe(10_001);
    expect(inspectImage(pngHeader(1_000, 20_000), 'images[0]').height).toBe(20_000);
    expect(codeOf(() => inspectImage(pngHeader(20_001, 50), 'images[0]'))).toBe(
      'ImageRejected INVALID_IMAGE',
    );
    expect(codeOf(() => inspectImage(pngHeader(50, 20_001), 'images[0]'))).toBe(
      'ImageRejected INVALID_IMAGE',
    );
  });

  it('refuses a photo over 10,000 px a side with more pixels than the worker can decode to scale it (422)', () => {
    // 12,000 x 5,000 is 60 megapixels, the most; one row more is over.
    expect(inspectImage(pngHeader(12_000, 5_000), 'images[0]').width).toBe(12_000);
    expect(codeOf(() => inspectImage(pngHeader(12_000, 5_001), 'images[0]'))).toBe(
      'ImageRejected INVALID_IMAGE',
    );
    // Within 10,000 px a side it goes to OCR as it is, decoded by no one here: any pixel count.
    expect(inspectImage(pngHeader(10_000, 10_000), 'images[0]').height).toBe(10_000);
  });

  it('refuses an image over 10 MiB (413) before looking at its content', () => {
    expect(codeOf(() => inspectImage(pngImage(), 'images[0]', MAX_IMAGE_BYTES + 1))).toBe(
      'ImageRejected PAYLOAD_TOO_LARGE',
    );
    expect(inspectImage(pngImage(), 'images[0]', MAX_IMAGE_BYTES).mediaType).toBe('image/png');
  });

  it('decodes base64 (line breaks allowed) and refuses what is not base64 with the field path', () => {
    const png = pngImage();
    const wrapped = Buffer.from(png)
      .toString('base64')
      .replace(/(.{76})/g, '$1\n');
    expect(decodeBase64Image(wrapped, 'images.0.data')).toEqual(png);
    for (const bad of ['not base64!', 'abc', '====', '']) {
      try {
        decodeBase64Image(bad, 'images.2.data');
        expect.unreachable(`accepted ${bad}`);
      } catch (error) {
        expect(error).toMatchObject({
          name: 'ValidationError',
          code: 'VALIDATION_ERROR',
          details: [{ path: 'images.2.data' }],
        });
      }
    }
  });

  it('decodes an image just under the 10 MiB limit', () => {
    const bytes = new Uint8Array(MAX_IMAGE_BYTES - 1).fill(7);
    expect(decodeBase64Image(Buffer.from(bytes).toString('base64'), 'images.0.data').length).toBe(
      bytes.length,
    );
  });

  it('refuses base64 whose decoded size is over 10 MiB (413)', () => {
    const huge = 'A'.repeat(Math.ceil((MAX_IMAGE_BYTES + 3) / 3) * 4);
    expect(codeOf(() => decodeBase64Image(huge, 'images.0.data'))).toBe('ImageRejected PAYLOAD_TOO_LARGE');
  });
});
