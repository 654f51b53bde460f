import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_IMAGE_BYTES } from '../../../lambdas/core/schemas/uploads';
import { useApiDependencies } from '../../../lambdas/handlers/api/dependencies';
import { handler } from '../../../lambdas/handlers/api/submit-document';
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

  it('answers 415 for a PDF and for bytes that are no image, whatever the request claims', async () => {
    for (const bytes of [new TextEncoder().encode('%PDF-1.7 ...'), new TextEncoder().encode('hello')]) {
      const { status, body } = await submit({ images: [{ data: base64(bytes) }] });
      expect(status).toBe(415);
      expect(body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('answers 422 INVALID_IMAGE for a broken header and for a side over 10,000 px', async () => {
    for (const bytes of [pngHeader(1, 1).slice(0, 12), pngHeader(10_001, 10)]) {
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
