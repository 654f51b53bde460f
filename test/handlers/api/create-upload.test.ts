import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_IMAGE_BYTES } from '../../../lambdas/core/schemas/uploads';
import { handler as createUpload } from '../../../lambdas/handlers/api/create-upload';
import { useApiDependencies } from '../../../lambdas/handlers/api/dependencies';
import { handler as submitDocument } from '../../../lambdas/handlers/api/submit-document';
import { apiEvent, pngImage } from '../../support/events';
import { type MemoryWorld, memoryWorld } from '../../support/memory-ports';

let world: MemoryWorld;
beforeEach(() => {
  world = memoryWorld();
  useApiDependencies(world);
});
afterEach(() => useApiDependencies(undefined));

const upload = async (sub: string, body: unknown) => {
  const result = await createUpload(apiEvent('POST /v1/uploads', { sub, body }));
  return { status: result.statusCode, body: JSON.parse(result.body ?? '{}') };
};

describe('POST /v1/uploads', () => {
  it('answers 201 with a presigned POST, which a later task can use by upload id', async () => {
    const { status, body } = await upload('user-a', { contentType: 'image/png', contentLength: 2048 });
    expect(status).toBe(201);
    expect(body).toEqual({
      uploadId: expect.any(String),
      url: expect.any(String),
      fields: expect.objectContaining({
        key: `uploads/user-a/${body.uploadId}`,
        'Content-Type': 'image/png',
      }),
      expiresAt: expect.any(String),
    });
    // The client posts the file to the presigned URL; here it lands in the store directly.
    await world.blobs.put(body.fields.key, pngImage(), 'image/png');
    const submitted = await submitDocument(
      apiEvent('POST /v1/tasks/document', { sub: 'user-a', body: { images: [{ uploadId: body.uploadId }] } }),
    );
    expect(submitted.statusCode).toBe(202);
  });

  it('answers 415 for a type outside the four and 413 over 10 MiB', async () => {
    expect((await upload('user-a', { contentType: 'image/gif', contentLength: 10 })).body.error.code).toBe(
      'UNSUPPORTED_MEDIA_TYPE',
    );
    const tooBig = await upload('user-a', { contentType: 'image/jpeg', contentLength: MAX_IMAGE_BYTES + 1 });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 400 VALIDATION_ERROR for a missing or non-integer length', async () => {
    const { status, body } = await upload('user-a', { contentType: 'image/png', contentLength: 1.5 });
    expect(status).toBe(400);
    expect(body.error.details[0].path).toBe('contentLength');
  });
});
