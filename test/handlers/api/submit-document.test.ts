import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_IMAGE_BYTES } from '../../../lambdas/core/schemas/uploads';
import { useApiDependencies } from '../../../lambdas/handlers/api/dependencies';
import { handler } from '../../../lambdas/handlers/api/submit-document';
import { encryptedPdf, multiPageTiff, textPdf } from '../../support/documents';
import { apiEvent, base64, pngHeader, pngImage } from '../../support/events';
import { type MemoryWorld, memoryWorld } from '../../support/memory-ports';

let world: MemoryWorld;
beforeEach(() => {
  world = memoryWorld();
  useApiDependencies(world);
});
afterEach(() => useApiDependencies(undefined));

async function submit(body: unknown, options: { sub?: string; headers?: Record<string, string> } = {}) {
  const result = await handler(apiEvent('POST /v1/tasks/document', { body, ...options }));
  return {
    status: result.statusCode,
    body: result.body ? JSON.parse(result.body) : undefined,
    headers: result.headers,
  };
}

describe('POST /v1/tasks/document', () => {
  it('answers 202 with the task summary and its Location, and queues the task', async () => {
    const { status, body, headers } = await submit({ images: [{ data: base64(pngImage()) }] });
    expect(status).toBe(202);
    expect(body).toEqual({
      taskId: 'task-000001',
      type: 'document',
      status: 'pending',
      priority: 'normal',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    expect(headers?.location).toBe('/v1/tasks/task-000001');
    expect(world.queue.sent).toEqual([{ message: { taskId: 'task-000001' }, priority: 'normal' }]);
  });

  it('answers 415 for bytes that are no image or document, whatever the request claims', async () => {
    for (const bytes of [new TextEncoder().encode('GIF89a ...'), new TextEncoder().encode('hello')]) {
      const { status, body } = await submit({ images: [{ data: base64(bytes) }] });
      expect(status).toBe(415);
      expect(body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('accepts a PDF and a TIFF, recording the pages counted in each', async () => {
    const pdf = await textPdf([['Page one'], ['Page two'], ['Page three']]);
    const tiff = await multiPageTiff([['One'], ['Two']]);
    const { status } = await submit({ images: [{ data: base64(pdf) }, { data: base64(tiff) }] });
    expect(status).toBe(202);
    const task = await world.tasks.get('task-000001');
    expect(task?.images.map(({ mediaType, pages }) => ({ mediaType, pages }))).toEqual([
      { mediaType: 'application/pdf', pages: 3 },
      { mediaType: 'image/tiff', pages: 2 },
    ]);
  });

  it('answers 422 TOO_MANY_PAGES for a 60-page PDF and for 50 pages plus a photo', async () => {
    const sixty = await textPdf(Array.from({ length: 60 }, (_, n) => [`Page ${n + 1}`]));
    const fifty = await textPdf(Array.from({ length: 50 }, (_, n) => [`Page ${n + 1}`]));
    expect((await submit({ images: [{ data: base64(fifty) }] })).status).toBe(202);
    for (const images of [[sixty], [fifty, pngImage()]]) {
      const { status, body } = await submit({ images: images.map((bytes) => ({ data: base64(bytes) })) });
      expect(status).toBe(422);
      expect(body.error.code).toBe('TOO_MANY_PAGES');
      expect(body.error.message).toMatch(/at most 50/);
    }
  });

  it('answers 422 INVALID_IMAGE for an encrypted, a truncated and a garbage PDF, and a broken TIFF', async () => {
    const pdf = await textPdf([['Total: 1.00']]);
    for (const bytes of [
      await encryptedPdf(),
      pdf.slice(0, 200),
      new TextEncoder().encode('%PDF-1.7 ...'),
      new Uint8Array([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0, 0, 0]),
    ]) {
      const { status, body } = await submit({ images: [{ data: base64(bytes) }] });
      expect(status).toBe(422);
      expect(body.error.code).toBe('INVALID_IMAGE');
      expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+/);
    }
  });

  it('accepts a PDF uploaded beforehand, counting its pages from the whole file', async () => {
    // Past the 512 KiB header read: the page tree sits at the end of the file.
    const pdf = await textPdf(Array.from({ length: 40 }, (_, n) => [`Page ${n + 1}`, 'x'.repeat(60)]));
    const padded = await (async () => {
      const { PDFDocument } = await import('pdf-lib');
      const document = await PDFDocument.load(pdf);
      // Random bytes do not compress: the attachment keeps the file large.
      await document.attach(randomBytes(600 * 1024), 'scan.bin', { mimeType: 'application/octet-stream' });
      return document.save();
    })();
    expect(padded.byteLength).toBeGreaterThan(512 * 1024);
    await world.blobs.put('uploads/user-a/letter', padded, 'application/pdf');
    const { status } = await submit({ images: [{ uploadId: 'letter' }] });
    expect(status).toBe(202);
    expect((await world.tasks.get('task-000001'))?.images[0]).toMatchObject({
      mediaType: 'application/pdf',
      pages: 40,
    });
  });

  it('answers 422 INVALID_IMAGE for a broken header and for a side over 20,000 px', async () => {
    for (const bytes of [pngHeader(1, 1).slice(0, 12), pngHeader(20_001, 10)]) {
      const { status, body } = await submit({ images: [{ data: base64(bytes) }] });
      expect(status).toBe(422);
      expect(body.error.code).toBe('INVALID_IMAGE');
    }
  });

  it('answers 413 for an uploaded image over 10 MiB', async () => {
    const big = new Uint8Array(MAX_IMAGE_BYTES + 1);
    big.set(pngImage());
    await world.blobs.put('uploads/user-a/big', big, 'image/png');
    const { status, body } = await submit({ images: [{ uploadId: 'big' }] });
    expect(status).toBe(413);
    expect(body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 404 UPLOAD_NOT_FOUND for an unknown and for another user’s upload', async () => {
    await world.blobs.put('uploads/user-b/theirs', pngImage(), 'image/png');
    for (const uploadId of ['unknown', 'theirs']) {
      const { status, body } = await submit({ images: [{ uploadId }] });
      expect(status).toBe(404);
      expect(body.error.code).toBe('UPLOAD_NOT_FOUND');
    }
  });

  it('replays the first task for a repeated Idempotency-Key and answers 409 for another body', async () => {
    const headers = { 'Idempotency-Key': 'retry-1' };
    const first = await submit({ images: [{ data: base64(pngImage()) }] }, { headers });
    const again = await submit({ images: [{ data: base64(pngImage()) }] }, { headers });
    expect(again.status).toBe(202);
    expect(again.body.taskId).toBe(first.body.taskId);
    const other = await submit({ images: [{ data: base64(pngImage(9, 9)) }] }, { headers });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
  });

  it('refuses more than 20 images and an empty list', async () => {
    const image = { data: base64(pngImage()) };
    expect((await submit({ images: Array.from({ length: 21 }, () => image) })).status).toBe(400);
    expect((await submit({ images: [] })).body.error.details[0].path).toBe('images');
  });
});
