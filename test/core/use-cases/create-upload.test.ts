import { describe, expect, it } from 'vitest';
import { MAX_IMAGE_BYTES } from '../../../lambdas/core/schemas/uploads';
import { createUpload } from '../../../lambdas/core/use-cases/create-upload';
import { memoryWorld } from '../../support/memory-ports';

describe('createUpload', () => {
  it('presigns a POST under the caller’s prefix, bound to the type and 1 B – 10 MiB, for 15 minutes', async () => {
    const world = memoryWorld();
    const before = Date.now();
    const answer = await createUpload(world, 'user a/1', { contentType: 'image/png', contentLength: 1234 });
    expect(answer.uploadId).toBe('task-000001');
    expect(answer.fields).toMatchObject({
      key: `uploads/user%20a%2F1/${answer.uploadId}`,
      'Content-Type': 'image/png',
      'x-test-length-range': `1-${MAX_IMAGE_BYTES}`,
    });
    // Presigned URLs expire by the real clock, as S3 checks them.
    expect(Date.parse(answer.expiresAt)).toBeGreaterThanOrEqual(before + 900_000);
    expect(Date.parse(answer.expiresAt)).toBeLessThanOrEqual(Date.now() + 900_000);
  });

  it('gives every upload its own id', async () => {
    const world = memoryWorld();
    const first = await createUpload(world, 'u', { contentType: 'image/jpeg', contentLength: 1 });
    const second = await createUpload(world, 'u', { contentType: 'image/jpeg', contentLength: 1 });
    expect(first.uploadId).not.toBe(second.uploadId);
  });

  it('accepts the four contract types and refuses others with 415', async () => {
    const world = memoryWorld();
    for (const contentType of ['image/jpeg', 'image/png', 'application/pdf', 'image/tiff']) {
      await expect(createUpload(world, 'u', { contentType, contentLength: 10 })).resolves.toBeDefined();
    }
    await expect(
      createUpload(world, 'u', { contentType: 'image/gif', contentLength: 10 }),
    ).rejects.toMatchObject({
      name: 'ImageRejected',
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
  });

  it('refuses more than 10 MiB with 413 and allows exactly 10 MiB', async () => {
    const world = memoryWorld();
    await expect(
      createUpload(world, 'u', { contentType: 'image/png', contentLength: MAX_IMAGE_BYTES + 1 }),
    ).rejects.toMatchObject({ name: 'ImageRejected', code: 'PAYLOAD_TOO_LARGE' });
    await expect(
      createUpload(world, 'u', { contentType: 'image/png', contentLength: MAX_IMAGE_BYTES }),
    ).resolves.toBeDefined();
  });
});
